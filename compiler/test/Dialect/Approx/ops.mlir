// RUN: approx-opt %s | approx-opt | FileCheck %s
// RUN: approx-opt %s --mlir-print-op-generic | approx-opt | FileCheck %s

// Round trip of every approx op and attribute, custom form and generic form.

func.func private @get_state() -> i64
func.func private @get_index_state() -> index
func.func private @get_i32_state() -> i32
func.func private @bm25(f64) -> f64
func.func private @exact_sum(memref<?xf64>, index) -> f64
func.func private @exact_pair(f64, i32) -> (f64, i32)
func.func private @recover_nothing()

//===----------------------------------------------------------------------===//
// approx.knob
//===----------------------------------------------------------------------===//

// No operands, no results, no state, no params; yield without values.
// CHECK-LABEL: func.func @knob_empty
// CHECK-NEXT:    approx.knob "empty"() : () -> () transforms [ml_surrogate] decisions [0] {
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @knob_empty() {
  approx.knob "empty"() : () -> () transforms [ml_surrogate] decisions [0] {
    approx.yield
  }
  return
}

// Per-threshold bounds (upstream's thresholds_lower/upper) round-trip in the
// custom syntax, and params inside them verify.
// CHECK-LABEL: func.func @knob_threshold_bounds
// CHECK-NEXT:    approx.knob "bounded"() : () -> () transforms [loop_perforate] state @level thresholds 2 in [0, 100] bounds [0, 10, 20, 100] decisions [0, 1] params <transform = loop_perforate, thresholds = [5, 50], decisions = [0, 1, 0]> {
func.func private @level() -> i64
func.func @knob_threshold_bounds() {
  approx.knob "bounded"() : () -> () transforms [loop_perforate] state @level thresholds 2 in [0, 100] bounds [0, 10, 20, 100] decisions [0, 1] params <transform = loop_perforate, thresholds = [5, 50], decisions = [0, 1, 0]> {
    approx.yield
  }
  return
}

// One operand, one result, several transform kinds, static params.
// CHECK-LABEL: func.func @knob_static_params
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64
// CHECK-NEXT:    %[[R:.*]] = approx.knob "score"(%[[X]]) : (f64) -> f64 transforms [func_substitute, task_skipping] decisions [0, 1, 3] params <transform = func_substitute, decisions = [3]> {
// CHECK-NEXT:    ^bb0(%[[X2:.*]]: f64):
// CHECK-NEXT:      %[[Y:.*]] = func.call @bm25(%[[X2]]) : (f64) -> f64
// CHECK-NEXT:      approx.yield %[[Y]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f64
func.func @knob_static_params(%x: f64) -> f64 {
  %r = approx.knob "score"(%x) : (f64) -> f64
      transforms [func_substitute, task_skipping] decisions [0, 1, 3]
      params <transform = func_substitute, decisions = [3]> {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}

// Several operands and results, a state function, dynamic params, extra
// attributes and a loop_perforate transform in the body.
// CHECK-LABEL: func.func @knob_dynamic
// CHECK-SAME:    (%[[A:.*]]: memref<?xf64>, %[[N:.*]]: index, %[[F:.*]]: i32) -> (f64, index)
// CHECK-NEXT:    %[[R:.*]]:2 = approx.knob "sum_loop"(%[[A]], %[[N]], %[[F]]) : (memref<?xf64>, index, i32) -> (f64, index) transforms [loop_perforate, ml_surrogate] state @get_state thresholds 2 in [0, 100] decisions [0, 1, 2] params <transform = loop_perforate, thresholds = [10, 50], decisions = [0, 1, 2]> attributes {tag = "hot"} {
// CHECK-NEXT:    ^bb0(%[[A2:.*]]: memref<?xf64>, %[[N2:.*]]: index, %{{.*}}: i32):
// CHECK:           %[[S:.*]] = scf.for
// CHECK:           approx.transform loop_perforate 2{{$}}
// CHECK-NEXT:      approx.yield %[[S]], %[[N2]] : f64, index
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : f64, index
func.func @knob_dynamic(%a: memref<?xf64>, %n: index, %flag: i32) -> (f64, index) {
  %r:2 = approx.knob "sum_loop"(%a, %n, %flag)
      : (memref<?xf64>, index, i32) -> (f64, index)
      transforms [loop_perforate, ml_surrogate]
      state @get_state thresholds 2 in [0, 100]
      decisions [0, 1, 2]
      params <transform = loop_perforate, thresholds = [10, 50], decisions = [0, 1, 2]>
      attributes {tag = "hot"} {
  ^bb0(%a2: memref<?xf64>, %n2: index, %flag2: i32):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %v = memref.load %a2[%i] : memref<?xf64>
      %sum = arith.addf %acc, %v : f64
      scf.yield %sum : f64
    }
    approx.transform loop_perforate 2
    approx.yield %s, %n2 : f64, index
  }
  return %r#0, %r#1 : f64, index
}

