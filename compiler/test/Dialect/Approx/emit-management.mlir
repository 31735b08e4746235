// RUN: approx-opt %s --approx-emit-management | FileCheck %s

// approx-emit-management: a knob's params become management ops in its body.

func.func private @get_state() -> i64
func.func private @get_i32_state() -> i32
func.func private @sum_state(memref<?xf64>, index) -> index
func.func private @check_sum(memref<?xf64>, index, f64) -> i1
func.func private @exact_sum(memref<?xf64>, index) -> f64
func.func private @bm25(f64) -> f64
func.func private @check_score(f64, f64) -> i1
func.func private @check_nothing() -> i1
func.func private @recover_nothing()

// Static params: `approx.transform <kind> <value>` at the start of the body,
// nothing else changes.
// CHECK-LABEL: func.func @static_params
// CHECK-SAME:    (%[[X:.+]]: f64) -> f64
// CHECK-NEXT:    %[[R:.+]] = approx.knob "score"(%[[X]]) : (f64) -> f64 transforms [func_substitute, task_skipping] decisions [0, 1, 2] params <transform = func_substitute, decisions = [2]> {
// CHECK-NEXT:    ^bb0(%[[X2:.+]]: f64):
// CHECK-NEXT:      approx.transform func_substitute 2{{$}}
// CHECK-NEXT:      %[[Y:.+]] = func.call @bm25(%[[X2]]) : (f64) -> f64
// CHECK-NEXT:      approx.yield %[[Y]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f64
func.func @static_params(%x: f64) -> f64 {
  %r = approx.knob "score"(%x) : (f64) -> f64
      transforms [func_substitute, task_skipping] decisions [0, 1, 2]
      params <transform = func_substitute, decisions = [2]> {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}

// Static params with value 0 still emit the (exact) transform.
// CHECK-LABEL: func.func @static_params_exact
// CHECK:         approx.knob "exact_static"
// CHECK-NEXT:    ^bb0(%{{.+}}: f64):
// CHECK-NEXT:      approx.transform func_substitute 0{{$}}
// CHECK-NEXT:      func.call @bm25
// CHECK-NEXT:      approx.yield
func.func @static_params_exact(%x: f64) -> f64 {
  %r = approx.knob "exact_static"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1]
      params <transform = func_substitute, decisions = [0]> {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}

// Dynamic params: the state function (no arguments) is called at the start of
// the body and a decision tree with the params' thresholds and decisions wraps
// the rest of the body; the knob yields the tree's results.
// CHECK-LABEL: func.func @dynamic_params
// CHECK-SAME:    (%[[A:.+]]: memref<?xf64>, %[[N:.+]]: index) -> f64
// CHECK-NEXT:    %[[R:.+]] = approx.knob "sum"(%[[A]], %[[N]]) : (memref<?xf64>, index) -> f64 transforms [loop_perforate] state @get_state thresholds 2 in [0, 100] decisions [0, 1, 2] params <transform = loop_perforate, thresholds = [10, 50], decisions = [2, 1, 0]> {
// CHECK-NEXT:    ^bb0(%[[A2:.+]]: memref<?xf64>, %[[N2:.+]]: index):
// CHECK-NEXT:      %[[S:.+]] = func.call @get_state() : () -> i64
// CHECK-NEXT:      %[[T:.+]] = approx.decision_tree(%[[S]] : i64) runtime @get_state thresholds [10, 50] decisions [2, 1, 0] transform loop_perforate -> f64 {
// CHECK-NEXT:        %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:        %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:        %[[Z:.+]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:        %[[SUM:.+]] = scf.for %[[I:.+]] = %[[C0]] to %[[N2]] step %[[C1]] iter_args(%[[ACC:.+]] = %[[Z]]) -> (f64) {
// CHECK-NEXT:          %[[V:.+]] = memref.load %[[A2]][%[[I]]] : memref<?xf64>
// CHECK-NEXT:          %[[ADD:.+]] = arith.addf %[[ACC]], %[[V]] : f64
// CHECK-NEXT:          scf.yield %[[ADD]] : f64
// CHECK-NEXT:        }
// CHECK-NEXT:        approx.yield %[[SUM]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[T]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f64
func.func @dynamic_params(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "sum"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] state @get_state thresholds 2 in [0, 100]
      decisions [0, 1, 2]
      params <transform = loop_perforate, thresholds = [10, 50], decisions = [2, 1, 0]> {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %v = memref.load %a2[%i] : memref<?xf64>
      %sum = arith.addf %acc, %v : f64
      scf.yield %sum : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}

// A state function taking the knob's operands is called with the body's
// arguments; its result type (index) is the tree's state type.
// CHECK-LABEL: func.func @state_with_operands
// CHECK:         approx.knob "sum_args"
// CHECK-NEXT:    ^bb0(%[[A2:.+]]: memref<?xf64>, %[[N2:.+]]: index):
// CHECK-NEXT:      %[[S:.+]] = func.call @sum_state(%[[A2]], %[[N2]]) : (memref<?xf64>, index) -> index
// CHECK-NEXT:      %[[T:.+]] = approx.decision_tree(%[[S]] : index) runtime @sum_state thresholds [64] decisions [0, 3] transform loop_perforate -> f64 {
// CHECK:             scf.for
// CHECK:             approx.yield %{{.+}} : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[T]] : f64
// CHECK-NEXT:    }
func.func @state_with_operands(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "sum_args"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] state @sum_state thresholds 1 in [0, 100]
      decisions [0, 3]
      params <transform = loop_perforate, thresholds = [64], decisions = [0, 3]> {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %v = memref.load %a2[%i] : memref<?xf64>
      %sum = arith.addf %acc, %v : f64
      scf.yield %sum : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}

// Dynamic params on a knob without results.
// CHECK-LABEL: func.func @dynamic_no_results
// CHECK-SAME:    (%[[C:.+]]: i1)
// CHECK-NEXT:    approx.knob "void_tree"(%[[C]]) : (i1) -> () transforms [task_skipping] state @get_i32_state thresholds 1 in [-10, 10] decisions [0, 1] params <transform = task_skipping, thresholds = [-3], decisions = [1, 0]> {
// CHECK-NEXT:    ^bb0(%[[C2:.+]]: i1):
// CHECK-NEXT:      %[[S:.+]] = func.call @get_i32_state() : () -> i32
// CHECK-NEXT:      approx.decision_tree(%[[S]] : i32) runtime @get_i32_state thresholds [-3] decisions [1, 0] transform task_skipping {
// CHECK-NEXT:        scf.if %[[C2]] {
// CHECK-NEXT:          func.call @recover_nothing() : () -> ()
// CHECK-NEXT:        }
// CHECK-NEXT:        approx.yield{{$}}
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @dynamic_no_results(%c: i1) {
  approx.knob "void_tree"(%c) : (i1) -> () transforms [task_skipping]
      state @get_i32_state thresholds 1 in [-10, 10] decisions [0, 1]
      params <transform = task_skipping, thresholds = [-3], decisions = [1, 0]> {
  ^bb0(%c2: i1):
    scf.if %c2 {
      func.call @recover_nothing() : () -> ()
    }
    approx.yield
  }
  return
}

// A dynamic-capable knob configured statically gets a transform, no tree.
// CHECK-LABEL: func.func @dynamic_knob_static_params
// CHECK:         approx.knob "static_of_dynamic"
// CHECK-NEXT:    ^bb0(%{{.+}}: f64):
// CHECK-NEXT:      approx.transform func_substitute 1{{$}}
// CHECK-NEXT:      func.call @bm25
// CHECK-NOT:       approx.decision_tree
// CHECK:         return
func.func @dynamic_knob_static_params(%x: f64) -> f64 {
  %r = approx.knob "static_of_dynamic"(%x) : (f64) -> f64
      transforms [func_substitute] state @get_state thresholds 1 in [0, 9]
      decisions [0, 1] params <transform = func_substitute, decisions = [1]> {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}

// Safety contract: the body (static transform included) is wrapped in
// approx.try recovering with @exact_sum on the knob's operands; the check
// region calls the checker with the operands then the results.
// CHECK-LABEL: func.func @safety
// CHECK-SAME:    (%[[A:.+]]: memref<?xf64>, %[[N:.+]]: index) -> f64
// CHECK-NEXT:    %[[R:.+]] = approx.knob "guarded"(%[[A]], %[[N]]) : (memref<?xf64>, index) -> f64 transforms [loop_perforate] decisions [0, 1] params <transform = loop_perforate, decisions = [1]> check @check_sum recover @exact_sum {
// CHECK-NEXT:    ^bb0(%[[A2:.+]]: memref<?xf64>, %[[N2:.+]]: index):
// CHECK-NEXT:      %[[T:.+]] = approx.try recover @exact_sum(%[[A2]], %[[N2]]) : (memref<?xf64>, index) -> f64 {
// CHECK-NEXT:        approx.transform loop_perforate 1{{$}}
// CHECK-NEXT:        %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:        %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:        %[[Z:.+]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:        %[[SUM:.+]] = scf.for %{{.+}} = %[[C0]] to %[[N2]] step %[[C1]] iter_args(%{{.+}} = %[[Z]]) -> (f64) {
// CHECK:             }
// CHECK-NEXT:        approx.yield %[[SUM]] : f64
// CHECK-NEXT:      } check {
// CHECK-NEXT:      ^bb0(%[[V:.+]]: f64):
// CHECK-NEXT:        %[[OK:.+]] = func.call @check_sum(%[[A2]], %[[N2]], %[[V]]) : (memref<?xf64>, index, f64) -> i1
// CHECK-NEXT:        approx.yield %[[OK]] : i1
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[T]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f64
func.func @safety(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "guarded"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] decisions [0, 1]
      params <transform = loop_perforate, decisions = [1]>
      check @check_sum recover @exact_sum {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %v = memref.load %a2[%i] : memref<?xf64>
      %sum = arith.addf %acc, %v : f64
      scf.yield %sum : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}

// Dynamic params and a safety contract: the try wraps the state call and the
// decision tree.
// CHECK-LABEL: func.func @dynamic_safety
// CHECK:         approx.knob "dyn_guarded"
// CHECK-NEXT:    ^bb0(%[[A2:.+]]: memref<?xf64>, %[[N2:.+]]: index):
// CHECK-NEXT:      %[[T:.+]] = approx.try recover @exact_sum(%[[A2]], %[[N2]]) : (memref<?xf64>, index) -> f64 {
// CHECK-NEXT:        %[[S:.+]] = func.call @sum_state(%[[A2]], %[[N2]]) : (memref<?xf64>, index) -> index
// CHECK-NEXT:        %[[D:.+]] = approx.decision_tree(%[[S]] : index) runtime @sum_state thresholds [5] decisions [0, 1] transform loop_perforate -> f64 {
// CHECK-NEXT:          arith.constant 0 : index
// CHECK-NEXT:          arith.constant 1 : index
// CHECK-NEXT:          arith.constant 0.000000e+00 : f64
// CHECK-NEXT:          %[[SUM:.+]] = scf.for
// CHECK:               scf.yield
// CHECK-NEXT:          }
// CHECK-NEXT:          approx.yield %[[SUM]] : f64
// CHECK-NEXT:        }
// CHECK-NEXT:        approx.yield %[[D]] : f64
// CHECK-NEXT:      } check {
// CHECK-NEXT:      ^bb0(%[[V:.+]]: f64):
// CHECK-NEXT:        %[[OK:.+]] = func.call @check_sum(%[[A2]], %[[N2]], %[[V]]) : (memref<?xf64>, index, f64) -> i1
// CHECK-NEXT:        approx.yield %[[OK]] : i1
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[T]] : f64
// CHECK-NEXT:    }
func.func @dynamic_safety(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "dyn_guarded"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] state @sum_state thresholds 1 in [0, 100]
      decisions [0, 1]
      params <transform = loop_perforate, thresholds = [5], decisions = [0, 1]>
      check @check_sum recover @exact_sum {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %v = memref.load %a2[%i] : memref<?xf64>
      %sum = arith.addf %acc, %v : f64
      scf.yield %sum : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}

// Safety contract on a knob without operands or results: the check region has
// no arguments and the checker is called without arguments.
// CHECK-LABEL: func.func @safety_no_results
// CHECK-NEXT:    approx.knob "void"() : () -> () transforms [ml_surrogate] decisions [0, 1] params <transform = ml_surrogate, decisions = [1]> check @check_nothing recover @recover_nothing {
// CHECK-NEXT:      approx.try recover @recover_nothing() : () -> () {
// CHECK-NEXT:        approx.transform ml_surrogate 1{{$}}
// CHECK-NEXT:        approx.yield{{$}}
// CHECK-NEXT:      } check {
// CHECK-NEXT:        %[[OK:.+]] = func.call @check_nothing() : () -> i1
// CHECK-NEXT:        approx.yield %[[OK]] : i1
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @safety_no_results() {
  approx.knob "void"() : () -> () transforms [ml_surrogate] decisions [0, 1]
      params <transform = ml_surrogate, decisions = [1]>
      check @check_nothing recover @recover_nothing {
    approx.yield
  }
  return
}

// Knobs without params are exact and untouched, even with a state function or
// a safety contract.
// CHECK-LABEL: func.func @no_params
// CHECK-SAME:    (%[[X:.+]]: f64) -> f64
// CHECK-NEXT:    %[[R:.+]] = approx.knob "exact"(%[[X]]) : (f64) -> f64 transforms [func_substitute] state @get_state thresholds 1 in [0, 10] decisions [0, 1] check @check_score recover @bm25 {
// CHECK-NEXT:    ^bb0(%[[X2:.+]]: f64):
// CHECK-NEXT:      %[[Y:.+]] = func.call @bm25(%[[X2]]) : (f64) -> f64
// CHECK-NEXT:      approx.yield %[[Y]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    approx.knob "plain"() : () -> () transforms [ml_surrogate] decisions [0] {
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f64
func.func @no_params(%x: f64) -> f64 {
  %r = approx.knob "exact"(%x) : (f64) -> f64
      transforms [func_substitute] state @get_state thresholds 1 in [0, 10]
      decisions [0, 1] check @check_score recover @bm25 {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  approx.knob "plain"() : () -> () transforms [ml_surrogate] decisions [0] {
    approx.yield
  }
  return %r : f64
}

// A knob without params may already hold management ops: it is left alone.
// CHECK-LABEL: func.func @no_params_with_transform
// CHECK:         approx.knob "hand_written"
// CHECK-NEXT:    ^bb0(%[[X2:.+]]: f64):
// CHECK-NEXT:      approx.transform func_substitute 1{{$}}
// CHECK-NEXT:      func.call @bm25(%[[X2]])
// CHECK-NEXT:      approx.yield
func.func @no_params_with_transform(%x: f64) -> f64 {
  %r = approx.knob "hand_written"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1] {
  ^bb0(%x2: f64):
    approx.transform func_substitute 1
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}

// Nested knobs are handled independently: the outer one gets its transform,
// the inner one its decision tree.
// CHECK-LABEL: func.func @nested
// CHECK:         approx.knob "outer"
// CHECK-NEXT:    ^bb0(%[[X2:.+]]: f64, %[[C2:.+]]: i1):
// CHECK-NEXT:      approx.transform task_skipping 1{{$}}
// CHECK-NEXT:      %[[IF:.+]] = scf.if %[[C2]] -> (f64) {
// CHECK-NEXT:        %[[IN:.+]] = approx.knob "inner"(%[[X2]])
// CHECK-NEXT:        ^bb0(%[[X3:.+]]: f64):
// CHECK-NEXT:          %[[S:.+]] = func.call @get_i32_state() : () -> i32
// CHECK-NEXT:          %[[D:.+]] = approx.decision_tree(%[[S]] : i32) runtime @get_i32_state thresholds [-3] decisions [1, 0] transform func_substitute -> f64 {
// CHECK-NEXT:            %[[W:.+]] = func.call @bm25(%[[X3]]) : (f64) -> f64
// CHECK-NEXT:            approx.yield %[[W]] : f64
// CHECK-NEXT:          }
// CHECK-NEXT:          approx.yield %[[D]] : f64
// CHECK-NEXT:        }
// CHECK-NEXT:        scf.yield %[[IN]] : f64
// CHECK-NEXT:      } else {
// CHECK-NEXT:        scf.yield %[[X2]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[IF]] : f64
// CHECK-NEXT:    }
func.func @nested(%x: f64, %c: i1) -> f64 {
  %r = approx.knob "outer"(%x, %c) : (f64, i1) -> f64
      transforms [task_skipping] decisions [0, 1]
      params <transform = task_skipping, decisions = [1]> {
  ^bb0(%x2: f64, %c2: i1):
    %y = scf.if %c2 -> f64 {
      %z = approx.knob "inner"(%x2) : (f64) -> f64
          transforms [func_substitute] state @get_i32_state thresholds 1 in [-10, 10]
          decisions [0, 1]
          params <transform = func_substitute, thresholds = [-3], decisions = [1, 0]> {
      ^bb0(%x3: f64):
        %w = func.call @bm25(%x3) : (f64) -> f64
        approx.yield %w : f64
      }
      scf.yield %z : f64
    } else {
      scf.yield %x2 : f64
    }
    approx.yield %y : f64
  }
  return %r : f64
}
