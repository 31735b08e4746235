// RUN: approx-opt %s --approx-apply-transforms | FileCheck %s

// approx-apply-transforms: each approx.transform rewrites the first matching
// op of the region that holds it (program order, outer before inner) and is
// erased; value 0 is exact and only erases the transform.

func.func private @work(index)
func.func private @bm25(f64) -> f64
func.func private @approx_bm25_1(f64) -> f64
func.func private @approx_bm25_2(f64) -> f64
func.func private @task_a() -> i32
func.func private @task_b() -> i32
func.func private @task_c() -> i32
func.func private @task()

//===----------------------------------------------------------------------===//
// loop_perforate
//===----------------------------------------------------------------------===//

// Only the first scf.for (the outer one) has its step multiplied by v + 1;
// its iter_args and body, the nested loop and the later loop are unchanged.
// CHECK-LABEL: func.func @perforate_first_loop
// CHECK:         approx.knob "sum"
// CHECK-NEXT:    ^bb0(%[[A:.+]]: memref<?xf64>, %[[N:.+]]: index):
// CHECK-NEXT:      %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:      %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:      %[[Z:.+]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:      %[[F:.+]] = arith.constant 3 : index
// CHECK-NEXT:      %[[STEP:.+]] = arith.muli %[[C1]], %[[F]] : index
// CHECK-NEXT:      %[[S:.+]] = scf.for %[[I:.+]] = %[[C0]] to %[[N]] step %[[STEP]] iter_args(%[[ACC:.+]] = %[[Z]]) -> (f64) {
// CHECK-NEXT:        %[[T:.+]] = scf.for %[[J:.+]] = %[[C0]] to %[[N]] step %[[C1]] iter_args(%[[ACC2:.+]] = %[[ACC]]) -> (f64) {
// CHECK-NEXT:          %[[V:.+]] = memref.load %[[A]][%[[J]]] : memref<?xf64>
// CHECK-NEXT:          %[[ADD:.+]] = arith.addf %[[ACC2]], %[[V]] : f64
// CHECK-NEXT:          scf.yield %[[ADD]] : f64
// CHECK-NEXT:        }
// CHECK-NEXT:        scf.yield %[[T]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.for %[[K:.+]] = %[[C0]] to %[[N]] step %[[C1]] {
// CHECK-NEXT:        func.call @work(%[[K]]) : (index) -> ()
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[S]] : f64
// CHECK-NEXT:    }
// CHECK-NOT:     approx.transform
func.func @perforate_first_loop(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "sum"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] decisions [0, 2] {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    approx.transform loop_perforate 2
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %t = scf.for %j = %c0 to %n2 step %c1 iter_args(%acc2 = %acc) -> f64 {
        %v = memref.load %a2[%j] : memref<?xf64>
        %sum = arith.addf %acc2, %v : f64
        scf.yield %sum : f64
      }
      scf.yield %t : f64
    }
    scf.for %k = %c0 to %n2 step %c1 {
      func.call @work(%k) : (index) -> ()
    }
    approx.yield %s : f64
  }
  return %r : f64
}

// Program order, outer before inner: a loop nested in an earlier scf.if comes
// before a later top-level loop. The transform may follow the loop and sit
// outside any knob.
// CHECK-LABEL: func.func @perforate_program_order
// CHECK-SAME:    (%[[P:.+]]: i1, %[[N:.+]]: index)
// CHECK-NEXT:    %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:    scf.if %[[P]] {
// CHECK-NEXT:      %[[F:.+]] = arith.constant 2 : index
// CHECK-NEXT:      %[[STEP:.+]] = arith.muli %[[C1]], %[[F]] : index
// CHECK-NEXT:      scf.for %[[I:.+]] = %[[C0]] to %[[N]] step %[[STEP]] {
// CHECK-NEXT:        func.call @work(%[[I]]) : (index) -> ()
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    scf.for %[[J:.+]] = %[[C0]] to %[[N]] step %[[C1]] {
// CHECK-NEXT:      func.call @work(%[[J]]) : (index) -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @perforate_program_order(%p: i1, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.if %p {
    scf.for %i = %c0 to %n step %c1 {
      func.call @work(%i) : (index) -> ()
    }
  }
  scf.for %j = %c0 to %n step %c1 {
    func.call @work(%j) : (index) -> ()
  }
  approx.transform loop_perforate 1
  return
}

