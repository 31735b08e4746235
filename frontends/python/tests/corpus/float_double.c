// float vs double arithmetic: float accumulation stays in float (0.1f
// summed), float expressions vs the same in double, float constants without
// suffix, float parameters/returns, division, promotion of float operands
// mixed with double, Kahan summation in float, infinities and signed zero.
#include <stdint.h>

static float axpy_f(float a, float x, float y) { return a * x + y; }
static double axpy_d(double a, double x, double y) { return a * x + y; }

static float kahan(const float *v, int n) {
  float sum = 0.0f, c = 0.0f;
  for (int i = 0; i < n; i++) {
    float y = v[i] - c;
    float t = sum + y;
    c = (t - sum) - y;
    sum = t;
  }
  return sum;
}

void run(int64_t *iout, double *fout) {
  float fs = 0.0f;
  double ds = 0.0;
  for (int i = 0; i < 1000; i++) {
    fs += 0.1f;
    ds += 0.1;
  }
  fout[0] = fs;
  fout[1] = ds;
  iout[0] = fs != ds;

  float third = 1.0f / 3.0f;
  double dthird = 1.0 / 3.0;
  fout[2] = third;
  fout[3] = dthird - third;
  fout[4] = third * 3.0f;
  fout[5] = third * 3.0;

  float noSuffix = 0.1;
  fout[6] = noSuffix;
  fout[7] = axpy_f(1.1f, 2.2f, 3.3f);
  fout[8] = axpy_d(1.1, 2.2, 3.3);
  fout[9] = axpy_f(1.1, 2.2, 3.3);

  float v[64];
  float naive = 0.0f;
  uint32_t seed = 99u;
  for (int i = 0; i < 64; i++) {
    seed = seed * 1664525u + 1013904223u;
    v[i] = (float)(seed >> 8) / 16777216.0f * 1000.0f;
    naive += v[i];
  }
  fout[10] = naive;
  fout[11] = kahan(v, 64);

  float big = 3.0e38f;
  float inf = big * 10.0f;
  double dbig = (double)big * 10.0;
  iout[1] = inf > 1e308;
  fout[12] = dbig;
  float nz = -0.0f;
  fout[13] = 1.0f / nz;
  fout[14] = 1.0 / (nz * -1.0f);

  float prod = 1.0f;
  for (int i = 1; i <= 30; i++) prod *= 1.0f + 1.0f / i;
  fout[15] = prod;
  float h = 16777216.0f;
  h += 1.0f;
  fout[16] = h;
  double hd = 16777216.0;
  hd += 1.0f;
  fout[17] = hd;
  fout[18] = 5.0f / 2 + 5 / 2;
  iout[2] = (float)0.1 == 0.1;
  iout[3] = (float)0.5 == 0.5;
}