// A state function returning index, no params yet; a dynamic knob configured
// statically; negative threshold range.
// CHECK-LABEL: func.func @knob_state_no_params
// CHECK-NEXT:    approx.knob "idx"() : () -> () transforms [ml_surrogate] state @get_index_state thresholds 1 in [-5, 5] decisions [0, 4]{{ }}{
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    approx.knob "idx_static"() : () -> () transforms [ml_surrogate] state @get_i32_state thresholds 3 in [0, 2] decisions [0, 4] params <transform = ml_surrogate, decisions = [4]> {
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
func.func @knob_state_no_params() {
  approx.knob "idx"() : () -> () transforms [ml_surrogate]
      state @get_index_state thresholds 1 in [-5, 5] decisions [0, 4] {
    approx.yield
  }
  approx.knob "idx_static"() : () -> () transforms [ml_surrogate]
      state @get_i32_state thresholds 3 in [0, 2] decisions [0, 4]
      params <transform = ml_surrogate, decisions = [4]> {
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.decision_tree
//===----------------------------------------------------------------------===//

// With results, inside a knob allowing its transform kind.
// CHECK-LABEL: func.func @decision_tree_results
// CHECK:         approx.knob "tree_knob"(%{{.*}}) : (f64) -> f64 transforms [func_substitute] decisions [0, 1, 2] {
// CHECK-NEXT:    ^bb0(%[[X:.*]]: f64):
// CHECK-NEXT:      %[[S:.*]] = func.call @get_state() : () -> i64
// CHECK-NEXT:      %[[R:.*]] = approx.decision_tree(%[[S]] : i64) runtime @get_state thresholds [10, 50] decisions [0, 1, 2] transform func_substitute -> f64 {
// CHECK-NEXT:        %[[Y:.*]] = func.call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:        approx.transform func_substitute 1{{$}}
// CHECK-NEXT:        approx.yield %[[Y]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[R]] : f64
// CHECK-NEXT:    }
func.func @decision_tree_results(%x: f64) -> f64 {
  %r = approx.knob "tree_knob"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1, 2] {
  ^bb0(%x2: f64):
    %s = func.call @get_state() : () -> i64
    %t = approx.decision_tree(%s : i64) runtime @get_state
        thresholds [10, 50] decisions [0, 1, 2] transform func_substitute -> f64 {
      %y = func.call @bm25(%x2) : (f64) -> f64
      approx.transform func_substitute 1
      approx.yield %y : f64
    }
    approx.yield %t : f64
  }
  return %r : f64
}

// Without results, index state, a single branch (no thresholds), extra
// attributes, task_skipping over an scf.if.
// CHECK-LABEL: func.func @decision_tree_no_results
// CHECK-SAME:    (%[[C:.*]]: i1)
// CHECK-NEXT:    %[[S:.*]] = call @get_index_state() : () -> index
// CHECK-NEXT:    approx.decision_tree(%[[S]] : index) runtime @get_index_state thresholds [] decisions [7] transform task_skipping attributes {note = 1 : i64} {
// CHECK-NEXT:      scf.if %[[C]] {
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.transform task_skipping 7{{$}}
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @decision_tree_no_results(%c: i1) {
  %s = func.call @get_index_state() : () -> index
  approx.decision_tree(%s : index) runtime @get_index_state
      thresholds [] decisions [7] transform task_skipping attributes {note = 1} {
    scf.if %c {
    }
    approx.transform task_skipping 7
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// approx.try
//===----------------------------------------------------------------------===//

// With results and several recovery operands.
// CHECK-LABEL: func.func @try_results
// CHECK-SAME:    (%[[X:.*]]: f64, %[[I:.*]]: i32) -> (f64, i32)
// CHECK-NEXT:    %[[R:.*]]:2 = approx.try recover @exact_pair(%[[X]], %[[I]]) : (f64, i32) -> (f64, i32) {
// CHECK-NEXT:      approx.yield %[[X]], %[[I]] : f64, i32
// CHECK-NEXT:    } check {
// CHECK-NEXT:    ^bb0(%[[V:.*]]: f64, %{{.*}}: i32):
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:      %[[OK:.*]] = arith.cmpf oge, %[[V]], %[[Z]] : f64
// CHECK-NEXT:      approx.yield %[[OK]] : i1
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : f64, i32
func.func @try_results(%x: f64, %i: i32) -> (f64, i32) {
  %r:2 = approx.try recover @exact_pair(%x, %i) : (f64, i32) -> (f64, i32) {
    approx.yield %x, %i : f64, i32
  } check {
  ^bb0(%v: f64, %w: i32):
    %zero = arith.constant 0.0 : f64
    %ok = arith.cmpf oge, %v, %zero : f64
    approx.yield %ok : i1
  }
  return %r#0, %r#1 : f64, i32
}

// No results and no recovery operands; extra attributes.
// CHECK-LABEL: func.func @try_no_results
// CHECK-NEXT:    approx.try recover @recover_nothing() : () -> () attributes {kind = "cheap"} {
// CHECK-NEXT:      approx.transform ml_surrogate 0{{$}}
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    } check {
// CHECK-NEXT:      %[[T:.*]] = arith.constant true
// CHECK-NEXT:      approx.yield %[[T]] : i1
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @try_no_results() {
  approx.try recover @recover_nothing() : () -> () attributes {kind = "cheap"} {
    approx.transform ml_surrogate 0
    approx.yield
  } check {
    %true = arith.constant true
    approx.yield %true : i1
  }
  return
}

// A try around a knob body, recovering with the exact function.
// CHECK-LABEL: func.func @try_in_knob
// CHECK:         approx.knob "guarded"(%{{.*}}, %{{.*}}) : (memref<?xf64>, index) -> f64 transforms [loop_perforate] decisions [0, 1] {
// CHECK-NEXT:    ^bb0(%[[A:.*]]: memref<?xf64>, %[[N:.*]]: index):
// CHECK-NEXT:      %[[T:.*]] = approx.try recover @exact_sum(%[[A]], %[[N]]) : (memref<?xf64>, index) -> f64 {
// CHECK:             scf.for
// CHECK:             approx.transform loop_perforate 1{{$}}
// CHECK-NEXT:        approx.yield %{{.*}} : f64
// CHECK-NEXT:      } check {
// CHECK-NEXT:      ^bb0(%{{.*}}: f64):
// CHECK:             approx.yield %{{.*}} : i1
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[T]] : f64
func.func @try_in_knob(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "guarded"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] decisions [0, 1] {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %t = approx.try recover @exact_sum(%a2, %n2) : (memref<?xf64>, index) -> f64 {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %zero = arith.constant 0.0 : f64
      %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
        %v = memref.load %a2[%i] : memref<?xf64>
        %sum = arith.addf %acc, %v : f64
        scf.yield %sum : f64
      }
      approx.transform loop_perforate 1
      approx.yield %s : f64
    } check {
    ^bb0(%v: f64):
      %ok = arith.constant true
      approx.yield %ok : i1
    }
    approx.yield %t : f64
  }
  return %r : f64
}

//===----------------------------------------------------------------------===//
// approx.transform: all four kinds
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @transform_loop_perforate
// CHECK:         scf.for
// CHECK:         approx.transform loop_perforate 3{{$}}
func.func @transform_loop_perforate(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
  }
  approx.transform loop_perforate 3
  return
}

