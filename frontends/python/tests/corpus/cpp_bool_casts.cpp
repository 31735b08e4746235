// bool values (true/false literals, bool arrays, bool parameters and
// results, bools in arithmetic and conditions) and static_cast between
// int, int64_t, double and bool: a sieve of primes, flags for a
// moving-average crossover signal and averages over integer counts.
#include <cstdint>

namespace {

constexpr int kLimit = 200;

void sieve(bool *composite, int n) {
  for (int i = 0; i < n; i++) composite[i] = false;
  composite[0] = composite[1] = true;
  for (int p = 2; p * p < n; p++)
    if (!composite[p])
      for (int m = p * p; m < n; m += p) composite[m] = true;
}

bool is_even(int64_t v) { return v % 2 == 0; }

bool crossed(double fast, double slow, bool was_above) {
  bool above = fast > slow;
  return above != was_above;
}

double average(int64_t total, int count) { return static_cast<double>(total) / static_cast<double>(count); }

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  bool composite[kLimit];
  sieve(composite, kLimit);
  int64_t primes = 0, prime_sum = 0, even = 0;
  for (int i = 0; i < kLimit; i++) {
    if (!composite[i]) {
      primes++;
      prime_sum += i;
      even += is_even(i);
    }
  }
  iout[0] = primes;
  iout[1] = prime_sum;
  iout[2] = even;
  fout[0] = average(prime_sum, static_cast<int>(primes));

  double price[60];
  for (int t = 0; t < 60; t++) price[t] = 100.0 + static_cast<double>((t * 37) % 23) - 0.15 * t;
  bool above = false;
  int64_t crossings = 0, first = -1;
  double fast = price[0], slow = price[0];
  for (int t = 1; t < 60; t++) {
    fast = 0.5 * fast + 0.5 * price[t];
    slow = 0.9 * slow + 0.1 * price[t];
    if (crossed(fast, slow, above)) {
      crossings++;
      if (first < 0) first = t;
      above = !above;
    }
    if (t % 6 == 0) fout[t / 6] = fast - slow;
  }
  iout[3] = crossings;
  iout[4] = first;
  iout[5] = static_cast<int64_t>(above) + 2 * static_cast<int64_t>(true);
  bool flags[8] = {true, false, true, true};
  int64_t packed = 0;
  for (int i = 0; i < 8; i++) packed = packed * 2 + flags[i];
  iout[6] = packed;
  iout[7] = static_cast<int64_t>(fout[0] * 1000.0);
  iout[8] = static_cast<int>(-7.9) + static_cast<int>(static_cast<float>(2.75));
  fout[11] = static_cast<double>(static_cast<int64_t>(price[17]));
  fout[12] = static_cast<bool>(crossings) ? 1.5 : -1.5;
}
