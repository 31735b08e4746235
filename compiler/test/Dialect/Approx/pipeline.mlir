// RUN: approx-opt %s --approx-apply-config=config=%inputs/pipeline-config.json --approx-pipeline | FileCheck %s
// RUN: approx-opt %s --approx-apply-config=config=%inputs/pipeline-config.json --approx-pipeline | FileCheck %s --check-prefix=NOAPPROX
// RUN: approx-opt %s --approx-apply-config=config=%inputs/pipeline-config.json --approx-pipeline=emit-c-interface=true | FileCheck %s --check-prefix=CIFACE

// End to end: the configuration from Inputs/pipeline-config.json, then
// --approx-pipeline (emit management, lower decision trees and try, apply
// transforms, finalize, canonicalize). No approx op is left; the checker and
// recover calls are those of the configured knobs only.

// NOAPPROX-NOT: approx.
// NOAPPROX-NOT: llvm.emit_c_interface

func.func private @get_state() -> i64
func.func private @score_state(f64) -> i32
func.func private @bm25(f64) -> f64
func.func private @approx_bm25_1(f64) -> f64
func.func private @approx_bm25_2(f64) -> f64
func.func private @check_sum(memref<?xf64>, index, f64) -> i1
func.func private @exact_sum(memref<?xf64>, index) -> f64
func.func private @check_score(f64, f64) -> i1

// Dynamic loop perforation with thresholds [20, 80] and decisions [0, 1, 2]:
// the branch index counts the thresholds reached by the state, each case runs
// the loop with step 1, 2 or 3.
// CHECK-LABEL: func.func @sum
// CHECK-SAME:    (%[[A:.+]]: memref<?xf64>, %[[N:.+]]: index) -> f64
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:     %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG:     %[[Z:.+]] = arith.constant 0.000000e+00 : f64
// CHECK-DAG:     %[[T20:.+]] = arith.constant 20 : i64
// CHECK-DAG:     %[[T80:.+]] = arith.constant 80 : i64
// CHECK:         %[[S:.+]] = call @get_state() : () -> i64
// CHECK-NEXT:    %[[GE20:.+]] = arith.cmpi sge, %[[S]], %[[T20]] : i64
// CHECK-NEXT:    %[[I20:.+]] = arith.select %[[GE20]], %[[C1]], %[[C0]] : index
// CHECK-NEXT:    %[[GE80:.+]] = arith.cmpi sge, %[[S]], %[[T80]] : i64
// CHECK-NEXT:    %[[I80:.+]] = arith.select %[[GE80]], %[[C1]], %[[C0]] : index
// CHECK-NEXT:    %[[IDX:.+]] = arith.addi %[[I20]], %[[I80]] : index
// CHECK-NEXT:    %[[SW:.+]] = scf.index_switch %[[IDX]] -> f64
// CHECK-NEXT:    case 0 {
// CHECK-NEXT:      %[[L0:.+]] = scf.for %[[I:.+]] = %[[C0]] to %[[N]] step %[[C1]] iter_args(%[[ACC:.+]] = %[[Z]]) -> (f64) {
// CHECK-NEXT:        %[[V:.+]] = memref.load %[[A]][%[[I]]] : memref<?xf64>
// CHECK-NEXT:        %[[ADD:.+]] = arith.addf %[[ACC]], %[[V]] : f64
// CHECK-NEXT:        scf.yield %[[ADD]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[L0]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    case 1 {
// CHECK-NEXT:      %[[L1:.+]] = scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[C2]] iter_args(%{{.+}} = %[[Z]]) -> (f64) {
// CHECK:           }
// CHECK-NEXT:      scf.yield %[[L1]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    default {
// CHECK-NEXT:      %[[L2:.+]] = scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[C3]] iter_args(%{{.+}} = %[[Z]]) -> (f64) {
// CHECK:           }
// CHECK-NEXT:      scf.yield %[[L2]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[SW]] : f64
func.func @sum(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "sum_loop"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] state @get_state thresholds 2 in [0, 100]
      decisions [0, 1, 2] {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %x = memref.load %a2[%i] : memref<?xf64>
      %y = arith.addf %acc, %x : f64
      scf.yield %y : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}

// Static function substitution with value 2.
// CHECK-LABEL: func.func @score
// CHECK-SAME:    (%[[X:.+]]: f64) -> f64
// CHECK-NEXT:    %[[Y:.+]] = call @approx_bm25_2(%[[X]]) : (f64) -> f64
// CHECK-NEXT:    return %[[Y]] : f64
func.func @score(%x: f64) -> f64 {
  %r = approx.knob "score_call"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1, 2] {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}

