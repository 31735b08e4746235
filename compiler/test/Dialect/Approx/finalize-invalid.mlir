// RUN: approx-opt %s --approx-finalize -split-input-file -verify-diagnostics

// Management ops left at approx-finalize are errors: the lowering passes must
// run first.

func.func private @get_state() -> i64

func.func @leftover_decision_tree(%s: i64) {
  // expected-error @+1 {{'approx.decision_tree' op is still present at approx-finalize; run approx-lower-decision-tree, approx-lower-try and approx-apply-transforms first}}
  approx.decision_tree(%s : i64) runtime @get_state thresholds [] decisions [0] transform ml_surrogate {
    approx.yield
  }
  return
}

// -----

func.func private @recover_nothing()

func.func @leftover_try() {
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [0] {
    // expected-error @+1 {{'approx.try' op is still present at approx-finalize; run approx-lower-decision-tree, approx-lower-try and approx-apply-transforms first}}
    approx.try recover @recover_nothing() : () -> () {
      approx.yield
    } check {
      %t = arith.constant true
      approx.yield %t : i1
    }
    approx.yield
  }
  return
}

// -----

func.func @leftover_transform() {
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [0, 1] {
    // expected-error @+1 {{'approx.transform' op is still present at approx-finalize; run approx-lower-decision-tree, approx-lower-try and approx-apply-transforms first}}
    approx.transform ml_surrogate 1
    approx.yield
  }
  return
}

// -----

// Every leftover op is reported, nested ones included.
func.func private @get_state() -> i64

func.func @leftover_nested(%s: i64) {
  // expected-error @+1 {{'approx.decision_tree' op is still present at approx-finalize}}
  approx.decision_tree(%s : i64) runtime @get_state thresholds [] decisions [0] transform ml_surrogate {
    // expected-error @+1 {{'approx.transform' op is still present at approx-finalize}}
    approx.transform ml_surrogate 0
    approx.yield
  }
  return
}
