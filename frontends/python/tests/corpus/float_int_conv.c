// Float <-> int conversions: truncation toward zero for positive and
// negative values, double to int64/uint32/uint64/uint8, int and unsigned
// to double and float (with rounding of 2^24 + 1), implicit conversions in
// initializers, returns and arguments, integer vs floating division.
#include <stdint.h>

static int trunc_arg(int v) { return v; }
static double half(int v) { return v / 2; }
static float to_float(int64_t v) { return (float)v; }

void run(int64_t *iout, double *fout) {
  double vals[8] = {2.7, -2.7, 0.5, -0.5, 1e10, -1e10, 123456.999, -0.0};
  for (int i = 0; i < 4; i++) iout[i] = (int)vals[i];
  iout[4] = (int64_t)vals[4];
  iout[5] = (int64_t)vals[5];
  iout[6] = (int64_t)vals[6];
  iout[7] = (int64_t)vals[7];

  double big = 3.9e9;
  iout[8] = (uint32_t)big;
  iout[9] = (int64_t)(uint64_t)1.8e19;
  iout[10] = (uint8_t)200.7;
  iout[11] = (int8_t)-100.9;
  iout[12] = (int16_t)-32000.5f;

  int k = 3.99;
  int m = -3.99;
  iout[13] = k * 10 + m;
  iout[14] = trunc_arg(9.75) + trunc_arg(-9.75) * 100;

  int32_t n = 16777217;
  float f = n;
  fout[0] = f;
  fout[1] = (double)n;
  fout[2] = to_float(9007199254740993LL);
  fout[3] = (double)9007199254740993LL;
  uint32_t u = 4294967295u;
  fout[4] = u;
  fout[5] = (float)u;
  uint64_t u64 = 0xFFFFFFFFFFFFF800ull;
  fout[6] = (double)u64;
  fout[7] = (double)-7;

  fout[8] = half(7);
  fout[9] = 7 / 2 + 7 / 2.0 + 7.0f / 2;
  int a = 1, b = 3;
  fout[10] = a / b;
  fout[11] = (double)a / b;
  fout[12] = a / (float)b;

  int64_t acc = 0;
  for (int i = -10; i <= 10; i++) {
    double x = i * 0.75;
    acc = acc * 3 + (int)x + (int64_t)(x * x);
  }
  iout[15] = acc;

  float g = -2.5f;
  int gi = g;
  unsigned char uc = 65.9;
  iout[16] = gi;
  iout[17] = uc;
  fout[13] = (float)0.1;
  fout[14] = 0.1f + 0.2;
}
