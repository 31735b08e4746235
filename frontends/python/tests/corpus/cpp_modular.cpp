// Modular arithmetic in a nested namespace: constexpr prime moduli,
// overloaded modpow (default modulus by argument count), extended gcd
// returning its coefficients through `int64_t &` out-parameters, modular
// inverses built on it, and a polynomial rolling hash over self-made data.
#include <cstdint>

namespace {
namespace arith {
namespace mod {

constexpr int64_t kPrime = 1000000007;
constexpr int64_t kSmall = 998244353;

int64_t mul(int64_t a, int64_t b, int64_t m) { return (a % m) * (b % m) % m; }

int64_t pow(int64_t base, int64_t exp, int64_t m) {
  int64_t result = 1 % m;
  base %= m;
  while (exp > 0) {
    if (exp & 1) result = mul(result, base, m);
    base = mul(base, base, m);
    exp >>= 1;
  }
  return result;
}

int64_t pow(int64_t base, int64_t exp) { return pow(base, exp, kPrime); }

int64_t extended_gcd(int64_t a, int64_t b, int64_t &x, int64_t &y) {
  if (b == 0) {
    x = 1;
    y = 0;
    return a;
  }
  int64_t x1 = 0, y1 = 0;
  int64_t g = extended_gcd(b, a % b, x1, y1);
  x = y1;
  y = x1 - (a / b) * y1;
  return g;
}

int64_t inverse(int64_t a, int64_t m) {
  int64_t x = 0, y = 0;
  extended_gcd(a, m, x, y);
  return ((x % m) + m) % m;
}

}  // namespace mod
}  // namespace arith

int64_t rolling_hash(const int64_t *data, int n, int64_t base) {
  int64_t h = 0;
  for (int i = 0; i < n; i++) h = (arith::mod::mul(h, base, arith::mod::kPrime) + data[i]) % arith::mod::kPrime;
  return h;
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  for (int i = 0; i < 8; i++) {
    int64_t base = 3 + 11 * i;
    iout[i] = arith::mod::pow(base, 1000 + 37 * i);
    iout[8 + i] = arith::mod::pow(base, 123456789, arith::mod::kSmall);
    iout[16 + i] = arith::mod::inverse(base, arith::mod::kPrime);
    iout[24 + i] = arith::mod::mul(base, iout[16 + i], arith::mod::kPrime);
  }
  for (int i = 0; i < 6; i++) {
    int64_t x = 0, y = 0;
    int64_t a = 240 + 17 * i, b = 46 + 5 * i;
    int64_t g = arith::mod::extended_gcd(a, b, x, y);
    iout[32 + i] = g;
    iout[38 + i] = a * x + b * y - g;
    fout[i] = static_cast<double>(x) / static_cast<double>(y == 0 ? 1 : y);
  }
  int64_t data[50];
  for (int i = 0; i < 50; i++) data[i] = (i * i * 31 + 7) % 256;
  iout[44] = rolling_hash(data, 50, 131);
  iout[45] = rolling_hash(data + 10, 20, 257);
  iout[46] = arith::mod::pow(2, arith::mod::kPrime - 1);
  fout[6] = static_cast<double>(iout[44]) / arith::mod::kPrime;
}
