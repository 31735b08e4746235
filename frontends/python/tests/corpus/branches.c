// if / else if / else chains, nested ifs with a dangling else, ternaries
// (nested, mixed int/double operands, as an array index),
// comparisons of doubles and their truth values, including NaN and -0.0.
#include <stdint.h>

static int classify(int v) {
  if (v < -100) {
    return 0;
  } else if (v < 0) {
    return 1;
  } else if (v == 0) {
    return 2;
  } else if (v <= 100) {
    return 3;
  } else {
    return 4;
  }
}

static int dangling(int a, int b) {
  int r = 0;
  if (a > 0)
    if (b > 0)
      r = 1;
    else
      r = 2;
  return r;
}

static int sign3(double x) { return x > 0.0 ? 1 : x < 0.0 ? -1 : 0; }

void run(int64_t *iout, double *fout) {
  int values[8] = {-500, -100, -1, 0, 1, 100, 101, 9999};
  int64_t code = 0;
  for (int i = 0; i < 8; i++) code = code * 5 + classify(values[i]);
  iout[0] = code;

  iout[1] = dangling(1, 1) * 100 + dangling(1, -1) * 10 + dangling(-1, 1);

  double zero = 0.0;
  double nan = zero / zero;
  double neg_zero = -zero;
  iout[2] = (nan == nan) + 2 * (nan != nan) + 4 * (nan < 1.0) + 8 * (nan >= 1.0) + 16 * !(nan > 0.0);
  iout[3] = (neg_zero == zero) + 2 * (neg_zero < zero) + 4 * sign3(neg_zero);
  iout[4] = sign3(-3.5) * 100 + sign3(2.0) * 10 + sign3(nan);
  int nan_true = 0;
  if (nan) nan_true = 1;
  iout[11] = nan_true + 2 * !nan + 4 * (nan ? 1 : 0) + 8 * (nan && 1) + 16 * !neg_zero;

  int x = 17;
  double t = x > 10 ? x / 2 : 0.5;
  fout[0] = t;
  fout[1] = x > 10 ? x / 2.0 : 0.5;

  int64_t acc = 0;
  for (int i = -6; i <= 6; i++) {
    int v;
    if (i % 3 == 0)
      v = i * i;
    else if (i % 3 == 1 || i % 3 == -1)
      v = -i;
    else
      v = 7;
    acc = acc * 3 + v;
  }
  iout[5] = acc;

  int arr[2] = {0, 0};
  for (int i = 0; i < 9; i++) arr[i > 4 ? 1 : 0] += i;
  iout[6] = arr[0];
  iout[7] = arr[1];

  int a = 3, b = 8, c = 5;
  int mx = a > b ? (a > c ? a : c) : (b > c ? b : c);
  int mn = a < b ? (a < c ? a : c) : (b < c ? b : c);
  iout[8] = mx * 10 + mn;

  uint32_t ua = 5u;
  int neg = -1;
  iout[9] = (neg < 0) + 2 * ((uint32_t)neg > ua);
  if (!(a > b) && !(c == 0)) {
    iout[10] = 1;
  } else {
    iout[10] = 2;
  }
}
