// RUN: approx-opt %s --approx-lower-decision-tree | FileCheck %s

// approx-lower-decision-tree: the branch index is the number of thresholds
// <= state (signed), computed with one cmpi sge + select + addi per threshold;
// branches 0..n-1 become the cases of an scf.index_switch and the last branch
// its default, each a clone of the body starting with
// `approx.transform <kind> decisions[i]`.

func.func private @get_state() -> i64
func.func private @get_index_state() -> index
func.func private @get_i32_state() -> i32
func.func private @get_i8_state() -> i8
func.func private @get_i1_state() -> i1
func.func private @bm25(f64) -> f64
func.func private @work()

// Two thresholds, one result, inside a knob.
// CHECK-LABEL: func.func @two_thresholds
// CHECK:         approx.knob "tree_knob"
// CHECK-NEXT:    ^bb0(%[[X:.+]]: f64):
// CHECK-NEXT:      %[[S:.+]] = func.call @get_state() : () -> i64
// CHECK-NEXT:      %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:      %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:      %[[T0:.+]] = arith.constant 10 : i64
// CHECK-NEXT:      %[[GE0:.+]] = arith.cmpi sge, %[[S]], %[[T0]] : i64
// CHECK-NEXT:      %[[STEP0:.+]] = arith.select %[[GE0]], %[[C1]], %[[C0]] : index
// CHECK-NEXT:      %[[IDX0:.+]] = arith.addi %[[C0]], %[[STEP0]] : index
// CHECK-NEXT:      %[[T1:.+]] = arith.constant 50 : i64
// CHECK-NEXT:      %[[GE1:.+]] = arith.cmpi sge, %[[S]], %[[T1]] : i64
// CHECK-NEXT:      %[[STEP1:.+]] = arith.select %[[GE1]], %[[C1]], %[[C0]] : index
// CHECK-NEXT:      %[[IDX1:.+]] = arith.addi %[[IDX0]], %[[STEP1]] : index
// CHECK-NEXT:      %[[SW:.+]] = scf.index_switch %[[IDX1]] -> f64
// CHECK-NEXT:      case 0 {
// CHECK-NEXT:        approx.transform func_substitute 2{{$}}
// CHECK-NEXT:        %[[Y0:.+]] = func.call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:        scf.yield %[[Y0]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      case 1 {
// CHECK-NEXT:        approx.transform func_substitute 0{{$}}
// CHECK-NEXT:        %[[Y1:.+]] = func.call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:        scf.yield %[[Y1]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      default {
// CHECK-NEXT:        approx.transform func_substitute 1{{$}}
// CHECK-NEXT:        %[[Y2:.+]] = func.call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:        scf.yield %[[Y2]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[SW]] : f64
// CHECK-NEXT:    }
// CHECK-NOT:     approx.decision_tree
func.func @two_thresholds(%x: f64) -> f64 {
  %r = approx.knob "tree_knob"(%x) : (f64) -> f64
      transforms [func_substitute] state @get_state thresholds 2 in [0, 100]
      decisions [0, 1, 2] {
  ^bb0(%x2: f64):
    %s = func.call @get_state() : () -> i64
    %t = approx.decision_tree(%s : i64) runtime @get_state
        thresholds [10, 50] decisions [2, 0, 1] transform func_substitute -> f64 {
      %y = func.call @bm25(%x2) : (f64) -> f64
      approx.yield %y : f64
    }
    approx.yield %t : f64
  }
  return %r : f64
}

// Each branch gets its own clone of the body, nested regions included.
// CHECK-LABEL: func.func @loop_body_cloned
// CHECK-SAME:    (%[[A:.+]]: memref<?xf64>, %[[N:.+]]: index, %[[S:.+]]: i64) -> f64
// CHECK:         %[[IDX:.+]] = arith.addi
// CHECK-NEXT:    %[[SW:.+]] = scf.index_switch %[[IDX]] -> f64
// CHECK-NEXT:    case 0 {
// CHECK-NEXT:      approx.transform loop_perforate 0{{$}}
// CHECK-NEXT:      %[[Z0:.+]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:      %[[L0:.+]] = scf.for %[[I0:.+]] = %{{.+}} to %[[N]] step %{{.+}} iter_args(%[[ACC0:.+]] = %[[Z0]]) -> (f64) {
// CHECK-NEXT:        %[[V0:.+]] = memref.load %[[A]][%[[I0]]] : memref<?xf64>
// CHECK-NEXT:        %[[ADD0:.+]] = arith.addf %[[ACC0]], %[[V0]] : f64
// CHECK-NEXT:        scf.yield %[[ADD0]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[L0]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    default {
// CHECK-NEXT:      approx.transform loop_perforate 3{{$}}
// CHECK-NEXT:      %[[Z1:.+]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:      %[[L1:.+]] = scf.for %[[I1:.+]] = %{{.+}} to %[[N]] step %{{.+}} iter_args(%[[ACC1:.+]] = %[[Z1]]) -> (f64) {
// CHECK-NEXT:        %[[V1:.+]] = memref.load %[[A]][%[[I1]]] : memref<?xf64>
// CHECK-NEXT:        %[[ADD1:.+]] = arith.addf %[[ACC1]], %[[V1]] : f64
// CHECK-NEXT:        scf.yield %[[ADD1]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[L1]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[SW]] : f64
func.func @loop_body_cloned(%a: memref<?xf64>, %n: index, %s: i64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = approx.decision_tree(%s : i64) runtime @get_state
      thresholds [7] decisions [0, 3] transform loop_perforate -> f64 {
    %zero = arith.constant 0.0 : f64
    %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> f64 {
      %v = memref.load %a[%i] : memref<?xf64>
      %sum = arith.addf %acc, %v : f64
      scf.yield %sum : f64
    }
    approx.yield %r : f64
  }
  return %t : f64
}