// CHECK-LABEL: func.func @transform_func_substitute
// CHECK:         approx.knob "subst"(%{{.*}}) : (f64) -> f64 transforms [func_substitute] decisions [0, 1]
// CHECK:           func.call @bm25
// CHECK-NEXT:      approx.transform func_substitute 1{{$}}
func.func @transform_func_substitute(%x: f64) -> f64 {
  %r = approx.knob "subst"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1] {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.transform func_substitute 1
    approx.yield %y : f64
  }
  return %r : f64
}

// CHECK-LABEL: func.func @transform_task_skipping
// CHECK:         approx.knob "switch"(%{{.*}}) : (index) -> () transforms [task_skipping, ml_surrogate] decisions [0, 2] {
// CHECK:           scf.index_switch
// CHECK:           approx.transform task_skipping 2{{$}}
// CHECK-NEXT:      approx.yield{{$}}
func.func @transform_task_skipping(%k: index) {
  approx.knob "switch"(%k) : (index) -> ()
      transforms [task_skipping, ml_surrogate] decisions [0, 2] {
  ^bb0(%k2: index):
    scf.index_switch %k2
    case 1 {
      scf.yield
    }
    default {
    }
    approx.transform task_skipping 2
    approx.yield
  }
  return
}

// CHECK-LABEL: func.func @transform_ml_surrogate
// CHECK-NEXT:    approx.transform ml_surrogate 0 {origin = "model"}
// CHECK-NEXT:    approx.transform ml_surrogate 9223372036854775807{{$}}
// CHECK-NEXT:    return
func.func @transform_ml_surrogate() {
  approx.transform ml_surrogate 0 {origin = "model"}
  approx.transform ml_surrogate 9223372036854775807
  return
}

