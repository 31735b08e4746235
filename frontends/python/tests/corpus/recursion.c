// Recursion: fib, gcd, factorial, Ackermann, mutually recursive even/odd
// with forward declarations, recursive array sums over a + offset, fast
// exponentiation, tower-of-Hanoi move counts, a recursive double function.
#include <stdint.h>

static int is_odd(int n);

static int is_even(int n) { return n == 0 ? 1 : is_odd(n - 1); }

static int is_odd(int n) { return n == 0 ? 0 : is_even(n - 1); }

static int64_t fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int64_t gcd(int64_t a, int64_t b) { return b == 0 ? a : gcd(b, a % b); }

static int64_t factorial(int n) {
  if (n <= 1) return 1;
  return n * factorial(n - 1);
}

static int ackermann(int m, int n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static int64_t sum_rec(const int *a, int n) {
  if (n == 0) return 0;
  if (n == 1) return a[0];
  int half = n / 2;
  return sum_rec(a, half) + sum_rec(a + half, n - half);
}

static uint64_t power(uint64_t base, unsigned e) {
  if (e == 0) return 1;
  uint64_t h = power(base, e / 2);
  return e % 2 ? h * h * base : h * h;
}

static int64_t hanoi(int n, int from, int to, int via) {
  if (n == 0) return 0;
  return hanoi(n - 1, from, via, to) + 1 + hanoi(n - 1, via, to, from);
}

static double cont_frac(int depth) {
  if (depth == 0) return 1.0;
  return 1.0 + 1.0 / cont_frac(depth - 1);
}

void run(int64_t *iout, double *fout) {
  iout[0] = fib(20);
  iout[1] = gcd(1071, 462);
  iout[2] = gcd(-48, 18);
  iout[3] = factorial(20);
  iout[4] = ackermann(2, 3);
  iout[5] = is_even(10) * 10 + is_odd(7);
  int a[25];
  for (int i = 0; i < 25; i++) a[i] = i * i - 50;
  iout[6] = sum_rec(a, 25);
  iout[7] = sum_rec(a + 7, 11);
  iout[8] = (int64_t)power(3, 39);
  iout[9] = (int64_t)power(7, 30);
  iout[10] = hanoi(12, 1, 3, 2);
  fout[0] = cont_frac(30);
}
