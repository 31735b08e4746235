// RUN: approx-opt %s --approx-finalize | FileCheck %s

// Regression test. The bug was: approx-finalize crashes (segmentation fault in replaceOp) when a knob
// yields one of its own region arguments: it records the yielded values, then
// inlines the body with inlineBlockBefore, which replaces and frees the block
// arguments, and finally replaces the knob's results with the freed values.
// This hits every unconfigured (or statically configured) knob that passes an
// operand through, e.g. through --approx-pipeline. Expected: the result is
// replaced by the matching operand.

// CHECK-LABEL: func.func @passthrough
// CHECK-SAME:    (%[[X:.+]]: f64, %[[N:.+]]: index) -> (f64, index)
// CHECK-NEXT:    %[[A:.+]] = arith.addf %[[X]], %[[X]] : f64
// CHECK-NEXT:    return %[[A]], %[[N]] : f64, index
func.func @passthrough(%x: f64, %n: index) -> (f64, index) {
  %r:2 = approx.knob "p"(%x, %n) : (f64, index) -> (f64, index)
      transforms [ml_surrogate] decisions [0] {
  ^bb0(%x2: f64, %n2: index):
    %a = arith.addf %x2, %x2 : f64
    approx.yield %a, %n2 : f64, index
  }
  return %r#0, %r#1 : f64, index
}

// CHECK-LABEL: func.func @identity
// CHECK-SAME:    (%[[X:.+]]: f64) -> f64
// CHECK-NEXT:    return %[[X]] : f64
func.func @identity(%x: f64) -> f64 {
  %r = approx.knob "id"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] {
  ^bb0(%x2: f64):
    approx.yield %x2 : f64
  }
  return %r : f64
}
