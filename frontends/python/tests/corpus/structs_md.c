// Records as molecular-dynamics and finance kernels use them: a box holding
// an array of particles, a pointer into an array of structs kept in a local,
// arrays of structs passed from an offset, structs on the heap (malloc and
// calloc), nested initializer lists, struct assignment, and an option record
// passed by value.
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct {
  double x[3];
  double v[3];
  int type;
} Particle;

typedef struct {
  Particle p[4];
  double side;
  int64_t n;
} Box;

typedef struct {
  double spot, strike, rate, vol, years;
  int call;
} Option;

static double kinetic(const Particle *ps, int n) {
  double e = 0.0;
  for (int i = 0; i < n; i++) {
    const Particle *p = &ps[i];
    for (int d = 0; d < 3; d++) e += 0.5 * (p->type + 1) * p->v[d] * p->v[d];
  }
  return e;
}

static void drift(Box *box, double dt) {
  for (int i = 0; i < box->n; i++)
    for (int d = 0; d < 3; d++) {
      box->p[i].x[d] += dt * box->p[i].v[d];
      if (box->p[i].x[d] >= box->side) box->p[i].x[d] -= box->side;
    }
}

// By value with array members: the callee's copy changes, the caller's not;
// returned by value through the caller's object.
static Particle reflected(Particle q) {
  for (int d = 0; d < 3; d++) q.v[d] = -q.v[d];
  q.type += 1;
  return q;
}

static double intrinsic(Option o) {
  double forward = o.spot * exp(o.rate * o.years);
  double payoff = o.call ? forward - o.strike : o.strike - forward;
  return payoff > 0.0 ? payoff * exp(-o.rate * o.years) : 0.0;
}

void run(int64_t *iout, double *fout) {
  Box box = {{{{0.5, 1.0, 1.5}, {0.1, 0.2, 0.3}, 0}, {{2.0, 2.5, 3.0}, {-0.1, 0.0, 0.4}, 1}}, 4.0, 4};
  box.p[2].type = 2;
  box.p[3] = box.p[1];
  box.p[3].v[0] = 0.7;
  for (int step = 0; step < 7; step++) drift(&box, 0.35);
  for (int i = 0; i < 4; i++) fout[i] = box.p[i].x[0] + 10.0 * box.p[i].x[2];
  fout[4] = kinetic(box.p, 4);
  fout[5] = kinetic(box.p + 1, 2);
  fout[6] = kinetic(&box.p[3], 1);

  int n = 9;
  Particle *heap = malloc(n * sizeof *heap);
  Particle *zeros = calloc(n, sizeof(Particle));
  for (int i = 0; i < n; i++) {
    heap[i].type = i % 3;
    for (int d = 0; d < 3; d++) {
      heap[i].x[d] = i + d;
      heap[i].v[d] = 0.125 * (i - d);
    }
  }
  fout[7] = kinetic(heap, n);
  fout[8] = kinetic(zeros, n);
  iout[0] = zeros[n - 1].type + heap[n - 1].type * 10;
  free(zeros);
  free(heap);

  Option book[3] = {{100.0, 95.0, 0.01, 0.2, 1.0, 1}, {100.0, 105.0, 0.02, 0.3, 0.5, 0}, {80.0, 90.0, 0.0, 0.25, 2.0, 1}};
  Option copy = book[1];
  copy.strike = 120.0;
  for (int i = 0; i < 3; i++) fout[9 + i] = intrinsic(book[i]);
  fout[12] = intrinsic(copy);
  iout[1] = box.n * 100 + box.p[2].type;
  Particle back = reflected(box.p[1]);
  fout[13] = back.v[0] + 10.0 * back.v[2] + box.p[1].v[2];
  iout[2] = back.type * 10 + box.p[1].type;
}
