// Knobs in upstream ApproxMLIR's annotation grammar (runtime/README of
// ApproxMLIR, "C++ Comment-Driven Annotations"): initial thresholds and
// decisions, per-threshold bounds, state_indices, the default identity state
// and a static transform with an initial value. Used by upstream_grammar_test.py.

// The state function receives only `n`, the first parameter of `sum`.
int level(int n) { return n; }

// @approx:decision_tree {
//   transform_type: loop_perforate
//   state_indices: [0]           // which arguments the state function receives
//   state_function: level
//   thresholds: [5, 10]          // initial thresholds
//   thresholds_lower: [0, 8]     // per-threshold lower bounds
//   thresholds_upper: [6, 100]   // per-threshold upper bounds
//   decisions: [0, 1, 2]         // initial decisions, len = thresholds + 1
//   decision_values: [0, 1, 2]   // values the tuner may choose
// }
double sum(int n, const double *x) {
  double s = 0.0;
  for (int i = 0; i < n; i++) {
    s += x[i];
  }
  return s;
}

// No state function: the state is the last parameter itself (upstream's default).
#pragma approx decision_tree transform_type=loop_perforate thresholds=[100] decisions=[0, 1]
double total(const double *x, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) {
    s += x[i];
  }
  return s;
}

// A static transform with an initial value.
// @approx:transform { transform_type: loop_perforate, knob_val: 1 }
double half(const double *x, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) {
    s += x[i];
  }
  return s;
}

// A state function of two of the three parameters, negative indices from the end.
long work(int rows, int cols) { return (long)rows * cols; }

#pragma approx decision_tree transform_type=loop_perforate state_function=work \
  state_indices=[-3, -2] thresholds=[50] thresholds_lower=[10] thresholds_upper=[1000] decisions=[0, 3]
double grid(int rows, int cols, const double *x) {
  double s = 0.0;
  for (int i = 0; i < rows * cols; i++) {
    s += x[i];
  }
  return s;
}
