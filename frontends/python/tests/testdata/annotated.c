// Annotated kernels for the frontend's end-to-end tests (annotated_test.py).
#include <stdbool.h>
#include <stdint.h>

int64_t approx_rt_iteration(void);

// A loop knob decided at run time by the runtime's iteration value.
double perforated_sum(const double *a, int n) {
  double s = 0.0;
#pragma approx decision_tree \
  id=sum_loop \
  state_function=approx_rt_iteration \
  threshold_range=[0, 100] \
  num_thresholds=1 \
  decision_values=[0, 1, 3] \
  transform_type=loop_perforate
  for (int i = 0; i < n; i++)
    s += a[i];
  return s;
}

static double slow_scale(double x) { return 2.0 * x; }
double approx_slow_scale_1(double x) { return 3.0 * x; }

double scaled(double x) {
  double y;
  // @approx:transform {
  //   id: scale
  //   transform_type: func_substitute
  //   decision_values: [0, 1]
  // }
  y = slow_scale(x);
  return y;
}

// A function knob whose exact body is kept and whose variants are approx_score_<v>.
// @approx:transform { transform_type: func_substitute, decision_values: [0, 1] }
double score(double x) { return x * x; }
double approx_score_1(double x) { return x; }

// Task skipping on an else-if chain.
int classify(int v) {
  int out = 0;
  // @approx:transform { id: classify_chain, transform_type: task_skipping, decision_values: [0, 1, 2, 3] }
  if (v < 10)
    out = 1;
  else if (v < 20)
    out = 2;
  else
    out = 3;
  return out;
}

static int recoveries = 0;
int recover_count(void) { return recoveries; }
bool mean_is_positive(const double *a, int n, double mean) { return mean > 0.0; }
double exact_mean(const double *a, int n) {
  recoveries++;
  double s = 0.0;
  for (int i = 0; i < n; i++) s += a[i];
  return s / n;
}

// A guarded function knob: the checker rejects a non-positive approximate mean.
#pragma approx transform id=mean transform_type=loop_perforate decision_values=[0, 1]
#pragma approx safety checker=mean_is_positive recover=exact_mean
double mean(const double *a, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += a[i];
  return s / n;
}

// A state function taking the annotated function's parameters: perforate
// only long inputs.
int64_t length_state(const double *a, int n) { return n; }
#pragma approx decision_tree id=long_sum state_function=length_state threshold_range=[0, 1000] \
  num_thresholds=1 decision_values=[0, 1] transform_type=loop_perforate
double long_sum(const double *a, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}
