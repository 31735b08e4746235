// Polynomials by Horner's rule: double evaluation at many points, the
// derivative alongside, Newton's method for a root (loop with a tolerance
// and an iteration cap), and integer evaluation modulo a prime.
#include <math.h>
#include <stdint.h>

static const double kCoef[6] = {1.0, -3.0, 0.5, 2.0, -0.25, 0.125};

static double horner(const double *c, int degree, double x) {
  double r = c[degree];
  for (int i = degree - 1; i >= 0; i--) r = r * x + c[i];
  return r;
}

static void horner_with_derivative(const double *c, int degree, double x, double *p, double *dp) {
  double r = c[degree], d = 0.0;
  for (int i = degree - 1; i >= 0; i--) {
    d = d * x + r;
    r = r * x + c[i];
  }
  *p = r;
  *dp = d;
}

static int64_t horner_mod(const int64_t *c, int degree, int64_t x, int64_t m) {
  int64_t r = c[degree] % m;
  for (int i = degree; i-- > 0;) r = (r * x + c[i]) % m;
  return r;
}

void run(int64_t *iout, double *fout) {
  for (int k = 0; k < 10; k++) fout[k] = horner(kCoef, 5, -2.0 + 0.45 * k);

  double x = 3.0;
  int iters = 0;
  for (;;) {
    double p, dp;
    horner_with_derivative(kCoef, 5, x, &p, &dp);
    double step = p / dp;
    x -= step;
    iters++;
    if (fabs(step) < 1e-13 || iters >= 50) break;
  }
  fout[10] = x;
  fout[11] = horner(kCoef, 5, x);
  iout[0] = iters;

  double cheb[4] = {0.0, -3.0, 0.0, 4.0};
  fout[12] = horner(cheb, 3, cos(0.7)) - cos(2.1);

  int64_t ic[8] = {7, 0, -3, 12, 5, 0, 0, 1};
  iout[1] = horner_mod(ic, 7, 10, 1000000007);
  iout[2] = horner_mod(ic, 7, 123456, 998244353);
  iout[3] = horner_mod(ic, 3, 2, 97);
}
