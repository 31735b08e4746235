// The <cmath> functions through std::: sqrt, fabs, exp, log, sin, cos, pow
// and floor in a Black-Scholes pricer (with a polynomial normal CDF), a
// lognormal Monte-Carlo-like path from a deterministic sequence, and
// a polar-coordinates table.
#include <cmath>
#include <cstdint>

namespace {

constexpr double kPi = 3.14159265358979323846;

double norm_cdf(double x) {
  double t = 1.0 / (1.0 + 0.2316419 * std::fabs(x));
  double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  double tail = std::exp(-0.5 * x * x) / std::sqrt(2.0 * kPi) * poly;
  return x >= 0.0 ? 1.0 - tail : tail;
}

double call_price(double spot, double strike, double rate, double vol, double years) {
  double sd = vol * std::sqrt(years);
  double d1 = (std::log(spot / strike) + (rate + 0.5 * vol * vol) * years) / sd;
  double d2 = d1 - sd;
  return spot * norm_cdf(d1) - strike * std::exp(-rate * years) * norm_cdf(d2);
}

double put_price(double spot, double strike, double rate, double vol, double years) {
  return call_price(spot, strike, rate, vol, years) - spot + strike * std::exp(-rate * years);
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  for (int i = 0; i < 8; i++) {
    double strike = 80.0 + 5.0 * i;
    fout[i] = call_price(100.0, strike, 0.03, 0.25, 0.5 + 0.25 * i);
    fout[8 + i] = put_price(100.0, strike, 0.03, 0.25, 0.5 + 0.25 * i);
  }
  double s = 100.0;
  for (int t = 0; t < 16; t++) {
    double shock = std::sin(1.7 * t) * std::cos(0.3 * t);
    s *= std::exp(0.001 - 0.5 * 0.04 + 0.2 * shock);
    if (t % 2 == 1) fout[16 + t / 2] = s;
  }
  for (int k = 0; k < 8; k++) {
    double angle = kPi * k / 8.0;
    double r = std::pow(1.5, 0.5 * k);
    fout[24 + k] = r * std::cos(angle);
    fout[32 + k] = r * std::sin(angle);
    iout[k] = static_cast<int64_t>(std::floor(10.0 * fout[24 + k]));
  }
  fout[40] = std::pow(2.0, -3.5) + std::pow(9.0, 0.5);
  fout[41] = std::log(std::fabs(-42.0));
  fout[42] = std::floor(-2.5) + std::floor(2.5);
  fout[43] = std::sqrt(std::fabs(std::sin(kPi / 3.0)));
  iout[8] = static_cast<int64_t>(std::floor(std::exp(5.0)));
}
