// RUN: approx-opt %s --approx-emit-management -split-input-file -verify-diagnostics

// approx-emit-management runs once per knob: a configured knob whose body
// already holds management ops is an error.

func.func private @bm25(f64) -> f64

func.func @already_has_transform(%x: f64) -> f64 {
  // expected-error @+1 {{knob "score" has params and already holds management ops; approx-emit-management runs once per knob}}
  %r = approx.knob "score"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1]
      params <transform = func_substitute, decisions = [1]> {
  ^bb0(%x2: f64):
    approx.transform func_substitute 1
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}

// -----

func.func private @get_state() -> i64
func.func private @bm25(f64) -> f64

func.func @already_has_tree(%x: f64) -> f64 {
  // expected-error @+1 {{knob "tree" has params and already holds management ops}}
  %r = approx.knob "tree"(%x) : (f64) -> f64
      transforms [func_substitute] state @get_state thresholds 1 in [0, 10]
      decisions [0, 1]
      params <transform = func_substitute, thresholds = [5], decisions = [0, 1]> {
  ^bb0(%x2: f64):
    %s = func.call @get_state() : () -> i64
    %t = approx.decision_tree(%s : i64) runtime @get_state thresholds [5] decisions [0, 1] transform func_substitute -> f64 {
      %y = func.call @bm25(%x2) : (f64) -> f64
      approx.yield %y : f64
    }
    approx.yield %t : f64
  }
  return %r : f64
}

// -----

func.func private @check(f64, f64) -> i1
func.func private @bm25(f64) -> f64

func.func @already_has_try(%x: f64) -> f64 {
  // expected-error @+1 {{knob "guarded" has params and already holds management ops}}
  %r = approx.knob "guarded"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1]
      params <transform = func_substitute, decisions = [1]>
      check @check recover @bm25 {
  ^bb0(%x2: f64):
    %t = approx.try recover @bm25(%x2) : (f64) -> f64 {
      %y = func.call @bm25(%x2) : (f64) -> f64
      approx.yield %y : f64
    } check {
    ^bb0(%v: f64):
      %ok = func.call @check(%x2, %v) : (f64, f64) -> i1
      approx.yield %ok : i1
    }
    approx.yield %t : f64
  }
  return %r : f64
}
