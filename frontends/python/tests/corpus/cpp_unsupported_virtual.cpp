// EXPECT-UNSUPPORTED: virtual
// Dynamic dispatch is outside the C++ subset: payoff classes deriving from
// a base with a virtual method, priced through a base-class pointer. The
// rest of the program (structs, loops, <cmath>) is inside the subset.
#include <cmath>
#include <cstdint>

namespace {

struct Payoff {
  double strike;
  virtual double value(double spot) const { return spot > strike ? spot - strike : 0.0; }
};

struct Put : Payoff {
  virtual double value(double spot) const override { return spot < strike ? strike - spot : 0.0; }
};

struct Digital : Payoff {
  double cash;
  virtual double value(double spot) const override { return spot > strike ? cash : 0.0; }
};

double expected_payoff(const Payoff *payoff, double spot, double vol) {
  double total = 0.0;
  for (int k = -8; k <= 8; k++) {
    double z = 0.25 * k;
    double weight = std::exp(-0.5 * z * z);
    total += weight * payoff->value(spot * std::exp(vol * z - 0.5 * vol * vol));
  }
  return total / 10.0;
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  Payoff call;
  Put put;
  Digital digital;
  call.strike = 100.0;
  put.strike = 95.0;
  digital.strike = 105.0;
  digital.cash = 10.0;
  const Payoff *book[3] = {&call, &put, &digital};
  for (int i = 0; i < 3; i++)
    for (int s = 0; s < 5; s++) fout[5 * i + s] = expected_payoff(book[i], 80.0 + 10.0 * s, 0.2);
  int64_t in_the_money = 0;
  for (int i = 0; i < 3; i++) in_the_money += book[i]->value(100.0) > 0.0;
  iout[0] = in_the_money;
}