// An integer-typed loop: the factor has the step's type.
// CHECK-LABEL: func.func @perforate_i32
// CHECK-SAME:    (%[[LB:.+]]: i32, %[[UB:.+]]: i32, %[[ST:.+]]: i32)
// CHECK-NEXT:    %[[F:.+]] = arith.constant 5 : i32
// CHECK-NEXT:    %[[STEP:.+]] = arith.muli %[[ST]], %[[F]] : i32
// CHECK-NEXT:    scf.for %{{.+}} = %[[LB]] to %[[UB]] step %[[STEP]] : i32 {
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @perforate_i32(%lb: i32, %ub: i32, %st: i32) {
  scf.for %i = %lb to %ub step %st : i32 {
  }
  approx.transform loop_perforate 4
  return
}

//===----------------------------------------------------------------------===//
// Value 0 is exact
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @exact_values
// CHECK-SAME:    (%[[X:.+]]: f64, %[[N:.+]]: index, %[[P:.+]]: i1) -> f64
// CHECK-NEXT:    %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:    scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[C1]] {
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[Y:.+]] = call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:    scf.if %[[P]] {
// CHECK-NEXT:      func.call @task() : () -> ()
// CHECK-NEXT:    } else {
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[Y]] : f64
func.func @exact_values(%x: f64, %n: index, %p: i1) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
  }
  approx.transform loop_perforate 0
  %y = func.call @bm25(%x) : (f64) -> f64
  approx.transform func_substitute 0
  scf.if %p {
    func.call @task() : () -> ()
  } else {
  }
  approx.transform task_skipping 0
  approx.transform ml_surrogate 0
  return %y : f64
}

//===----------------------------------------------------------------------===//
// func_substitute
//===----------------------------------------------------------------------===//

// Only the first call is retargeted to @approx_<callee>_<v>.
// CHECK-LABEL: func.func @substitute_first_call
// CHECK:         approx.knob "score"
// CHECK-NEXT:    ^bb0(%[[X:.+]]: f64):
// CHECK-NEXT:      %[[Y:.+]] = func.call @approx_bm25_2(%[[X]]) : (f64) -> f64
// CHECK-NEXT:      %[[Z:.+]] = func.call @bm25(%[[Y]]) : (f64) -> f64
// CHECK-NEXT:      approx.yield %[[Z]] : f64
// CHECK-NEXT:    }
func.func @substitute_first_call(%x: f64) -> f64 {
  %r = approx.knob "score"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1, 2] {
  ^bb0(%x2: f64):
    approx.transform func_substitute 2
    %y = func.call @bm25(%x2) : (f64) -> f64
    %z = func.call @bm25(%y) : (f64) -> f64
    approx.yield %z : f64
  }
  return %r : f64
}

// A call nested in a loop is found too; no knob needed.
// CHECK-LABEL: func.func @substitute_nested_call
// CHECK:         scf.for
// CHECK-NEXT:      %{{.+}} = func.call @approx_bm25_1(%{{.+}}) : (f64) -> f64
// CHECK:         return
func.func @substitute_nested_call(%x: f64, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %y = func.call @bm25(%x) : (f64) -> f64
  }
  approx.transform func_substitute 1
  return
}

//===----------------------------------------------------------------------===//
// task_skipping
//===----------------------------------------------------------------------===//

