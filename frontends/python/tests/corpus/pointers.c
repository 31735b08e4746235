// Pointer arithmetic over arrays: p + k, p[i], *p, p++ / --p walks with
// pointer comparisons, negative indices from an interior pointer, pointer
// differences, a + offset passed to functions, &a[i], a pointer to a scalar.
#include <stddef.h>
#include <stdint.h>

static int64_t sum_range(const int64_t *p, int n) {
  int64_t s = 0;
  for (int i = 0; i < n; i++) s += p[i];
  return s;
}

static int64_t walk_sum(const int64_t *begin, const int64_t *end) {
  int64_t s = 0;
  while (begin < end) {
    s = s * 3 + *begin;
    begin++;
  }
  return s;
}

static void scale(double *p, int n, double f) {
  for (double *q = p; q != p + n; ++q) *q *= f;
}

static void set_through(int *target, int v) { *target = v; }

void run(int64_t *iout, double *fout) {
  int64_t a[16];
  for (int i = 0; i < 16; i++) a[i] = (i * 37 + 11) % 23 - 7;

  iout[0] = sum_range(a, 16);
  iout[1] = sum_range(a + 4, 8);
  iout[2] = sum_range(&a[10], 6);
  iout[3] = walk_sum(a, a + 16);
  iout[4] = walk_sum(a + 3, a + 9);

  int64_t *p = a + 5;
  iout[5] = p[-1] * 100 + p[0] * 10 + p[2];
  iout[6] = *(p + 3) - *(p - 5);
  int64_t *q = &a[12];
  ptrdiff_t d = q - p;
  iout[7] = (int64_t)d;

  int64_t back = 0;
  int64_t *r = a + 16;
  while (r != a) {
    --r;
    back = back * 2 + (*r & 1);
  }
  iout[8] = back;

  *p = 1000;
  p[1] += 5;
  *(p + 2) = p[1] * 2;
  iout[9] = a[5] + a[6] + a[7];

  double v[10];
  for (int i = 0; i < 10; i++) v[i] = i * 0.5;
  scale(v + 2, 5, 3.0);
  scale(v, 2, -1.0);
  for (int i = 0; i < 10; i++) fout[i] = v[i];

  int x = 0;
  int *px = &x;
  set_through(px, 42);
  *px += 1;
  set_through(&x, x * 2);
  iout[10] = x;

  double *out = fout + 10;
  *out++ = 1.25;
  *out++ = 2.5;
  out[0] = (double)(out - fout);
  iout[11] = (int64_t)(out - fout);
}