//===----------------------------------------------------------------------===//
// #approx.params
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @params_attr
// CHECK-SAME:    dynamic = #approx.params<transform = loop_perforate, thresholds = [-3, 10, 50], decisions = [0, 1, 2, 4]>
// CHECK-SAME:    static = #approx.params<transform = task_skipping, decisions = [1]>
func.func @params_attr() attributes {
    dynamic = #approx.params<transform = loop_perforate, thresholds = [-3, 10, 50], decisions = [0, 1, 2, 4]>,
    static = #approx.params<transform = task_skipping, decisions = [1]>} {
  return
}

// `thresholds = []` is the static form and prints without the thresholds.
// CHECK-LABEL: func.func @params_attr_empty_thresholds
// CHECK-SAME:    p = #approx.params<transform = ml_surrogate, decisions = [0]>
func.func @params_attr_empty_thresholds() attributes {
    p = #approx.params<transform = ml_surrogate, thresholds = [], decisions = [0]>} {
  return
}

// Ids are unique per symbol table: a nested module has its own. The full i64
// range is a valid threshold range.
// CHECK-LABEL: func.func @outer_same_id
// CHECK:       approx.knob "shared"
// CHECK-SAME:  state @wide_state thresholds 2 in [-9223372036854775808, 9223372036854775807]
// CHECK-LABEL: module @inner
// CHECK:       approx.knob "shared"
func.func private @wide_state() -> i64
func.func @outer_same_id() {
  approx.knob "shared"() : () -> () transforms [ml_surrogate]
      state @wide_state thresholds 2 in [-9223372036854775808, 9223372036854775807]
      decisions [0] {
    approx.yield
  }
  return
}
module @inner {
  func.func @inner_same_id() {
    approx.knob "shared"() : () -> () transforms [ml_surrogate] decisions [0] {
      approx.yield
    }
    return
  }
}

