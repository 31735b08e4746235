// libm: sqrt, exp, log, sin, cos, pow, fabs, floor, ceil, fmax, fmin over a
// range of arguments (negative, fractional, large; NaN for fmax and fmin),
// float variants sqrtf, fabsf and floorf, and identities combining them.
#include <math.h>
#include <stdint.h>

static double norm2(const double *v, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += v[i] * v[i];
  return sqrt(s);
}

void run(int64_t *iout, double *fout) {
  double xs[6] = {0.25, 1.0, 2.5, 10.0, 123.456, 1e-3};
  for (int i = 0; i < 6; i++) {
    double x = xs[i];
    fout[i] = sqrt(x) + log(x) * 0.5 + exp(-x);
  }

  double acc = 0.0;
  for (int i = -8; i <= 8; i++) {
    double t = i * 0.4;
    acc += sin(t) * cos(2.0 * t) + fabs(t - 1.0);
  }
  fout[6] = acc;

  fout[7] = pow(2.0, 0.5) - sqrt(2.0);
  fout[8] = pow(1.5, 7.0);
  fout[9] = pow(-2.0, 3.0);
  fout[10] = pow(10.0, -2.5);

  double fl = 0.0;
  int64_t code = 0;
  double ys[6] = {-2.5, -0.5, 0.0, 0.5, 2.5, 7.999};
  for (int i = 0; i < 6; i++) {
    fl += floor(ys[i]) * (i + 1) + ceil(ys[i]) * 0.5;
    code = code * 10 + (int64_t)(floor(ys[i]) + 3.0);
  }
  fout[11] = fl;
  iout[0] = code;

  fout[12] = fmax(-1.0, -2.0) + fmin(3.0, -4.0);
  fout[13] = fmax(0.5, 0.25) * fmin(8.0, 16.0);
  double zero = 0.0;
  double nan = zero / zero;
  fout[21] = fmax(nan, 1.0) + fmin(2.0, nan) + fabs(fmax(-0.0, 0.0));

  double v[5] = {3.0, 4.0, 12.0, 0.5, -0.5};
  fout[14] = norm2(v, 5);
  fout[15] = norm2(v, 2);

  float f = 2.0f;
  float g = sqrtf(f) + fabsf(-0.75f) + floorf(2.7f);
  fout[16] = g;

  double e = exp(1.0);
  fout[17] = log(e * e * e);
  fout[18] = sin(3.14159265358979323846 / 6.0) + cos(0.0);
  fout[19] = fabs(-0.0) + fabs(-1e300);

  double h = 0.0;
  for (int i = 1; i <= 20; i++) h += log(i) - exp(-i) * sin(i);
  fout[20] = h;
  iout[1] = (int64_t)floor(h * 1000.0);
}
