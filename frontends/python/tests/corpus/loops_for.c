// for loops: steps of 1, 3, 4 and -2, `<` `<=` `>` `>=` bounds, empty and
// overshooting ranges, a counter used after the loop, an induction variable
// changed in the body, a double induction variable, an unsigned countdown.
#include <stdint.h>

static int64_t sum_step(int64_t lo, int64_t hi, int64_t step) {
  int64_t s = 0;
  for (int64_t i = lo; i < hi; i += step) {
    s += i;
  }
  return s;
}

void run(int64_t *iout, double *fout) {
  int64_t s = 0;
  for (int i = 0; i < 10; i++) s += i;
  iout[0] = s;

  s = 0;
  for (int i = 1; i <= 10; ++i) s += i * i;
  iout[1] = s;

  s = 0;
  for (int i = 20; i > 0; i -= 2) s = s * 3 + i;
  iout[2] = s;

  s = 0;
  for (int i = 10; i >= -10; i--) s = s * 2 + ((i & 1) ? i : -2 * i);
  iout[3] = s;

  iout[4] = sum_step(0, 100, 3);
  iout[5] = sum_step(5, 5, 1);
  iout[6] = sum_step(10, 0, 1);
  iout[7] = sum_step(-50, 50, 7);

  int64_t prod = 1;
  int n = 12;
  for (int i = n; i >= 1; i--) prod *= i;
  iout[8] = prod;

  int i;
  for (i = 0; i * i < 200; i++) {
  }
  iout[9] = i;

  int visited = 0;
  for (int k = 0; k < 20; k++) {
    if (k % 3 == 0) k++;
    visited = visited * 2 % 1000003 + k;
  }
  iout[10] = visited;

  s = 0;
  for (int k = 1; k <= 17; k += 4) s = s * 100 + k;
  iout[11] = s;

  s = 0;
  for (int k = 0; k < 10; k += 100) s += 1;
  iout[12] = s;

  uint32_t u;
  int64_t acc = 0;
  for (u = 10; u > 0; u--) acc = acc * 7 + u;
  iout[13] = acc;
  iout[14] = u;

  double x = 0.0;
  int count = 0;
  for (double t = 0.0; t < 1.0; t += 0.125) {
    x += t * t;
    count++;
  }
  fout[0] = x;
  iout[15] = count;

  int64_t mix = 0;
  for (int64_t k = -1000; k <= 1000; k += 7) mix ^= k * 31 + (mix >> 3);
  iout[16] = mix;

  double h = 1.0;
  for (int k = 0; k < 30; k++) h = h * 0.5 + 1.0 / (k + 1);
  fout[1] = h;

  int lo = 3, hi = 9;
  s = 0;
  for (int a = lo; a < hi; a++)
    for (int b = a; b < hi; b++) s += a * b;
  iout[17] = s;
}