// An if / else-if / else chain with results: value v keeps the v-th branch
// and drops the conditions' control flow.
// CHECK-LABEL: func.func @skip_chain_1
// CHECK-SAME:    (%[[X:.+]]: i32) -> i32
// CHECK-NEXT:    %[[C10:.+]] = arith.constant 10 : i32
// CHECK-NEXT:    %[[C20:.+]] = arith.constant 20 : i32
// CHECK-NEXT:    %{{.+}} = arith.cmpi sle, %[[X]], %[[C10]] : i32
// CHECK-NEXT:    %[[V:.+]] = call @task_a() : () -> i32
// CHECK-NEXT:    return %[[V]] : i32
func.func @skip_chain_1(%x: i32) -> i32 {
  %c10 = arith.constant 10 : i32
  %c20 = arith.constant 20 : i32
  %p = arith.cmpi sle, %x, %c10 : i32
  %r = scf.if %p -> i32 {
    %v = func.call @task_a() : () -> i32
    scf.yield %v : i32
  } else {
    %q = arith.cmpi sle, %x, %c20 : i32
    %s = scf.if %q -> i32 {
      %v = func.call @task_b() : () -> i32
      scf.yield %v : i32
    } else {
      %v = func.call @task_c() : () -> i32
      scf.yield %v : i32
    }
    scf.yield %s : i32
  }
  approx.transform task_skipping 1
  return %r : i32
}

// The second branch: the else block's condition computation is kept (dead).
// CHECK-LABEL: func.func @skip_chain_2
// CHECK-SAME:    (%[[X:.+]]: i32) -> i32
// CHECK-NEXT:    %[[C10:.+]] = arith.constant 10 : i32
// CHECK-NEXT:    %[[C20:.+]] = arith.constant 20 : i32
// CHECK-NEXT:    %{{.+}} = arith.cmpi sle, %[[X]], %[[C10]] : i32
// CHECK-NEXT:    %{{.+}} = arith.cmpi sle, %[[X]], %[[C20]] : i32
// CHECK-NEXT:    %[[V:.+]] = call @task_b() : () -> i32
// CHECK-NEXT:    return %[[V]] : i32
func.func @skip_chain_2(%x: i32) -> i32 {
  %c10 = arith.constant 10 : i32
  %c20 = arith.constant 20 : i32
  %p = arith.cmpi sle, %x, %c10 : i32
  %r = scf.if %p -> i32 {
    %v = func.call @task_a() : () -> i32
    scf.yield %v : i32
  } else {
    %q = arith.cmpi sle, %x, %c20 : i32
    %s = scf.if %q -> i32 {
      %v = func.call @task_b() : () -> i32
      scf.yield %v : i32
    } else {
      %v = func.call @task_c() : () -> i32
      scf.yield %v : i32
    }
    scf.yield %s : i32
  }
  approx.transform task_skipping 2
  return %r : i32
}

// The last else.
// CHECK-LABEL: func.func @skip_chain_3
// CHECK-SAME:    (%[[X:.+]]: i32) -> i32
// CHECK-NEXT:    %[[C10:.+]] = arith.constant 10 : i32
// CHECK-NEXT:    %[[C20:.+]] = arith.constant 20 : i32
// CHECK-NEXT:    %{{.+}} = arith.cmpi sle, %[[X]], %[[C10]] : i32
// CHECK-NEXT:    %{{.+}} = arith.cmpi sle, %[[X]], %[[C20]] : i32
// CHECK-NEXT:    %[[V:.+]] = call @task_c() : () -> i32
// CHECK-NEXT:    return %[[V]] : i32
func.func @skip_chain_3(%x: i32) -> i32 {
  %c10 = arith.constant 10 : i32
  %c20 = arith.constant 20 : i32
  %p = arith.cmpi sle, %x, %c10 : i32
  %r = scf.if %p -> i32 {
    %v = func.call @task_a() : () -> i32
    scf.yield %v : i32
  } else {
    %q = arith.cmpi sle, %x, %c20 : i32
    %s = scf.if %q -> i32 {
      %v = func.call @task_b() : () -> i32
      scf.yield %v : i32
    } else {
      %v = func.call @task_c() : () -> i32
      scf.yield %v : i32
    }
    scf.yield %s : i32
  }
  approx.transform task_skipping 3
  return %r : i32
}

// An else block that does more than forward an inner scf.if is a single
// branch: a two-branch chain, whose second branch is the whole else block.
// CHECK-LABEL: func.func @skip_not_a_chain
// CHECK-SAME:    (%[[P:.+]]: i1, %[[Q:.+]]: i1)
// CHECK-NEXT:    scf.if %[[Q]] {
// CHECK-NEXT:      func.call @task() : () -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    %{{.+}} = call @task_c() : () -> i32
// CHECK-NEXT:    return
func.func @skip_not_a_chain(%p: i1, %q: i1) {
  scf.if %p {
    %v = func.call @task_a() : () -> i32
  } else {
    scf.if %q {
      func.call @task() : () -> ()
    }
    %v = func.call @task_c() : () -> i32
  }
  approx.transform task_skipping 2
  return
}