// No thresholds: the index is the constant 0 and the switch has only its
// default region; no results and an index-typed state.
// CHECK-LABEL: func.func @zero_thresholds
// CHECK-SAME:    (%[[C:.+]]: i1)
// CHECK-NEXT:    %{{.+}} = call @get_index_state() : () -> index
// CHECK-NEXT:    %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:    %{{.+}} = arith.constant 1 : index
// CHECK-NEXT:    scf.index_switch %[[C0]]{{ *$}}
// CHECK-NEXT:    default {
// CHECK-NEXT:      approx.transform task_skipping 3{{$}}
// CHECK-NEXT:      scf.if %[[C]] {
// CHECK-NEXT:        func.call @work() : () -> ()
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @zero_thresholds(%c: i1) {
  %s = func.call @get_index_state() : () -> index
  approx.decision_tree(%s : index) runtime @get_index_state
      thresholds [] decisions [3] transform task_skipping {
    scf.if %c {
      func.call @work() : () -> ()
    }
    approx.yield
  }
  return
}

// Index-typed state compared with index constants; no results.
// CHECK-LABEL: func.func @index_state
// CHECK-SAME:    (%[[S:.+]]: index)
// CHECK-NEXT:    %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:    %[[T0:.+]] = arith.constant -2 : index
// CHECK-NEXT:    %[[GE0:.+]] = arith.cmpi sge, %[[S]], %[[T0]] : index
// CHECK-NEXT:    %[[STEP0:.+]] = arith.select %[[GE0]], %[[C1]], %[[C0]] : index
// CHECK-NEXT:    %[[IDX0:.+]] = arith.addi %[[C0]], %[[STEP0]] : index
// CHECK-NEXT:    %[[T1:.+]] = arith.constant 4 : index
// CHECK-NEXT:    %[[GE1:.+]] = arith.cmpi sge, %[[S]], %[[T1]] : index
// CHECK-NEXT:    %[[STEP1:.+]] = arith.select %[[GE1]], %[[C1]], %[[C0]] : index
// CHECK-NEXT:    %[[IDX1:.+]] = arith.addi %[[IDX0]], %[[STEP1]] : index
// CHECK-NEXT:    %[[T2:.+]] = arith.constant 9 : index
// CHECK-NEXT:    %[[GE2:.+]] = arith.cmpi sge, %[[S]], %[[T2]] : index
// CHECK-NEXT:    %[[STEP2:.+]] = arith.select %[[GE2]], %[[C1]], %[[C0]] : index
// CHECK-NEXT:    %[[IDX2:.+]] = arith.addi %[[IDX1]], %[[STEP2]] : index
// CHECK-NEXT:    scf.index_switch %[[IDX2]]{{ *$}}
// CHECK-NEXT:    case 0 {
// CHECK-NEXT:      approx.transform ml_surrogate 0{{$}}
// CHECK-NEXT:      func.call @work() : () -> ()
// CHECK-NEXT:      scf.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    case 1 {
// CHECK-NEXT:      approx.transform ml_surrogate 1{{$}}
// CHECK-NEXT:      func.call @work() : () -> ()
// CHECK-NEXT:      scf.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    case 2 {
// CHECK-NEXT:      approx.transform ml_surrogate 2{{$}}
// CHECK-NEXT:      func.call @work() : () -> ()
// CHECK-NEXT:      scf.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    default {
// CHECK-NEXT:      approx.transform ml_surrogate 4{{$}}
// CHECK-NEXT:      func.call @work() : () -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @index_state(%s: index) {
  approx.decision_tree(%s : index) runtime @get_index_state
      thresholds [-2, 4, 9] decisions [0, 1, 2, 4] transform ml_surrogate {
    func.call @work() : () -> ()
    approx.yield
  }
  return
}