//===----------------------------------------------------------------------===//
// approx.knob: safety contract
//===----------------------------------------------------------------------===//

func.func private @check_sum(memref<?xf64>, index, f64) -> i1
func.func private @check_nothing() -> i1

// A checker taking the operands then the results, a recover function mapping
// the operands to the results; with state, params and extra attributes.
// CHECK-LABEL: func.func @knob_safety_contract
// CHECK-SAME:    (%[[A:.*]]: memref<?xf64>, %[[N:.*]]: index) -> f64
// CHECK-NEXT:    %[[R:.*]] = approx.knob "safe_sum"(%[[A]], %[[N]]) : (memref<?xf64>, index) -> f64 transforms [func_substitute] state @get_state thresholds 1 in [0, 10] decisions [0, 1] params <transform = func_substitute, decisions = [1]> check @check_sum recover @exact_sum attributes {tag = "safe"} {
// CHECK-NEXT:    ^bb0(%[[A2:.*]]: memref<?xf64>, %[[N2:.*]]: index):
// CHECK-NEXT:      %[[S:.*]] = func.call @exact_sum(%[[A2]], %[[N2]]) : (memref<?xf64>, index) -> f64
// CHECK-NEXT:      approx.yield %[[S]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f64
func.func @knob_safety_contract(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "safe_sum"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [func_substitute] state @get_state thresholds 1 in [0, 10]
      decisions [0, 1]
      params <transform = func_substitute, decisions = [1]>
      check @check_sum recover @exact_sum attributes {tag = "safe"} {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %s = func.call @exact_sum(%a2, %n2) : (memref<?xf64>, index) -> f64
    approx.yield %s : f64
  }
  return %r : f64
}

// Without operands or results: a checker and recover function without
// arguments.
// CHECK-LABEL: func.func @knob_safety_contract_empty
// CHECK-NEXT:    approx.knob "safe_empty"() : () -> () transforms [ml_surrogate] decisions [0] check @check_nothing recover @recover_nothing {
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @knob_safety_contract_empty() {
  approx.knob "safe_empty"() : () -> () transforms [ml_surrogate] decisions [0]
      check @check_nothing recover @recover_nothing {
    approx.yield
  }
  return
}

// CHECK-LABEL: func.func @ml_region
// CHECK: approx.ml_region predicated(%{{.*}}) if(%{{.*}}) arrays(%{{.*}}, %{{.*}} : memref<?x?xf64>, memref<?xf32>) bounds(%{{.*}}, %{{.*}}) spec "region r f.c:3\0Amap to ifn 1 0,-1,0,1,0\0A" {
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: memref.load
// CHECK-NEXT: }
// CHECK-NEXT: approx.ml_region collect arrays() bounds() spec "region empty f.c:9\0A" {
// CHECK-NEXT: } {model_choice = 2 : i64}
func.func @ml_region(%t: memref<?x?xf64>, %y: memref<?xf32>, %a: i64, %b: i64, %p: i1, %e: i1) {
  approx.ml_region predicated(%p) if(%e) arrays(%t, %y : memref<?x?xf64>, memref<?xf32>) bounds(%a, %b) spec "region r f.c:3\nmap to ifn 1 0,-1,0,1,0\n" {
    %c0 = arith.constant 0 : index
    %v = memref.load %t[%c0, %c0] : memref<?x?xf64>
  }
  approx.ml_region collect arrays() bounds() spec "region empty f.c:9\n" {
  } {model_choice = 2 : i64}
  return
}