// scf.index_switch: the cases in order, then the default.
// CHECK-LABEL: func.func @skip_switch_case_1
// CHECK-NEXT:    %[[V:.+]] = call @task_a() : () -> i32
// CHECK-NEXT:    return %[[V]] : i32
func.func @skip_switch_case_1(%k: index) -> i32 {
  %r = scf.index_switch %k -> i32
  case 3 {
    %v = func.call @task_a() : () -> i32
    scf.yield %v : i32
  }
  case 7 {
    %v = func.call @task_b() : () -> i32
    scf.yield %v : i32
  }
  default {
    %v = func.call @task_c() : () -> i32
    scf.yield %v : i32
  }
  approx.transform task_skipping 1
  return %r : i32
}

// CHECK-LABEL: func.func @skip_switch_case_2
// CHECK-NEXT:    %[[V:.+]] = call @task_b() : () -> i32
// CHECK-NEXT:    return %[[V]] : i32
func.func @skip_switch_case_2(%k: index) -> i32 {
  %r = scf.index_switch %k -> i32
  case 3 {
    %v = func.call @task_a() : () -> i32
    scf.yield %v : i32
  }
  case 7 {
    %v = func.call @task_b() : () -> i32
    scf.yield %v : i32
  }
  default {
    %v = func.call @task_c() : () -> i32
    scf.yield %v : i32
  }
  approx.transform task_skipping 2
  return %r : i32
}

// CHECK-LABEL: func.func @skip_switch_default
// CHECK-NEXT:    %[[V:.+]] = call @task_c() : () -> i32
// CHECK-NEXT:    return %[[V]] : i32
func.func @skip_switch_default(%k: index) -> i32 {
  %r = scf.index_switch %k -> i32
  case 3 {
    %v = func.call @task_a() : () -> i32
    scf.yield %v : i32
  }
  case 7 {
    %v = func.call @task_b() : () -> i32
    scf.yield %v : i32
  }
  default {
    %v = func.call @task_c() : () -> i32
    scf.yield %v : i32
  }
  approx.transform task_skipping 3
  return %r : i32
}

// An scf.if without else: v = 1 always runs the work, v = 2 removes it.
// CHECK-LABEL: func.func @skip_if_without_else_1
// CHECK-NEXT:    call @task() : () -> ()
// CHECK-NEXT:    return
func.func @skip_if_without_else_1(%p: i1) {
  scf.if %p {
    func.call @task() : () -> ()
  }
  approx.transform task_skipping 1
  return
}

// CHECK-LABEL: func.func @skip_if_without_else_2
// CHECK-NEXT:    return
func.func @skip_if_without_else_2(%p: i1) {
  scf.if %p {
    func.call @task() : () -> ()
  }
  approx.transform task_skipping 2
  return
}

