/* Binomial Options (HPAC-ML paper, Table I): prices a portfolio of American
 * put options with the Cox-Ross-Rubinstein binomial tree. The QoI is the
 * price of every option (metric: RMSE).
 *
 * Entry point:
 *
 *   void binomial_options(const double *S, const double *K, const double *T,
 *                         const double *R, const double *V, double *price,
 *                         int n, int steps, int use_model);
 *
 *   S, K, T, R, V  n options: spot price, strike, years to expiry, riskless
 *                  rate (continuously compounded), volatility (in)
 *   price          n prices (out)
 *   steps          time steps of the tree (1 .. BINOMIAL_MAX_STEPS)
 *   use_model      0: run the tree (and collect data), nonzero: infer
 *
 * The HPAC-ML region is the loop over options: one sample per option, five
 * features (S, K, T, R, V) to one price, so an MLP on the feature dimension
 * replaces an O(steps^2) tree walk per option. `steps` is not a feature: a
 * model is trained for one tree depth.
 *
 * The tree: with dt = T / steps, u = exp(V sqrt(dt)), d = 1 / u, the
 * risk-neutral up probability is pu = (exp(R dt) - d) / (u - d). Node j of
 * level i (j up-moves) has spot S u^(2j - i); a level's values are the
 * discounted expectation of the next level's, or the exercise value K - spot
 * when it is larger (early exercise makes the put American).
 */
#include <math.h>

#define BINOMIAL_MAX_STEPS 2048

/* CRR price of one American put. The spots of a level are those of the next
 * level times u, so the walk needs one exp per leaf and none per node. */
static double crr_put(double s, double k, double t, double r, double v, int steps) {
  double values[BINOMIAL_MAX_STEPS + 1];
  double spots[BINOMIAL_MAX_STEPS + 1];
  double dt = t / steps;
  double vsdt = v * sqrt(dt);
  double u = exp(vsdt);
  double d = exp(-vsdt);
  double pu = (exp(r * dt) - d) / (u - d);
  double disc = exp(-r * dt);
  double disc_up = disc * pu;
  double disc_down = disc * (1.0 - pu);

  for (int j = 0; j <= steps; j++) {
    spots[j] = s * exp(vsdt * (2 * j - steps));
    double payoff = k - spots[j];
    values[j] = payoff > 0.0 ? payoff : 0.0;
  }
  /* Level i = steps - 1 - m: counting m up keeps the loop an scf.for. */
  for (int m = 0; m < steps; m++) {
    int level = steps - 1 - m;
    for (int j = 0; j <= level; j++) {
      spots[j] = spots[j] * u;
      double hold = disc_up * values[j + 1] + disc_down * values[j];
      double exercise = k - spots[j];
      values[j] = hold > exercise ? hold : exercise;
    }
  }
  return values[0];
}

/* The classic approximation of a binomial pricer is a coarser tree: knob
 * `binomial_tree` substitutes a tree with 1/2, 1/4 or 1/8 of the steps
 * (error O(1/steps), time O(steps^2)). It competes with the surrogate
 * (knob `binomial_surrogate`) under one QoS threshold in hpacml_binomial_tune.
 * Without a configuration both knobs keep the code as written. */
#pragma approx transform id=binomial_tree transform_type=func_substitute decision_values=[0, 1, 2, 3]
static double american_put(double s, double k, double t, double r, double v, int steps) {
  return crr_put(s, k, t, r, v, steps);
}

static double approx_american_put_1(double s, double k, double t, double r, double v, int steps) {
  return crr_put(s, k, t, r, v, steps > 1 ? steps / 2 : 1);
}

static double approx_american_put_2(double s, double k, double t, double r, double v, int steps) {
  return crr_put(s, k, t, r, v, steps > 3 ? steps / 4 : 1);
}

static double approx_american_put_3(double s, double k, double t, double r, double v, int steps) {
  return crr_put(s, k, t, r, v, steps > 7 ? steps / 8 : 1);
}

void binomial_options(const double *S, const double *K, const double *T, const double *R,
                      const double *V, double *price, int n, int steps, int use_model) {
  if (steps < 1 || steps > BINOMIAL_MAX_STEPS)
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
