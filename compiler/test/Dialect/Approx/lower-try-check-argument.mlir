// RUN: approx-opt %s --approx-lower-try | FileCheck %s

// Regression test. The bug was: approx-lower-try crashes (segmentation fault creating the scf.if) when
// the check region yields one of its own arguments: the verdict Value is taken
// from the check's approx.yield before the check block is inlined with
// inlineBlockBefore, which replaces and frees the block arguments, so the
// scf.if is built on a freed value. Expected: the verdict is the matching
// result of the execute_region.

func.func private @exact(i1) -> i1

// CHECK-LABEL: func.func @check_is_result
// CHECK-SAME:    (%[[B:.+]]: i1) -> i1
// CHECK-NEXT:    %[[BODY:.+]] = scf.execute_region -> i1 {
// CHECK-NEXT:      scf.yield %[[B]] : i1
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[R:.+]] = scf.if %[[BODY]] -> (i1) {
// CHECK-NEXT:      scf.yield %[[BODY]] : i1
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[REC:.+]] = func.call @exact(%[[B]]) : (i1) -> i1
// CHECK-NEXT:      scf.yield %[[REC]] : i1
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]] : i1
func.func @check_is_result(%b: i1) -> i1 {
  %r = approx.try recover @exact(%b) : (i1) -> i1 {
    approx.yield %b : i1
  } check {
  ^bb0(%v: i1):
    approx.yield %v : i1
  }
  return %r : i1
}