// In a knob: the first branch op in program order is the target, nested
// branches inside the kept branch stay.
// CHECK-LABEL: func.func @skip_in_knob
// CHECK:         approx.knob "skip"
// CHECK-NEXT:    ^bb0(%[[P:.+]]: i1, %[[Q:.+]]: i1):
// CHECK-NEXT:      scf.if %[[Q]] {
// CHECK-NEXT:        func.call @task() : () -> ()
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.if %[[P]] {
// CHECK-NEXT:        func.call @task() : () -> ()
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
func.func @skip_in_knob(%p: i1, %q: i1) {
  approx.knob "skip"(%p, %q) : (i1, i1) -> () transforms [task_skipping]
      decisions [0, 1] {
  ^bb0(%p2: i1, %q2: i1):
    approx.transform task_skipping 1
    scf.if %p2 {
      scf.if %q2 {
        func.call @task() : () -> ()
      }
    } else {
      func.call @task_a() : () -> i32
    }
    scf.if %p2 {
      func.call @task() : () -> ()
    }
    approx.yield
  }
  return
}

//===----------------------------------------------------------------------===//
// Transforms in the cases of a lowered decision tree
//===----------------------------------------------------------------------===//

// Each transform applies to its own case region only.
// CHECK-LABEL: func.func @transforms_per_case
// CHECK-SAME:    (%[[K:.+]]: index, %[[N:.+]]: index)
// CHECK-NEXT:    %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:    scf.index_switch %[[K]]
// CHECK-NEXT:    case 0 {
// CHECK-NEXT:      scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[C1]] {
// CHECK:           }
// CHECK-NEXT:      scf.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    case 1 {
// CHECK-NEXT:      %[[F1:.+]] = arith.constant 2 : index
// CHECK-NEXT:      %[[S1:.+]] = arith.muli %[[C1]], %[[F1]] : index
// CHECK-NEXT:      scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[S1]] {
// CHECK:           }
// CHECK-NEXT:      scf.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    default {
// CHECK-NEXT:      %[[F2:.+]] = arith.constant 4 : index
// CHECK-NEXT:      %[[S2:.+]] = arith.muli %[[C1]], %[[F2]] : index
// CHECK-NEXT:      scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[S2]] {
// CHECK:           }
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @transforms_per_case(%k: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.index_switch %k
  case 0 {
    approx.transform loop_perforate 0
    scf.for %i = %c0 to %n step %c1 {
      func.call @work(%i) : (index) -> ()
    }
    scf.yield
  }
  case 1 {
    approx.transform loop_perforate 1
    scf.for %i = %c0 to %n step %c1 {
      func.call @work(%i) : (index) -> ()
    }
    scf.yield
  }
  default {
    approx.transform loop_perforate 3
    scf.for %i = %c0 to %n step %c1 {
      func.call @work(%i) : (index) -> ()
    }
  }
  return
}

//===----------------------------------------------------------------------===//
// Appendix C of the paper
//===----------------------------------------------------------------------===//

// C.1 Function substitution: with value 2 the call of @base is retargeted to
// @approx_base_2; the variants and @base are untouched.
func.func @approx_base_1(%arg0: i32, %arg1: i32) -> i32 attributes {llvm.linkage = #llvm.linkage<external>} {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c0_i32 = arith.constant 0 : i32
  %0 = arith.index_cast %arg0 : i32 to index
  %1 = scf.for %arg2 = %c1 to %0 step %c2 iter_args(%arg3 = %c0_i32) -> (i32) {
    %2 = arith.index_cast %arg2 : index to i32
    %3 = arith.muli %2, %arg1 : i32
    %4 = arith.addi %arg3, %3 : i32
    scf.yield %4 : i32
  }
  return %1 : i32
}

func.func @approx_base_2(%arg0: i32, %arg1: i32) -> i32 attributes {llvm.linkage = #llvm.linkage<external>} {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c0_i32 = arith.constant 0 : i32
  %0 = arith.index_cast %arg0 : i32 to index
  %1 = scf.for %arg2 = %c1 to %0 step %c2 iter_args(%arg3 = %c0_i32) -> (i32) {
    %2 = arith.index_cast %arg2 : index to i32
    %3 = arith.muli %2, %arg1 : i32
    %4 = arith.addi %arg3, %3 : i32
    scf.yield %4 : i32
  }
  return %1 : i32
}

func.func @base(%arg0: i32, %arg1: i32) -> i32 attributes {llvm.linkage = #llvm.linkage<external>} {
  %c1 = arith.constant 1 : index
  %c0_i32 = arith.constant 0 : i32
  %0 = arith.index_cast %arg0 : i32 to index
  %1 = scf.for %arg2 = %c1 to %0 step %c1 iter_args(%arg3 = %c0_i32) -> (i32) {
    %2 = arith.index_cast %arg2 : index to i32
    %3 = arith.muli %2, %arg1 : i32
    %4 = arith.addi %arg3, %3 : i32
    scf.yield %4 : i32
  }
  return %1 : i32
}

// CHECK-LABEL: func.func @c1_function_substitution
// CHECK-SAME:    (%[[A0:.+]]: i32, %[[A1:.+]]: i32) -> i32
// CHECK-NEXT:    %[[R:.+]] = approx.knob "c1_base"(%[[A0]], %[[A1]]) : (i32, i32) -> i32 transforms [func_substitute] decisions [0, 1, 2] {
// CHECK-NEXT:    ^bb0(%[[B0:.+]]: i32, %[[B1:.+]]: i32):
// CHECK-NEXT:      %[[V:.+]] = func.call @approx_base_2(%[[B0]], %[[B1]]) : (i32, i32) -> i32
// CHECK-NEXT:      approx.yield %[[V]] : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : i32
func.func @c1_function_substitution(%arg0: i32, %arg1: i32) -> i32 {
  %r = approx.knob "c1_base"(%arg0, %arg1) : (i32, i32) -> i32
      transforms [func_substitute] decisions [0, 1, 2] {
  ^bb0(%a0: i32, %a1: i32):
    approx.transform func_substitute 2
    %7 = func.call @base(%a0, %a1) : (i32, i32) -> i32
    approx.yield %7 : i32
  }
  return %r : i32
}

// C.2 Loop perforation of @base's loop: value 1 doubles the step, the body and
// the loop-carried value are unchanged.
// CHECK-LABEL: func.func @c2_loop_perforation
// CHECK-SAME:    (%[[A0:.+]]: i32, %[[A1:.+]]: i32) -> i32
// CHECK:         approx.knob "c2_base"
// CHECK-NEXT:    ^bb0(%[[B0:.+]]: i32, %[[B1:.+]]: i32):
// CHECK-NEXT:      %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:      %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK-NEXT:      %[[UB:.+]] = arith.index_cast %[[B0]] : i32 to index
// CHECK-NEXT:      %[[F:.+]] = arith.constant 2 : index
// CHECK-NEXT:      %[[STEP:.+]] = arith.muli %[[C1]], %[[F]] : index
// CHECK-NEXT:      %[[L:.+]] = scf.for %[[I:.+]] = %[[C1]] to %[[UB]] step %[[STEP]] iter_args(%[[ACC:.+]] = %[[ZERO]]) -> (i32) {
// CHECK-NEXT:        %[[IC:.+]] = arith.index_cast %[[I]] : index to i32
// CHECK-NEXT:        %[[M:.+]] = arith.muli %[[IC]], %[[B1]] : i32
// CHECK-NEXT:        %[[ADD:.+]] = arith.addi %[[ACC]], %[[M]] : i32
// CHECK-NEXT:        scf.yield %[[ADD]] : i32
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[L]] : i32
// CHECK-NEXT:    }
func.func @c2_loop_perforation(%arg0: i32, %arg1: i32) -> i32 attributes {llvm.linkage = #llvm.linkage<external>} {
  %r = approx.knob "c2_base"(%arg0, %arg1) : (i32, i32) -> i32
      transforms [loop_perforate] decisions [0, 1] {
  ^bb0(%a0: i32, %a1: i32):
    approx.transform loop_perforate 1
    %c1 = arith.constant 1 : index
    %c0_i32 = arith.constant 0 : i32
    %0 = arith.index_cast %a0 : i32 to index
    %1 = scf.for %arg2 = %c1 to %0 step %c1 iter_args(%arg3 = %c0_i32) -> (i32) {
      %2 = arith.index_cast %arg2 : index to i32
      %3 = arith.muli %2, %a1 : i32
      %4 = arith.addi %arg3, %3 : i32
      scf.yield %4 : i32
    }
    approx.yield %1 : i32
  }
  return %r : i32
}

