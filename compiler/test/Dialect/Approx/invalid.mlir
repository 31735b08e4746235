// RUN: approx-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the approx dialect's parsers and verifiers
// (ApproxOps.cpp, ApproxDialect.cpp).

//===----------------------------------------------------------------------===//
// Transform kind keywords (parseTransformKind)
//===----------------------------------------------------------------------===//

func.func @unknown_kind_in_transform() {
  // expected-error @+1 {{unknown transform kind 'loop_perforation' (expected loop_perforate, func_substitute, task_skipping or ml_surrogate)}}
  approx.transform loop_perforation 1
  return
}

// -----

func.func @unknown_kind_in_knob() {
  // expected-error @+1 {{unknown transform kind 'skip_tasks'}}
  approx.knob "k"() : () -> () transforms [ml_surrogate, skip_tasks] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @unknown_kind_in_decision_tree(%s: i64) {
  // expected-error @+1 {{unknown transform kind 'surrogate'}}
  approx.decision_tree(%s : i64) runtime @get_state thresholds [] decisions [0] transform surrogate {
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// #approx.params (ParamsAttr::parse, ParamsAttr::verify)
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{unknown transform kind 'perforate'}}
func.func @params_unknown_kind() attributes {p = #approx.params<transform = perforate, decisions = [0]>} {
  return
}

// -----

// expected-error @+1 {{params need one decision per branch: 2 thresholds give 3 branches, but 2 decisions were given}}
func.func @params_decision_count() attributes {p = #approx.params<transform = loop_perforate, thresholds = [1, 2], decisions = [0, 1]>} {
  return
}

// -----

// expected-error @+1 {{params need one decision per branch: 0 thresholds give 1 branches, but 0 decisions were given}}
func.func @params_no_decisions() attributes {p = #approx.params<transform = ml_surrogate, decisions = []>} {
  return
}

// -----

// expected-error @+1 {{params thresholds must be strictly ascending, but threshold 2 (20) follows 20}}
func.func @params_thresholds_not_ascending() attributes {p = #approx.params<transform = loop_perforate, thresholds = [10, 20, 20], decisions = [0, 1, 2, 3]>} {
  return
}

// -----

// expected-error @+1 {{params decisions must be non-negative, got -2}}
func.func @params_negative_decision() attributes {p = #approx.params<transform = task_skipping, decisions = [-2]>} {
  return
}

// -----

// Errors from ParamsAttr::verify are reported at the attribute, here at the
// alias definition.
// expected-error @+1 {{params decisions must be non-negative, got -1}}
#bad = #approx.params<transform = ml_surrogate,
                      decisions = [-1]>

func.func @params_alias() attributes {p = #bad} {
  return
}

// -----

// The same checks apply to the `params` clause of a knob.

func.func @params_clause_unknown_kind() {
  // expected-error @+1 {{unknown transform kind 'bogus'}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [0] params <transform = bogus, decisions = [0]> {
    approx.yield
  }
  return
}

// -----

func.func @params_clause_not_ascending() {
  // expected-error @+1 {{params thresholds must be strictly ascending, but threshold 1 (5) follows 50}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [0] params <transform = ml_surrogate, thresholds = [50, 5], decisions = [0, 0, 0]> {
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.knob: attributes
//===----------------------------------------------------------------------===//

// -----

func.func @knob_empty_id() {
  // expected-error @+1 {{'approx.knob' op id must not be empty}}
  approx.knob ""() : () -> () transforms [ml_surrogate] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func @knob_no_transform_kinds() {
  // expected-error @+1 {{'approx.knob' op must allow at least one transform kind}}
  approx.knob "k"() : () -> () transforms [] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func @knob_duplicate_transform_kind() {
  // expected-error @+1 {{'approx.knob' op lists transform kind 'ml_surrogate' twice}}
  approx.knob "k"() : () -> () transforms [ml_surrogate, task_skipping, ml_surrogate] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func @knob_empty_decision_values() {
  // expected-error @+1 {{'approx.knob' op decision_values must not be empty}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [] {
    approx.yield
  }
  return
}

// -----

func.func @knob_negative_decision_values() {
  // expected-error @+1 {{'approx.knob' op decision_values must be non-negative}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [-1, 0] {
    approx.yield
  }
  return
}

// -----

func.func @knob_decision_values_not_ascending() {
  // expected-error @+1 {{'approx.knob' op decision_values must be strictly ascending}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [0, 2, 2] {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @knob_state_without_thresholds() {
  // expected-error @+1 {{'approx.knob' op a knob with a state function needs at least one threshold}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @get_state thresholds 0 in [0, 10] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @knob_threshold_range_size() {
  // expected-error @+1 {{'approx.knob' op threshold_range must be [lo, hi]}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @get_state thresholds 1 in [0, 10, 20] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

// The generic form can omit threshold_range altogether.
func.func @knob_missing_threshold_range() {
  // expected-error @+1 {{'approx.knob' op threshold_range must be [lo, hi]}}
  "approx.knob"() <{decision_values = array<i64: 0>, id = "k", num_thresholds = 1 : i64, state_fn = @get_state, transform_types = [#approx.transform<ml_surrogate>]}> ({
    "approx.yield"() : () -> ()
  }) : () -> ()
  return
}

// -----

func.func private @get_state() -> i64

func.func @knob_threshold_range_too_small() {
  // expected-error @+1 {{'approx.knob' op threshold_range [5, 7] cannot hold 4 strictly ascending thresholds}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @get_state thresholds 4 in [5, 7] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @knob_threshold_range_reversed() {
  // expected-error @+1 {{'approx.knob' op threshold_range [10, 0] cannot hold 1 strictly ascending thresholds}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @get_state thresholds 1 in [10, 0] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func @knob_thresholds_without_state() {
  // expected-error @+1 {{'approx.knob' op thresholds need a state function}}
  "approx.knob"() <{decision_values = array<i64: 0>, id = "k", num_thresholds = 2 : i64, transform_types = [#approx.transform<ml_surrogate>]}> ({
    "approx.yield"() : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @knob_threshold_range_without_state() {
  // expected-error @+1 {{'approx.knob' op thresholds need a state function}}
  "approx.knob"() <{decision_values = array<i64: 0>, id = "k", threshold_range = array<i64: 0, 10>, transform_types = [#approx.transform<ml_surrogate>]}> ({
    "approx.yield"() : () -> ()
  }) : () -> ()
  return
}

//===----------------------------------------------------------------------===//
// approx.knob: params against the knob's space (KnobOp::verifyParams)
//===----------------------------------------------------------------------===//

// -----

func.func @knob_params_transform_not_allowed() {
  // expected-error @+1 {{'approx.knob' op params transform 'loop_perforate' is not one of the knob's transform_types}}
  approx.knob "k"() : () -> () transforms [ml_surrogate, task_skipping] decisions [0, 1] params <transform = loop_perforate, decisions = [1]> {
    approx.yield
  }
  return
}

// -----

func.func @knob_params_decision_not_allowed() {
  // expected-error @+1 {{'approx.knob' op params decision 2 is not one of the knob's decision_values [0, 1, 3]}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [0, 1, 3] params <transform = ml_surrogate, decisions = [2]> {
    approx.yield
  }
  return
}

// -----

func.func @knob_params_thresholds_without_state() {
  // expected-error @+1 {{'approx.knob' op params have thresholds but the knob has no state function, so it can only be configured statically}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [0, 1] params <transform = ml_surrogate, thresholds = [10], decisions = [0, 1]> {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @knob_params_threshold_count() {
  // expected-error @+1 {{'approx.knob' op params have 1 thresholds but the knob's space has 2}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @get_state thresholds 2 in [0, 100] decisions [0, 1] params <transform = ml_surrogate, thresholds = [10], decisions = [0, 1]> {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @knob_params_threshold_outside_range() {
  // expected-error @+1 {{'approx.knob' op params threshold 101 is outside the knob's threshold range [0, 100]}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @get_state thresholds 2 in [0, 100] decisions [0, 1] params <transform = ml_surrogate, thresholds = [10, 101], decisions = [0, 1, 1]> {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @knob_params_threshold_below_range() {
  // expected-error @+1 {{'approx.knob' op params threshold -1 is outside the knob's threshold range [0, 100]}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @get_state thresholds 1 in [0, 100] decisions [0, 1] params <transform = ml_surrogate, thresholds = [-1], decisions = [1, 0]> {
    approx.yield
  }
  return
}

// -----

// A bad params clause is reported at the clause, not at the op.
func.func @params_clause_location() {
  approx.knob "k"() : () -> () transforms [ml_surrogate] decisions [0]
      // expected-error @+1 {{params need one decision per branch}}
      params <transform = ml_surrogate, thresholds = [1], decisions = [0]> {
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.knob: unique ids, region, state function
//===----------------------------------------------------------------------===//

// -----

func.func @knob_duplicate_id() {
  // expected-note @+1 {{first defined here}}
  approx.knob "same"() : () -> () transforms [ml_surrogate] decisions [0] {
    approx.yield
  }
  return
}

func.func @knob_duplicate_id_2() {
  // expected-error @+1 {{'approx.knob' op duplicate knob id "same"}}
  approx.knob "same"() : () -> () transforms [ml_surrogate] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func @knob_region_argument_count(%x: f64, %y: f64) {
  // expected-error @+1 {{'approx.knob' op region arguments must match the operands' types (2 operands, 1 region arguments)}}
  approx.knob "k"(%x, %y) : (f64, f64) -> () transforms [ml_surrogate] decisions [0] {
  ^bb0(%x2: f64):
    approx.yield
  }
  return
}

// -----

func.func @knob_region_argument_type(%x: f64) {
  // expected-error @+1 {{'approx.knob' op region arguments must match the operands' types (1 operands, 1 region arguments)}}
  approx.knob "k"(%x) : (f64) -> () transforms [ml_surrogate] decisions [0] {
  ^bb0(%x2: f32):
    approx.yield
  }
  return
}

// -----

func.func @knob_unknown_state_function() {
  // expected-error @+1 {{'approx.knob' op references unknown state function @no_such_state}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @no_such_state thresholds 1 in [0, 10] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func private @float_state() -> f64

func.func @knob_state_function_float() {
  // expected-error @+1 {{'approx.knob' op state function @float_state must return a single integer or index}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @float_state thresholds 1 in [0, 10] decisions [0] {
    approx.yield
  }
  return
}

// -----

func.func private @two_states() -> (i64, i64)

func.func @knob_state_function_two_results() {
  // expected-error @+1 {{'approx.knob' op state function @two_states must return a single integer or index}}
  approx.knob "k"() : () -> () transforms [ml_surrogate] state @two_states thresholds 1 in [0, 10] decisions [0] {
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.decision_tree
//===----------------------------------------------------------------------===//

// -----

func.func private @get_state() -> i64

func.func @tree_decision_count(%s: i64) {
  // expected-error @+1 {{'approx.decision_tree' op needs one decision per branch: 2 thresholds give 3 branches, but 2 decisions were given}}
  approx.decision_tree(%s : i64) runtime @get_state thresholds [10, 50] decisions [0, 1] transform ml_surrogate {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @tree_thresholds_not_ascending(%s: i64) {
  // expected-error @+1 {{'approx.decision_tree' op thresholds must be strictly ascending}}
  approx.decision_tree(%s : i64) runtime @get_state thresholds [50, 10] decisions [0, 1, 2] transform ml_surrogate {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @tree_negative_decision(%s: i64) {
  // expected-error @+1 {{'approx.decision_tree' op decisions must be non-negative}}
  approx.decision_tree(%s : i64) runtime @get_state thresholds [10] decisions [0, -1] transform ml_surrogate {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @tree_transform_not_in_knob() {
  approx.knob "k"() : () -> () transforms [ml_surrogate, task_skipping] decisions [0, 1] {
    %s = func.call @get_state() : () -> i64
    // expected-error @+1 {{'approx.decision_tree' op transform 'func_substitute' is not one of the enclosing knob's transform_types}}
    approx.decision_tree(%s : i64) runtime @get_state thresholds [] decisions [1] transform func_substitute {
      func.call @get_state() : () -> i64
      approx.yield
    }
    approx.yield
  }
  return
}

// -----

func.func @tree_unknown_runtime(%s: i64) {
  // expected-error @+1 {{'approx.decision_tree' op references unknown runtime function @no_such_runtime}}
  approx.decision_tree(%s : i64) runtime @no_such_runtime thresholds [] decisions [0] transform ml_surrogate {
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @tree_runtime_type_mismatch(%s: i32) {
  // expected-error @+1 {{'approx.decision_tree' op runtime function @get_state must return the state's type 'i32'}}
  approx.decision_tree(%s : i32) runtime @get_state thresholds [] decisions [0] transform ml_surrogate {
    approx.yield
  }
  return
}

// -----

func.func private @no_result()

func.func @tree_runtime_no_result(%s: index) {
  // expected-error @+1 {{'approx.decision_tree' op runtime function @no_result must return the state's type 'index'}}
  approx.decision_tree(%s : index) runtime @no_result thresholds [] decisions [0] transform ml_surrogate {
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.try
//===----------------------------------------------------------------------===//

// -----

func.func private @exact(f64) -> f64

func.func @try_check_argument_count(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.try' op check region arguments must match the results' types (1 results, 0 check arguments)}}
  %r = approx.try recover @exact(%x) : (f64) -> f64 {
    approx.yield %x : f64
  } check {
    %ok = arith.constant true
    approx.yield %ok : i1
  }
  return %r : f64
}

// -----

func.func private @exact(f64) -> f64

func.func @try_check_argument_type(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.try' op check region arguments must match the results' types (1 results, 1 check arguments)}}
  %r = approx.try recover @exact(%x) : (f64) -> f64 {
    approx.yield %x : f64
  } check {
  ^bb0(%v: f32):
    %ok = arith.constant true
    approx.yield %ok : i1
  }
  return %r : f64
}

// -----

func.func @try_unknown_recover(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.try' op references unknown recover function @no_such_recover}}
  %r = approx.try recover @no_such_recover(%x) : (f64) -> f64 {
    approx.yield %x : f64
  } check {
  ^bb0(%v: f64):
    %ok = arith.constant true
    approx.yield %ok : i1
  }
  return %r : f64
}

// -----

func.func private @exact(f32) -> f64

func.func @try_recover_argument_mismatch(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.try' op recover function @exact has type '(f32) -> f64' but the recovery operands and results need '(f64) -> f64'}}
  %r = approx.try recover @exact(%x) : (f64) -> f64 {
    approx.yield %x : f64
  } check {
  ^bb0(%v: f64):
    %ok = arith.constant true
    approx.yield %ok : i1
  }
  return %r : f64
}

// -----

func.func private @exact(f64) -> (f64, f64)

func.func @try_recover_result_mismatch(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.try' op recover function @exact has type '(f64) -> (f64, f64)' but the recovery operands and results need '(f64) -> f64'}}
  %r = approx.try recover @exact(%x) : (f64) -> f64 {
    approx.yield %x : f64
  } check {
  ^bb0(%v: f64):
    %ok = arith.constant true
    approx.yield %ok : i1
  }
  return %r : f64
}

// -----

func.func private @exact(f64) -> f64

func.func @try_check_yields_non_i1(%x: f64) -> f64 {
  %r = approx.try recover @exact(%x) : (f64) -> f64 {
    approx.yield %x : f64
  } check {
  ^bb0(%v: f64):
    // expected-error @+1 {{'approx.yield' op in a check region must yield a single i1}}
    approx.yield %v : f64
  }
  return %r : f64
}

// -----

func.func private @recover_nothing()

func.func @try_check_yields_nothing() {
  approx.try recover @recover_nothing() : () -> () {
    approx.yield
  } check {
    // expected-error @+1 {{'approx.yield' op in a check region must yield a single i1}}
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.transform
//===----------------------------------------------------------------------===//

// -----

func.func @transform_negative_value() {
  // expected-error @+1 {{'approx.transform' op transform_value must be non-negative, got -1}}
  approx.transform ml_surrogate -1
  return
}

// -----

func.func private @get_state() -> i64

// The innermost decision tree constrains the kind, also through nested ops.
func.func @transform_nested_in_tree(%s: i64, %c: i1) {
  approx.decision_tree(%s : i64) runtime @get_state thresholds [] decisions [1] transform task_skipping {
    scf.if %c {
      // expected-error @+1 {{'approx.transform' op transform 'ml_surrogate' differs from the enclosing decision tree's 'task_skipping'}}
      approx.transform ml_surrogate 1
    }
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @transform_differs_from_tree(%s: i64) {
  approx.decision_tree(%s : i64) runtime @get_state thresholds [] decisions [1] transform task_skipping {
    // expected-error @+1 {{'approx.transform' op transform 'ml_surrogate' differs from the enclosing decision tree's 'task_skipping'}}
    approx.transform ml_surrogate 1
    approx.yield
  }
  return
}

// -----

func.func @transform_not_in_knob() {
  approx.knob "k"() : () -> () transforms [ml_surrogate, func_substitute] decisions [0, 1] {
    // expected-error @+1 {{'approx.transform' op transform 'task_skipping' is not one of the enclosing knob's transform_types}}
    approx.transform task_skipping 1
    approx.yield
  }
  return
}

// -----

func.func @transform_loop_perforate_without_loop(%x: f64) -> f64 {
  %r = approx.knob "k"(%x) : (f64) -> f64 transforms [loop_perforate] decisions [0, 1] {
  ^bb0(%x2: f64):
    %y = arith.addf %x2, %x2 : f64
    // expected-error @+1 {{'approx.transform' op loop_perforate needs a loop in its region}}
    approx.transform loop_perforate 1
    approx.yield %y : f64
  }
  return %r : f64
}

// -----

func.func @transform_func_substitute_without_call(%x: f64) -> f64 {
  %r = approx.knob "k"(%x) : (f64) -> f64 transforms [func_substitute] decisions [0, 1] {
  ^bb0(%x2: f64):
    %y = arith.mulf %x2, %x2 : f64
    // expected-error @+1 {{'approx.transform' op func_substitute needs a call in its region}}
    approx.transform func_substitute 1
    approx.yield %y : f64
  }
  return %r : f64
}

// -----

// A loop is a region-branch op too, but not a multi-way branch.
func.func @transform_task_skipping_without_branch(%n: index) {
  approx.knob "k"(%n) : (index) -> () transforms [task_skipping] decisions [0, 1] {
  ^bb0(%n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %n2 step %c1 {
    }
    // expected-error @+1 {{'approx.transform' op task_skipping needs a branch (scf.if or scf.index_switch) in its region}}
    approx.transform task_skipping 1
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.yield
//===----------------------------------------------------------------------===//

// -----

func.func @yield_knob_type_mismatch(%x: f64) -> f64 {
  %r = approx.knob "k"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] {
  ^bb0(%x2: f64):
    %c = arith.constant 1 : i32
    // expected-error @+1 {{'approx.yield' op types must match the results of the parent 'approx.knob' (yielded 1 values, parent has 1 results)}}
    approx.yield %c : i32
  }
  return %r : f64
}

// -----

func.func private @get_state() -> i64

func.func @yield_tree_count_mismatch(%s: i64, %x: f64) -> f64 {
  %r = approx.decision_tree(%s : i64) runtime @get_state thresholds [] decisions [0] transform ml_surrogate -> f64 {
    // expected-error @+1 {{'approx.yield' op types must match the results of the parent 'approx.decision_tree' (yielded 2 values, parent has 1 results)}}
    approx.yield %x, %x : f64, f64
  }
  return %r : f64
}

// -----

func.func private @exact(f64) -> f64

func.func @yield_try_body_mismatch(%x: f64) -> f64 {
  %r = approx.try recover @exact(%x) : (f64) -> f64 {
    // expected-error @+1 {{'approx.yield' op types must match the results of the parent 'approx.try' (yielded 0 values, parent has 1 results)}}
    approx.yield
  } check {
  ^bb0(%v: f64):
    %ok = arith.constant true
    approx.yield %ok : i1
  }
  return %r : f64
}

// -----

func.func @knob_duplicate_id_nested() {
  // expected-note @+1 {{first defined here}}
  approx.knob "outer"() : () -> () transforms [ml_surrogate] decisions [0] {
    // expected-error @+1 {{'approx.knob' op duplicate knob id "outer"}}
    approx.knob "outer"() : () -> () transforms [ml_surrogate] decisions [0] {
      approx.yield
    }
    approx.yield
  }
  return
}

// -----

func.func private @get_state() -> i64

func.func @decision_tree_body_arguments(%s: i64) {
  // expected-error @+1 {{'approx.decision_tree' op body takes no arguments}}
  approx.decision_tree(%s : i64) runtime @get_state thresholds [] decisions [0] transform ml_surrogate {
  ^bb0(%q: index):
    approx.yield
  }
  return
}

// -----

func.func private @recover_nothing() -> ()

func.func @try_body_arguments() {
  // expected-error @+1 {{'approx.try' op body takes no arguments}}
  approx.try recover @recover_nothing() : () -> () {
  ^bb0(%q: i32):
    approx.yield
  } check {
    %t = arith.constant true
    approx.yield %t : i1
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.knob: safety contract and state function arguments
//===----------------------------------------------------------------------===//

// -----

func.func private @check(f64, f64) -> i1

// The custom syntax always has both; the generic form can give only one.
func.func @knob_checker_without_recover(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.knob' op a safety contract needs both a checker and a recover function}}
  %r = "approx.knob"(%x) <{checker = @check, decision_values = array<i64: 0>, id = "k", transform_types = [#approx.transform<ml_surrogate>]}> ({
  ^bb0(%x2: f64):
    "approx.yield"(%x2) : (f64) -> ()
  }) : (f64) -> f64
  return %r : f64
}

// -----

func.func private @exact(f64) -> f64

func.func @knob_recover_without_checker(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.knob' op a safety contract needs both a checker and a recover function}}
  %r = "approx.knob"(%x) <{decision_values = array<i64: 0>, id = "k", recover = @exact, transform_types = [#approx.transform<ml_surrogate>]}> ({
  ^bb0(%x2: f64):
    "approx.yield"(%x2) : (f64) -> ()
  }) : (f64) -> f64
  return %r : f64
}

// -----

func.func private @exact(f64) -> f64

func.func @knob_unknown_checker(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.knob' op references unknown checker function @no_such_checker}}
  %r = approx.knob "k"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] check @no_such_checker recover @exact {
  ^bb0(%x2: f64):
    approx.yield %x2 : f64
  }
  return %r : f64
}

// -----

func.func private @check(f64, f64) -> i1

func.func @knob_unknown_recover(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.knob' op references unknown recover function @no_such_recover}}
  %r = approx.knob "k"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] check @check recover @no_such_recover {
  ^bb0(%x2: f64):
    approx.yield %x2 : f64
  }
  return %r : f64
}

// -----

// The checker must take the operands and then the results.
func.func private @check_results_only(f64) -> i1
func.func private @exact(f64) -> f64

func.func @knob_checker_arguments(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.knob' op checker @check_results_only has type '(f64) -> i1' but must take the knob's operands then its results and return i1}}
  %r = approx.knob "k"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] check @check_results_only recover @exact {
  ^bb0(%x2: f64):
    approx.yield %x2 : f64
  }
  return %r : f64
}

// -----

func.func private @check_i32(f64, f64) -> i32
func.func private @exact(f64) -> f64

func.func @knob_checker_result(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.knob' op checker @check_i32 has type '(f64, f64) -> i32' but must take the knob's operands then its results and return i1}}
  %r = approx.knob "k"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] check @check_i32 recover @exact {
  ^bb0(%x2: f64):
    approx.yield %x2 : f64
  }
  return %r : f64
}

// -----

func.func private @check(f64, f64) -> i1
func.func private @exact_f32(f32) -> f64

func.func @knob_recover_arguments(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.knob' op recover function @exact_f32 has type '(f32) -> f64' but must map the knob's operands to its results}}
  %r = approx.knob "k"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] check @check recover @exact_f32 {
  ^bb0(%x2: f64):
    approx.yield %x2 : f64
  }
  return %r : f64
}

// -----

func.func private @check(f64, f64) -> i1
func.func private @exact_void(f64)

func.func @knob_recover_results(%x: f64) -> f64 {
  // expected-error @+1 {{'approx.knob' op recover function @exact_void has type '(f64) -> ()' but must map the knob's operands to its results}}
  %r = approx.knob "k"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] check @check recover @exact_void {
  ^bb0(%x2: f64):
    approx.yield %x2 : f64
  }
  return %r : f64
}

// -----

func.func private @state_of_index(index) -> i64

func.func @knob_state_function_arguments(%x: f64) {
  // expected-error @+1 {{'approx.knob' op state function @state_of_index must take no arguments or exactly the knob's operands}}
  approx.knob "k"(%x) : (f64) -> () transforms [ml_surrogate] state @state_of_index thresholds 1 in [0, 10] decisions [0] {
  ^bb0(%x2: f64):
    approx.yield
  }
  return
}

// -----

// Some of the knob's operands are not enough.
func.func private @state_of_first(f64) -> i64

func.func @knob_state_function_operand_prefix(%x: f64, %n: index) {
  // expected-error @+1 {{'approx.knob' op state function @state_of_first must take no arguments or exactly the knob's operands}}
  approx.knob "k"(%x, %n) : (f64, index) -> () transforms [ml_surrogate] state @state_of_first thresholds 1 in [0, 10] decisions [0] {
  ^bb0(%x2: f64, %n2: index):
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.ml_region
//===----------------------------------------------------------------------===//

// -----

func.func @ml_predicated_without_predicate(%x: memref<?xf64>) {
  // expected-error @+1 {{'approx.ml_region' op in predicated mode needs a predicate operand}}
  approx.ml_region predicated arrays(%x : memref<?xf64>) bounds() spec "region r f.c:1\n" {
  }
  return
}

// -----

func.func @ml_infer_with_predicate(%x: memref<?xf64>, %p: i1) {
  // expected-error @+1 {{'approx.ml_region' op has a predicate operand but its mode is 'infer'}}
  approx.ml_region infer(%p) arrays(%x : memref<?xf64>) bounds() spec "region r f.c:1\n" {
  }
  return
}

// -----

func.func @ml_spec_without_region_line(%x: memref<?xf64>) {
  // expected-error @+1 {{'approx.ml_region' op spec must start with a 'region <name> <file>:<line>' line}}
  approx.ml_region infer arrays(%x : memref<?xf64>) bounds() spec "map to f 1 0,-1\n" {
  }
  return
}

// -----

func.func @ml_unsupported_element(%x: memref<?xi8>) {
  // expected-error @+1 {{'approx.ml_region' op array #0 has element type 'i8'; the data bridge handles f32, f64, i32 and i64}}
  approx.ml_region collect arrays(%x : memref<?xi8>) bounds() spec "region r f.c:1\n" {
  }
  return
}

// -----

func.func @ml_spec_array_out_of_range(%x: memref<?xf64>, %n: i64) {
  // expected-error @+1 {{'approx.ml_region' op spec maps array #1 but the op has 1 arrays}}
  approx.ml_region infer arrays(%x : memref<?xf64>) bounds(%n) spec "region r f.c:1\nmap to f 1 1,-1,0,0,0\n" {
  }
  return
}

// -----

func.func @ml_spec_bound_out_of_range(%x: memref<?xf64>, %n: i64) {
  // expected-error @+1 {{'approx.ml_region' op spec refers to bound #3 but the op has 1 bounds}}
  approx.ml_region infer arrays(%x : memref<?xf64>) bounds(%n) spec "region r f.c:1\nmap to f 1 0,-1,0,3,0\n" {
  }
  return
}

// -----

func.func @ml_spec_malformed_target(%x: memref<?xf64>, %n: i64) {
  // expected-error @+1 {{'approx.ml_region' op spec has a malformed map target '0,-1,0'}}
  approx.ml_region infer arrays(%x : memref<?xf64>) bounds(%n) spec "region r f.c:1\nmap to f 1 0,-1,0\n" {
  }
  return
}

// -----

func.func @ml_bad_model_choice(%x: memref<?xf64>) {
  // expected-error @+1 {{'approx.ml_region' op model_choice must be -1 (exact code), 0 (the model clause) or a model number, got -2}}
  approx.ml_region infer arrays(%x : memref<?xf64>) bounds() spec "region r f.c:1\n" {
  } {model_choice = -2 : i64}
  return
}

// -----

func.func @ml_region_yields_value(%x: memref<?xf64>) {
  approx.ml_region infer arrays(%x : memref<?xf64>) bounds() spec "region r f.c:1\n" {
    %c = arith.constant 1.0 : f64
    // expected-error @+1 {{'approx.yield' op types must match the results of the parent 'approx.ml_region' (yielded 1 values, parent has 0 results)}}
    approx.yield %c : f64
  }
  return
}

// -----

func.func private @level() -> i64

func.func @bounds_count() {
  // expected-error @+1 {{'approx.knob' op threshold_bounds has 2 values but 2 thresholds need 4 ([lo, hi] each)}}
  approx.knob "k"() : () -> () transforms [loop_perforate] state @level thresholds 2 in [0, 100] bounds [0, 50] decisions [0, 1] {
    approx.yield
  }
  return
}

// -----

func.func private @level() -> i64

func.func @bounds_outside_range() {
  // expected-error @+1 {{'approx.knob' op threshold_bounds of threshold 1 [60, 120] is not a range inside threshold_range [0, 100]}}
  approx.knob "k"() : () -> () transforms [loop_perforate] state @level thresholds 2 in [0, 100] bounds [0, 50, 60, 120] decisions [0, 1] {
    approx.yield
  }
  return
}

// -----

func.func private @level() -> i64

func.func @bounds_not_ascending() {
  // expected-error @+1 {{'approx.knob' op threshold_bounds admit no strictly ascending thresholds: threshold 1 must exceed 30 but its bounds are [10, 20]}}
  approx.knob "k"() : () -> () transforms [loop_perforate] state @level thresholds 2 in [0, 100] bounds [30, 50, 10, 20] decisions [0, 1] {
    approx.yield
  }
  return
}

// -----

func.func @bounds_without_state() {
  // expected-error @+1 {{'approx.knob' op thresholds need a state function}}
  approx.knob "k"() : () -> () transforms [loop_perforate] bounds [0, 50] decisions [0, 1] {
    approx.yield
  }
  return
}

// -----

func.func private @level() -> i64

func.func @params_outside_bounds() {
  // expected-error @+1 {{'approx.knob' op params threshold 1 (10) is outside its bounds [20, 100]}}
  approx.knob "k"() : () -> () transforms [loop_perforate] state @level thresholds 2 in [0, 100] bounds [0, 5, 20, 100] decisions [0, 1] params <transform = loop_perforate, thresholds = [5, 10], decisions = [0, 1, 0]> {
    approx.yield
  }
  return
}
