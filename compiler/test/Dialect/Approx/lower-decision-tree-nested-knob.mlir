// RUN: approx-opt %s --approx-pipeline | FileCheck %s

// Regression test: a knob nested in a knob configured as a decision tree is
// cloned into every branch; the copies get unique ids (the duplicate-id
// verifier used to reject the module).

func.func private @get_state() -> i64
func.func private @work(index)

// CHECK-LABEL: func.func @nested
// CHECK:         scf.index_switch
// CHECK:         case 0 {
// CHECK:           scf.for
// CHECK:             func.call @work
// CHECK:         default {
// CHECK:           scf.for
// CHECK:             func.call @work
// CHECK-NOT:     approx.
func.func @nested(%n: index) {
  approx.knob "outer"(%n) : (index) -> () transforms [loop_perforate] state @get_state thresholds 1 in [0, 10] decisions [0, 1]
      params <transform = loop_perforate, thresholds = [5], decisions = [0, 1]> {
  ^bb0(%n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %n2 step %c1 {
      approx.knob "inner"(%n2) : (index) -> () transforms [loop_perforate] decisions [0, 1] {
      ^bb0(%n3: index):
        %z = arith.constant 0 : index
        %o = arith.constant 1 : index
        scf.for %j = %z to %n3 step %o {
          func.call @work(%j) : (index) -> ()
        }
        approx.yield
      }
    }
    approx.yield
  }
  return
}