// C.3 Task skipping: with value 2 only the call of @v2_impl remains of the
// if / else-if / else chain (the comparisons are left dead).
func.func private @v1_impl(i32, memref<?xi32>, i32)
func.func private @v2_impl(i32, memref<?xi32>, i32)
func.func private @v3_impl(i32, memref<?xi32>, i32)

// CHECK-LABEL: func.func @c3_task_skipping
// CHECK-SAME:    (%[[A0:.+]]: i32, %[[A1:.+]]: memref<?xi32>, %[[A2:.+]]: i32)
// CHECK-NEXT:    approx.knob "c3_base"(%[[A0]], %[[A1]], %[[A2]]) : (i32, memref<?xi32>, i32) -> () transforms [task_skipping] decisions [0, 1, 2, 3] {
// CHECK-NEXT:    ^bb0(%[[B0:.+]]: i32, %[[B1:.+]]: memref<?xi32>, %[[B2:.+]]: i32):
// CHECK-NEXT:      %[[C20:.+]] = arith.constant 20 : i32
// CHECK-NEXT:      %[[C10:.+]] = arith.constant 10 : i32
// CHECK-NEXT:      %{{.+}} = arith.cmpi sle, %[[B0]], %[[C10]] : i32
// CHECK-NEXT:      %{{.+}} = arith.cmpi sle, %[[B0]], %[[C20]] : i32
// CHECK-NEXT:      func.call @v2_impl(%[[B0]], %[[B1]], %[[B2]]) : (i32, memref<?xi32>, i32) -> ()
// CHECK-NEXT:      approx.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    return
// CHECK-NOT:     @v1_impl(
// CHECK-NOT:     @v3_impl(
func.func @c3_task_skipping(%arg0: i32, %arg1: memref<?xi32>, %arg2: i32) attributes {llvm.linkage = #llvm.linkage<external>} {
  approx.knob "c3_base"(%arg0, %arg1, %arg2) : (i32, memref<?xi32>, i32) -> ()
      transforms [task_skipping] decisions [0, 1, 2, 3] {
  ^bb0(%a0: i32, %a1: memref<?xi32>, %a2: i32):
    approx.transform task_skipping 2
    %c20_i32 = arith.constant 20 : i32
    %c10_i32 = arith.constant 10 : i32
    %0 = arith.cmpi sle, %a0, %c10_i32 : i32
    scf.if %0 {
      func.call @v1_impl(%a0, %a1, %a2) : (i32, memref<?xi32>, i32) -> ()
    } else {
      %1 = arith.cmpi sle, %a0, %c20_i32 : i32
      scf.if %1 {
        func.call @v2_impl(%a0, %a1, %a2) : (i32, memref<?xi32>, i32) -> ()
      } else {
        func.call @v3_impl(%a0, %a1, %a2) : (i32, memref<?xi32>, i32) -> ()
      }
    }
    approx.yield
  }
  return
}

