// Binomial Options (HPAC-ML paper, Table I), the host code in C++ as the
// HPAC-ML benchmark suite writes it: prices a portfolio of American put
// options with the Cox-Ross-Rubinstein binomial tree. The QoI is the price
// of every option (metric: RMSE).
//
// Entry point (C linkage, for the runtime binding):
//
//   void binomial_options(const double *S, const double *K, const double *T,
//                         const double *R, const double *V, double *price,
//                         int n, int steps, int use_model);
//
//   S, K, T, R, V  n options: spot price, strike, years to expiry, riskless
//                  rate (continuously compounded), volatility (in)
//   price          n prices (out)
//   steps          time steps of the tree (1 .. kMaxSteps)
//   use_model      0: run the tree (and collect data), nonzero: infer
//
// The HPAC-ML region is the loop over options: one sample per option, five
// features (S, K, T, R, V) to one price, so an MLP on the feature dimension
// replaces an O(steps^2) tree walk per option. `steps` is not a feature: a
// model is trained for one tree depth.
//
// The tree: with dt = T / steps, u = exp(V sqrt(dt)), d = 1 / u, the
// risk-neutral up probability is pu = (exp(R dt) - d) / (u - d). Node j of
// level i (j up-moves) has spot S u^(2j - i); a level's values are the
// discounted expectation of the next level's, or the exercise value K - spot
// when it is larger (early exercise makes the put American).
#include <cmath>

namespace binomial {

constexpr int kMaxSteps = 2048;

struct Option {
  double spot, strike, years, rate, vol;
};

// The tree's constants for one option and depth.
struct Lattice {
  double vsdt, up, disc_up, disc_down;

  static Lattice make(const Option &o, int steps) {
    double dt = o.years / steps;
    double vsdt = o.vol * std::sqrt(dt);
    double u = std::exp(vsdt);
    double d = std::exp(-vsdt);
    double pu = (std::exp(o.rate * dt) - d) / (u - d);
    double disc = std::exp(-o.rate * dt);
    return Lattice{vsdt, u, disc * pu, disc * (1.0 - pu)};
  }
};

inline double put_payoff(double strike, double spot) {
  double payoff = strike - spot;
  return payoff > 0.0 ? payoff : 0.0;
}

// CRR price of one American put. The spots of a level are those of the next
// level times u, so the walk needs one exp per leaf and none per node.
double crr_put(const Option &o, int steps) {
  double values[kMaxSteps + 1];
  double spots[kMaxSteps + 1];
  const Lattice lattice = Lattice::make(o, steps);
  for (int j = 0; j <= steps; j++) {
    spots[j] = o.spot * std::exp(lattice.vsdt * (2 * j - steps));
    values[j] = put_payoff(o.strike, spots[j]);
  }
  // Level i = steps - 1 - m: counting m up keeps the loop an scf.for.
  for (int m = 0; m < steps; m++) {
    int level = steps - 1 - m;
    for (int j = 0; j <= level; j++) {
      spots[j] = spots[j] * lattice.up;
      double hold = lattice.disc_up * values[j + 1] + lattice.disc_down * values[j];
      double exercise = o.strike - spots[j];
      values[j] = hold > exercise ? hold : exercise;
    }
  }
  return values[0];
}

}  // namespace binomial

// The classic approximation of a binomial pricer is a coarser tree: knob
// `binomial_tree` substitutes a tree with 1/2, 1/4 or 1/8 of the steps
// (error O(1/steps), time O(steps^2)). It competes with the surrogate (knob
// `binomial_surrogate`) under one QoS threshold in hpacml_binomial_tune.
// Without a configuration both knobs keep the code as written. The knob's
// functions have C linkage: func_substitute finds the substitutes by name.
extern "C" {

#pragma approx transform id=binomial_tree transform_type=func_substitute decision_values=[0, 1, 2, 3]
static double american_put(double s, double k, double t, double r, double v, int steps) {
  return binomial::crr_put(binomial::Option{s, k, t, r, v}, steps);
}

static double approx_american_put_1(double s, double k, double t, double r, double v, int steps) {
  return binomial::crr_put(binomial::Option{s, k, t, r, v}, steps > 1 ? steps / 2 : 1);
}

static double approx_american_put_2(double s, double k, double t, double r, double v, int steps) {
  return binomial::crr_put(binomial::Option{s, k, t, r, v}, steps > 3 ? steps / 4 : 1);
}

static double approx_american_put_3(double s, double k, double t, double r, double v, int steps) {
  return binomial::crr_put(binomial::Option{s, k, t, r, v}, steps > 7 ? steps / 8 : 1);
}

void binomial_options(const double *S, const double *K, const double *T, const double *R, const double *V,
                      double *price, int n, int steps, int use_model) {
  if (steps < 1 || steps > binomial::kMaxSteps)
    return;
#pragma approx transform id=binomial_surrogate transform_type=ml_surrogate decision_values=[0, 1, 2, 3, 4]
#pragma approx tensor functor(ifn: [i, 0:5] = ([i], [i], [i], [i], [i]))
#pragma approx tensor functor(ofn: [i, 0:1] = ([i]))
#pragma approx tensor map(to: ifn(S[0:n], K[0:n], T[0:n], R[0:n], V[0:n]))
#pragma approx tensor map(from: ofn(price[0:n]))
#pragma approx ml(predicated: use_model) in(S, K, T, R, V) out(price) model("binomial.pt") database("binomial.h5")
  {
    for (int i = 0; i < n; i++)
      price[i] = american_put(S[i], K[i], T[i], R[i], V[i], steps);
  }
}

}  // extern "C"