// Static loop perforation (value 3: step 4) under a safety contract: the
// checker sees the operands and the approximate sum; when it rejects it,
// @exact_sum recomputes the result.
// CHECK-LABEL: func.func @guarded_sum
// CHECK-SAME:    (%[[A:.+]]: memref<?xf64>, %[[N:.+]]: index) -> f64
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG:     %[[Z:.+]] = arith.constant 0.000000e+00 : f64
// CHECK:         %[[L:.+]] = scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[C4]] iter_args(%{{.+}} = %[[Z]]) -> (f64) {
// CHECK:         }
// CHECK-NEXT:    %[[OK:.+]] = call @check_sum(%[[A]], %[[N]], %[[L]]) : (memref<?xf64>, index, f64) -> i1
// CHECK-NEXT:    %[[R:.+]] = scf.if %[[OK]] -> (f64) {
// CHECK-NEXT:      scf.yield %[[L]] : f64
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[E:.+]] = func.call @exact_sum(%[[A]], %[[N]]) : (memref<?xf64>, index) -> f64
// CHECK-NEXT:      scf.yield %[[E]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f64
func.func @guarded_sum(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "guarded_sum"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] decisions [0, 1, 3]
      check @check_sum recover @exact_sum {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %x = memref.load %a2[%i] : memref<?xf64>
      %y = arith.addf %acc, %x : f64
      scf.yield %y : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}

// Dynamic function substitution under a safety contract; the state function
// takes the knob's operand. The configuration leaves out the transform kind
// (the knob allows only one).
// CHECK-LABEL: func.func @guarded_score
// CHECK-SAME:    (%[[X:.+]]: f64) -> f64
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[T50:.+]] = arith.constant 50 : i32
// CHECK:         %[[S:.+]] = call @score_state(%[[X]]) : (f64) -> i32
// CHECK-NEXT:    %[[GE:.+]] = arith.cmpi sge, %[[S]], %[[T50]] : i32
// CHECK-NEXT:    %[[IDX:.+]] = arith.select %[[GE]], %[[C1]], %[[C0]] : index
// CHECK-NEXT:    %[[SW:.+]] = scf.index_switch %[[IDX]] -> f64
// CHECK-NEXT:    case 0 {
// CHECK-NEXT:      %[[Y0:.+]] = func.call @approx_bm25_1(%[[X]]) : (f64) -> f64
// CHECK-NEXT:      scf.yield %[[Y0]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    default {
// CHECK-NEXT:      %[[Y1:.+]] = func.call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:      scf.yield %[[Y1]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[OK:.+]] = call @check_score(%[[X]], %[[SW]]) : (f64, f64) -> i1
// CHECK-NEXT:    %[[R:.+]] = scf.if %[[OK]] -> (f64) {
// CHECK-NEXT:      scf.yield %[[SW]] : f64
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[E:.+]] = func.call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:      scf.yield %[[E]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : f64
func.func @guarded_score(%x: f64) -> f64 {
  %r = approx.knob "guarded_score"(%x) : (f64) -> f64
      transforms [func_substitute] state @score_state thresholds 1 in [0, 100]
      decisions [0, 1] check @check_score recover @bm25 {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}

// A knob with a safety contract but no params is exact: its body is inlined
// as is, the checker and the recover function are not called.
// CHECK-LABEL: func.func @unconfigured_guarded
// CHECK-SAME:    (%[[X:.+]]: f64) -> f64
// CHECK-NEXT:    %[[Y:.+]] = call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:    %[[Z:.+]] = arith.mulf %[[Y]], %[[X]] : f64
// CHECK-NEXT:    return %[[Z]] : f64
func.func @unconfigured_guarded(%x: f64) -> f64 {
  %r = approx.knob "unconfigured_guarded"(%x) : (f64) -> f64
      transforms [func_substitute] state @score_state thresholds 1 in [0, 100]
      decisions [0, 1] check @check_score recover @bm25 {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    %z = arith.mulf %y, %x2 : f64
    approx.yield %z : f64
  }
  return %r : f64
}

// emit-c-interface marks the public functions, not the declarations.
// CIFACE-DAG: func.func private @bm25(f64) -> f64{{$}}
// CIFACE-DAG: func.func private @exact_sum(memref<?xf64>, index) -> f64{{$}}
// CIFACE-DAG: func.func @sum(%{{.+}}: memref<?xf64>, %{{.+}}: index) -> f64 attributes {llvm.emit_c_interface} {
// CIFACE-DAG: func.func @score(%{{.+}}: f64) -> f64 attributes {llvm.emit_c_interface} {
// CIFACE-DAG: func.func @guarded_sum(%{{.+}}: memref<?xf64>, %{{.+}}: index) -> f64 attributes {llvm.emit_c_interface} {
// CIFACE-DAG: func.func @guarded_score(%{{.+}}: f64) -> f64 attributes {llvm.emit_c_interface} {
// CIFACE-DAG: func.func @unconfigured_guarded(%{{.+}}: f64) -> f64 attributes {llvm.emit_c_interface} {