// The C frontend keeps an annotated function's exact body as @__internal_f;
// its variants are named after f.
func.func private @__internal_score(f64) -> f64
func.func private @approx_score_2(f64) -> f64
// CHECK-LABEL: func.func @internal_prefix
// CHECK:         call @approx_score_2(%{{.+}}) : (f64) -> f64
func.func @internal_prefix(%x: f64) -> f64 {
  approx.transform func_substitute 2
  %r = func.call @__internal_score(%x) : (f64) -> f64
  return %r : f64
}

// ml_surrogate picks the model of the region's approx.ml_region; value 0
// (exact) is kept as model_choice -1 instead of being dropped.
// CHECK-LABEL: func.func @ml_surrogate_model
// CHECK-NOT: approx.transform
// CHECK: approx.ml_region infer arrays(%{{.*}} : memref<?xf64>) bounds() spec "region a f.c:1\0A" {
// CHECK: } {model_choice = 2 : i64}
// CHECK: approx.ml_region infer arrays(%{{.*}} : memref<?xf64>) bounds() spec "region b f.c:2\0A" {
// CHECK: } {model_choice = -1 : i64}
func.func @ml_surrogate_model(%x: memref<?xf64>) {
  approx.knob "surrogate_a"(%x) : (memref<?xf64>) -> () transforms [ml_surrogate] decisions [0, 1, 2] {
  ^bb0(%a: memref<?xf64>):
    approx.transform ml_surrogate 2
    approx.ml_region infer arrays(%a : memref<?xf64>) bounds() spec "region a f.c:1\n" {
    }
    approx.yield
  }
  approx.knob "surrogate_b"(%x) : (memref<?xf64>) -> () transforms [ml_surrogate] decisions [0, 1] {
  ^bb0(%b: memref<?xf64>):
    approx.transform ml_surrogate 0
    approx.ml_region infer arrays(%b : memref<?xf64>) bounds() spec "region b f.c:2\n" {
    }
    approx.yield
  }
  return
}
