// Structs of scalars and arrays: a 2-D point type, a particle with an
// array member, structs passed by pointer and by value, returned by value,
// and an array of structs.
#include <stdint.h>

struct point {
  double x, y;
};

struct particle {
  struct point pos;
  struct point vel;
  int64_t history[4];
  int id;
};

static struct point add(struct point a, struct point b) {
  struct point r = {a.x + b.x, a.y + b.y};
  return r;
}

static void step(struct particle *p, double dt) {
  p->pos.x += p->vel.x * dt;
  p->pos.y += p->vel.y * dt;
  for (int i = 3; i > 0; i--) p->history[i] = p->history[i - 1];
  p->history[0] = (int64_t)(p->pos.x * 100.0);
}

void run(int64_t *iout, double *fout) {
  struct particle ps[3];
  for (int i = 0; i < 3; i++) {
    ps[i].pos.x = i;
    ps[i].pos.y = -i;
    ps[i].vel.x = 0.5 * (i + 1);
    ps[i].vel.y = 1.0 - i;
    ps[i].id = 10 + i;
    for (int k = 0; k < 4; k++) ps[i].history[k] = 0;
  }
  for (int t = 0; t < 5; t++)
    for (int i = 0; i < 3; i++) step(&ps[i], 0.1);
  struct point total = {0.0, 0.0};
  for (int i = 0; i < 3; i++) total = add(total, ps[i].pos);
  fout[0] = total.x;
  fout[1] = total.y;
  for (int i = 0; i < 3; i++) {
    iout[i] = ps[i].id;
    for (int k = 0; k < 4; k++) iout[3 + 4 * i + k] = ps[i].history[k];
  }
}
