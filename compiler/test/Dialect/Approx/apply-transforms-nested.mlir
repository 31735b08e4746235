// RUN: approx-opt %s --approx-apply-transforms | FileCheck %s

// Regression test. The bug was: a transform applies to "the region that holds it", but when another
// transform inlines that region first (task_skipping keeping the else branch
// that holds a loop_perforate), the inner transform is applied afterwards to
// the region it was moved into: here it perforates the first loop of the
// function (%i) instead of the loop of the else branch (%j). Expected: the
// loop of the kept branch is perforated, the other loop is unchanged.

func.func private @work(index)

// CHECK-LABEL: func.func @transform_in_kept_branch
// CHECK-SAME:    (%[[P:.+]]: i1, %[[N:.+]]: index)
// CHECK-NEXT:    %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:    scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[C1]] {
// CHECK-NEXT:      func.call @work
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[F:.+]] = arith.constant 2 : index
// CHECK-NEXT:    %[[STEP:.+]] = arith.muli %[[C1]], %[[F]] : index
// CHECK-NEXT:    scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[STEP]] {
// CHECK-NEXT:      func.call @work
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @transform_in_kept_branch(%p: i1, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    func.call @work(%i) : (index) -> ()
  }
  scf.if %p {
  } else {
    scf.for %j = %c0 to %n step %c1 {
      func.call @work(%j) : (index) -> ()
    }
    approx.transform loop_perforate 1
  }
  approx.transform task_skipping 2
  return
}
