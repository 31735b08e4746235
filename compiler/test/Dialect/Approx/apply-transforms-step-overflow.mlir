// RUN: not approx-opt %s --approx-apply-transforms -split-input-file 2>&1 | FileCheck %s

// Regression test. The bug was: loop_perforate builds the factor v + 1 with the step's type without
// checking that it fits: on an i8 loop, v = 255 gives the factor 0 (a zero
// step, so the loop never ends) and v = 127 gives -128 (a negative step); on
// an index loop, v = INT64_MAX overflows v + 1 (signed overflow in C++) to
// INT64_MIN. The pass used to emit these steps silently. Expected: an
// error at the transform, like other transforms that cannot apply.

// CHECK: error: 'approx.transform' op
// CHECK-NOT: arith.constant 0 : i8
func.func @zero_factor(%lb: i8, %ub: i8, %st: i8) {
  scf.for %i = %lb to %ub step %st : i8 {
  }
  approx.transform loop_perforate 255
  return
}

// -----

// CHECK: error: 'approx.transform' op
// CHECK-NOT: arith.constant -128 : i8
func.func @negative_factor(%lb: i8, %ub: i8, %st: i8) {
  scf.for %i = %lb to %ub step %st : i8 {
  }
  approx.transform loop_perforate 127
  return
}

// -----

// CHECK: error: 'approx.transform' op
// CHECK-NOT: arith.constant -9223372036854775808 : index
func.func @wrapping_factor(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
  }
  approx.transform loop_perforate 9223372036854775807
  return
}
