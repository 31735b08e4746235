// Integer algorithms: iterative gcd/lcm, Collatz step counts with a record
// holder, a sieve of Eratosthenes, modular exponentiation on uint64_t,
// an integer square root by binary search, bit counts, digit reversal.
#include <stdbool.h>
#include <stdint.h>

static int64_t gcd(int64_t a, int64_t b) {
  while (b != 0) {
    int64_t t = a % b;
    a = b;
    b = t;
  }
  return a < 0 ? -a : a;
}

static int64_t lcm(int64_t a, int64_t b) { return a / gcd(a, b) * b; }

static int collatz_steps(int64_t n) {
  int steps = 0;
  while (n != 1) {
    n = (n % 2 == 0) ? n / 2 : 3 * n + 1;
    steps++;
  }
  return steps;
}

static uint64_t modpow(uint64_t b, uint64_t e, uint64_t m) {
  uint64_t r = 1;
  b %= m;
  while (e > 0) {
    if (e & 1u) r = r * b % m;
    b = b * b % m;
    e >>= 1;
  }
  return r;
}

static int64_t isqrt(int64_t n) {
  int64_t lo = 0, hi = 3037000499LL;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo + 1) / 2;
    if (mid <= n / mid) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

static int bit_count(uint32_t v) {
  int c = 0;
  for (; v != 0; v >>= 1) c += v & 1u;
  return c;
}

void run(int64_t *iout, double *fout) {
  iout[0] = gcd(1071, 462) * 1000 + gcd(-270, 192);
  int64_t l = 1;
  for (int k = 1; k <= 20; k++) l = lcm(l, k);
  iout[1] = l;

  int best = 0, best_n = 0;
  for (int n = 1; n < 1000; n++) {
    int s = collatz_steps(n);
    if (s > best) {
      best = s;
      best_n = n;
    }
  }
  iout[2] = best;
  iout[3] = best_n;
  iout[4] = collatz_steps(27);

  bool composite[200] = {false};
  int primes = 0;
  int64_t psum = 0;
  for (int i = 2; i < 200; i++) {
    if (composite[i]) continue;
    primes++;
    psum += i;
    for (int j = i * i; j < 200; j += i) composite[j] = true;
  }
  iout[5] = primes;
  iout[6] = psum;

  iout[7] = (int64_t)modpow(2, 1000000, 1000000007);
  iout[8] = (int64_t)modpow(123456789, 987654321, 998244353);
  iout[9] = isqrt(1000000007LL * 1000LL);
  iout[10] = isqrt(99);

  int64_t bits = 0;
  for (uint32_t v = 0; v < 1024; v += 3) bits += bit_count(v * 2654435761u);
  iout[11] = bits;

  int64_t rev = 0;
  for (int64_t v = 9081726354LL; v > 0; v /= 10) rev = rev * 10 + v % 10;
  iout[12] = rev;
  fout[0] = (double)l / (double)iout[0];
}
