// RUN: approx-opt %s --approx-lower-decision-tree -split-input-file -verify-diagnostics

// A threshold must be representable in the state's type.

func.func private @get_i8_state() -> i8

func.func @threshold_too_large(%s: i8) {
  // expected-error @+1 {{'approx.decision_tree' op threshold 128 does not fit the state's type 'i8'}}
  approx.decision_tree(%s : i8) runtime @get_i8_state
      thresholds [10, 128] decisions [1, 0, 2] transform ml_surrogate {
    approx.yield
  }
  return
}

// -----

func.func private @get_i8_state() -> i8

func.func @threshold_too_small(%s: i8) {
  // expected-error @+1 {{'approx.decision_tree' op threshold -129 does not fit the state's type 'i8'}}
  approx.decision_tree(%s : i8) runtime @get_i8_state
      thresholds [-129] decisions [1, 0] transform ml_surrogate {
    approx.yield
  }
  return
}

// -----

func.func private @get_i1_state() -> i1

func.func @threshold_i1(%s: i1) {
  // expected-error @+1 {{'approx.decision_tree' op threshold 1 does not fit the state's type 'i1'}}
  approx.decision_tree(%s : i1) runtime @get_i1_state
      thresholds [1] decisions [1, 0] transform ml_surrogate {
    approx.yield
  }
  return
}

// -----

// A knob whose threshold range exceeds its i8 state function: configuring it
// works, lowering the resulting tree does not.
func.func private @get_i8_state() -> i8

func.func @threshold_from_knob() {
  approx.knob "k"() : () -> () transforms [ml_surrogate]
      state @get_i8_state thresholds 1 in [0, 1000] decisions [0, 1] {
    %s = func.call @get_i8_state() : () -> i8
    // expected-error @+1 {{'approx.decision_tree' op threshold 200 does not fit the state's type 'i8'}}
    approx.decision_tree(%s : i8) runtime @get_i8_state
        thresholds [200] decisions [0, 1] transform ml_surrogate {
      approx.yield
    }
    approx.yield
  }
  return
}
