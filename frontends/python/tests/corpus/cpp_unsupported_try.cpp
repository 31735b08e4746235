// EXPECT-UNSUPPORTED: try
// Exceptions are outside the C++ subset: a guarded logarithm that throws on
// a non-positive input inside a try block and recovers in its catch clause.
// The reference build of this one program allows exceptions; the rest of
// the program stays inside the subset.
#include <cmath>
#include <cstdint>

namespace {

struct Failure {
  int64_t code;
};

double guarded_log_ratio(double num, double den, int64_t &failures) {
  try {
    if (num <= 0.0 || den <= 0.0) throw Failure{num <= 0.0 ? 1 : 2};
    return std::log(num / den);
  } catch (const Failure &f) {
    failures += f.code;
    return 0.0;
  }
}

double returns_of(const double *prices, int n, double *out, int64_t &failures) {
  double total = 0.0;
  for (int t = 1; t < n; t++) {
    out[t - 1] = guarded_log_ratio(prices[t], prices[t - 1], failures);
    total += out[t - 1];
  }
  return total;
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  double prices[24];
  for (int t = 0; t < 24; t++) prices[t] = (t % 7 == 3) ? 0.0 : 50.0 + ((t * 17) % 11) - 0.5 * t;
  int64_t failures = 0;
  fout[0] = returns_of(prices, 24, fout + 1, failures);
  iout[0] = failures;
  double sum2 = 0.0;
  for (int t = 1; t < 24; t++) sum2 += fout[t] * fout[t];
  fout[24] = std::sqrt(sum2 / 23.0);
}
