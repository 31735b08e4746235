// Function calls: many mixed int/double parameters, void functions writing
// results through pointers (divmod, min/max, swap), nested calls as
// arguments, implicit argument and return conversions, ignored results.
#include <stdbool.h>
#include <stdint.h>

static double many(int a, double b, int64_t c, float d, int e, double f, uint32_t g, int8_t h,
                   double i, int j) {
  return a + b * 2 + (double)c * 3 + d * 4 + e * 5 + f * 6 + g * 7.0 + h * 8 + i * 9 + j * 10;
}

static void divmod(int64_t a, int64_t b, int64_t *q, int64_t *r) {
  *q = a / b;
  *r = a % b;
}

static void min_max(const double *v, int n, double *mn, double *mx) {
  *mn = v[0];
  *mx = v[0];
  for (int i = 1; i < n; i++) {
    if (v[i] < *mn) *mn = v[i];
    if (v[i] > *mx) *mx = v[i];
  }
}

static void swap(int64_t *a, int64_t *b) {
  int64_t t = *a;
  *a = *b;
  *b = t;
}

static int sq(int x) { return x * x; }
static int add3(int x, int y, int z) { return x + y + z; }
static int64_t widen(int x) { return x; }
static int narrow(double x) { return x; }
static int8_t as_i8(int x) { return (int8_t)x; }
static bool truthy(int x) { return x; }

static int side;
static int touch(int v) {
  side += v;
  return side;
}

void run(int64_t *iout, double *fout) {
  fout[0] = many(1, 0.5, -3, 0.25f, 7, -1.5, 4000000000u, -100, 3.75, 11);
  fout[1] = many(sq(3), add3(1, 2, 3), widen(-9), 1.5f, narrow(-2.9), 1e3, 1u, as_i8(300), -0.125, truthy(5));

  int64_t q, r;
  divmod(47, 5, &q, &r);
  iout[0] = q * 100 + r;
  divmod(-47, 5, &q, &r);
  iout[1] = q * 100 + r;

  double v[7] = {3.5, -2.0, 8.25, 0.0, -7.75, 6.0, 1.0};
  double mn, mx;
  min_max(v, 7, &mn, &mx);
  fout[2] = mn;
  fout[3] = mx;
  min_max(v + 2, 2, &mn, &mx);
  fout[4] = mn * mx;

  int64_t a = 11, b = -22;
  swap(&a, &b);
  iout[2] = a * 1000 + b;

  iout[3] = add3(sq(2), sq(add3(1, 1, 1)), sq(sq(2)));
  iout[4] = narrow(7.99) * 10 + narrow(-7.99);
  iout[5] = as_i8(200) + as_i8(-129) * 1000;
  iout[6] = truthy(0) + 2 * truthy(-7);

  side = 0;
  touch(5);
  touch(10);
  iout[7] = touch(1);
  iout[8] = widen(2147483647) + widen(1);
}
