// while and do-while: a do-while body that runs once although the condition
// is false, `while (n--)` with a post-decrement in the condition, conditions
// with && and on doubles, digit sums, a geometric series until convergence.
#include <stdint.h>

static int digit_sum(int64_t v) {
  int s = 0;
  if (v < 0) v = -v;
  while (v > 0) {
    s += (int)(v % 10);
    v /= 10;
  }
  return s;
}

static int count_bits_do(uint32_t v) {
  int n = 0;
  do {
    n += (int)(v & 1u);
    v >>= 1;
  } while (v != 0);
  return n;
}

void run(int64_t *iout, double *fout) {
  iout[0] = digit_sum(9876543210LL);
  iout[1] = digit_sum(-4096);
  iout[2] = digit_sum(0);

  int once = 0;
  do {
    once++;
  } while (once > 100);
  iout[3] = once;

  int n = 10;
  int64_t s = 0;
  while (n--) s += n;
  iout[4] = s;
  iout[5] = n;

  int m = 5;
  s = 0;
  while (--m > 0) s = s * 10 + m;
  iout[6] = s;
  iout[7] = m;

  int a = 0, b = 100;
  while (a < b && b - a > 3) {
    a += 7;
    b -= 5;
  }
  iout[8] = a;
  iout[9] = b;

  double term = 1.0, sum = 0.0;
  int steps = 0;
  while (term > 1e-12) {
    sum += term;
    term *= 0.3;
    steps++;
  }
  fout[0] = sum;
  iout[10] = steps;

  iout[11] = count_bits_do(0);
  iout[12] = count_bits_do(0xF0F0F0F0u);

  uint32_t x = 12345u;
  int iters = 0;
  do {
    x = x * 1103515245u + 12345u;
    iters++;
  } while ((x >> 28) != 7u && iters < 1000);
  iout[13] = iters;
  iout[14] = x;

  double v = 1000.0;
  int halvings = 0;
  while (v >= 1.0) {
    v /= 2.0;
    ++halvings;
  }
  fout[1] = v;
  iout[15] = halvings;
}