// i32 state with a negative threshold; two results.
// CHECK-LABEL: func.func @i32_state
// CHECK-SAME:    (%[[X:.+]]: f64) -> (f64, f64)
// CHECK-NEXT:    %[[S:.+]] = call @get_i32_state() : () -> i32
// CHECK-NEXT:    %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:    %[[T0:.+]] = arith.constant -5 : i32
// CHECK-NEXT:    %[[GE0:.+]] = arith.cmpi sge, %[[S]], %[[T0]] : i32
// CHECK-NEXT:    %[[STEP0:.+]] = arith.select %[[GE0]], %[[C1]], %[[C0]] : index
// CHECK-NEXT:    %[[IDX0:.+]] = arith.addi %[[C0]], %[[STEP0]] : index
// CHECK-NEXT:    %[[SW:.+]]:2 = scf.index_switch %[[IDX0]] -> f64, f64
// CHECK-NEXT:    case 0 {
// CHECK-NEXT:      approx.transform ml_surrogate 1{{$}}
// CHECK-NEXT:      scf.yield %[[X]], %[[X]] : f64, f64
// CHECK-NEXT:    }
// CHECK-NEXT:    default {
// CHECK-NEXT:      approx.transform ml_surrogate 0{{$}}
// CHECK-NEXT:      scf.yield %[[X]], %[[X]] : f64, f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[SW]]#0, %[[SW]]#1 : f64, f64
func.func @i32_state(%x: f64) -> (f64, f64) {
  %s = func.call @get_i32_state() : () -> i32
  %t:2 = approx.decision_tree(%s : i32) runtime @get_i32_state
      thresholds [-5] decisions [1, 0] transform ml_surrogate -> f64, f64 {
    approx.yield %x, %x : f64, f64
  }
  return %t#0, %t#1 : f64, f64
}

// The extreme thresholds of an i8 state still fit.
// CHECK-LABEL: func.func @i8_bounds
// CHECK-SAME:    (%[[S:.+]]: i8)
// CHECK:         %[[T0:.+]] = arith.constant -128 : i8
// CHECK-NEXT:    arith.cmpi sge, %[[S]], %[[T0]] : i8
// CHECK:         %[[T1:.+]] = arith.constant 127 : i8
// CHECK-NEXT:    arith.cmpi sge, %[[S]], %[[T1]] : i8
// CHECK:         scf.index_switch
// CHECK-NEXT:    case 0 {
// CHECK:         case 1 {
// CHECK:         default {
func.func @i8_bounds(%s: i8) {
  approx.decision_tree(%s : i8) runtime @get_i8_state
      thresholds [-128, 127] decisions [1, 0, 2] transform ml_surrogate {
    approx.yield
  }
  return
}

// An i1 state holds -1 (true) and 0 (false), compared signed.
// CHECK-LABEL: func.func @i1_state
// CHECK-SAME:    (%[[S:.+]]: i1)
// CHECK:         %[[T0:.+]] = arith.constant true
// CHECK-NEXT:    arith.cmpi sge, %[[S]], %[[T0]] : i1
// CHECK:         %[[T1:.+]] = arith.constant false
// CHECK-NEXT:    arith.cmpi sge, %[[S]], %[[T1]] : i1
func.func @i1_state(%s: i1) {
  approx.decision_tree(%s : i1) runtime @get_i1_state
      thresholds [-1, 0] decisions [1, 0, 2] transform ml_surrogate {
    approx.yield
  }
  return
}

// Several trees in a function and a tree nested in another's body are all
// lowered.
// CHECK-LABEL: func.func @several_trees
// CHECK-NOT:     approx.decision_tree
// CHECK:         scf.index_switch
// CHECK:         default {
// CHECK-NEXT:      approx.transform ml_surrogate 1{{$}}
// CHECK:           scf.index_switch
// CHECK-NEXT:      default {
// CHECK-NEXT:        approx.transform ml_surrogate 2{{$}}
// CHECK:         scf.index_switch
// CHECK-NEXT:    default {
// CHECK-NEXT:      approx.transform ml_surrogate 3{{$}}
// CHECK-NOT:     approx.decision_tree
// CHECK:         return
func.func @several_trees(%s: i64) {
  approx.decision_tree(%s : i64) runtime @get_state
      thresholds [] decisions [1] transform ml_surrogate {
    approx.decision_tree(%s : i64) runtime @get_state
        thresholds [] decisions [2] transform ml_surrogate {
      approx.yield
    }
    approx.yield
  }
  approx.decision_tree(%s : i64) runtime @get_state
      thresholds [] decisions [3] transform ml_surrogate {
    approx.yield
  }
  return
}
