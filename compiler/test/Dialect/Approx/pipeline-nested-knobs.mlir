// RUN: approx-opt %s --approx-pipeline | FileCheck %s

// Regression test. The bug was: an outer knob's transform looks for its target in the whole knob body,
// nested knobs included. Here the outer knob's task_skipping 2 should remove
// its own `scf.if %p2` (an scf.if without else: the second branch does
// nothing), but the first branch op in program order is the scf.index_switch
// that the inner knob's decision tree was lowered to, so the outer transform
// keeps the inner switch's default branch instead: the inner knob loses its
// run-time decision (the loop is always perforated) and the outer scf.if
// stays. Expected: nested knobs are not targets of the enclosing knob's
// transforms.

func.func private @get_state() -> i64
func.func private @work(index)
func.func private @task()

// CHECK-LABEL: func.func @nested_knobs
// CHECK-SAME:    (%[[P:.+]]: i1, %[[N:.+]]: index)
// CHECK:         call @get_state() : () -> i64
// CHECK:         scf.index_switch
// CHECK-NEXT:    case 0 {
// CHECK-NEXT:      scf.for %{{.+}} = %{{.+}} to %[[N]] step %{{.+}} {
// CHECK:         default {
// CHECK-NEXT:      scf.for %{{.+}} = %{{.+}} to %[[N]] step %{{.+}} {
// CHECK-NOT:     scf.if
// CHECK-NOT:     @task()
// CHECK:         return
func.func @nested_knobs(%p: i1, %n: index) {
  approx.knob "outer"(%p, %n) : (i1, index) -> () transforms [task_skipping]
      decisions [0, 2] params <transform = task_skipping, decisions = [2]> {
  ^bb0(%p2: i1, %n2: index):
    approx.knob "inner"(%n2) : (index) -> () transforms [loop_perforate]
        state @get_state thresholds 1 in [0, 10] decisions [0, 1]
        params <transform = loop_perforate, thresholds = [5], decisions = [0, 1]> {
    ^bb0(%n3: index):
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      scf.for %i = %c0 to %n3 step %c1 {
        func.call @work(%i) : (index) -> ()
      }
      approx.yield
    }
    scf.if %p2 {
      func.call @task() : () -> ()
    }
    approx.yield
  }
  return
}
