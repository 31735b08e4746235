// RUN: approx-opt %s --approx-apply-transforms | FileCheck %s

// Regression test. The bug was: the transforms are processed in reverse program order and a transform
// that fails first but could apply after another one has rewritten the region
// is left in place; diagnoseRemaining() then finds nothing to report, so the
// pass fails without any diagnostic (exit code 1, no output). Here
// func_substitute is tried first, finds @foo (which has no variant) and fails;
// task_skipping then keeps the else branch; the leftover func_substitute would
// now apply to @bar. Expected: the transforms apply in program order, giving a
// call of @approx_bar_1 (and in any case never a failure without a
// diagnostic).

func.func private @foo() -> i32
func.func private @bar() -> i32
func.func private @approx_bar_1() -> i32

// CHECK-LABEL: func.func @skip_then_substitute
// CHECK-NEXT:    %[[V:.+]] = call @approx_bar_1() : () -> i32
// CHECK-NEXT:    return %[[V]] : i32
func.func @skip_then_substitute(%p: i1) -> i32 {
  %r = scf.if %p -> i32 {
    %v = func.call @foo() : () -> i32
    scf.yield %v : i32
  } else {
    %v = func.call @bar() : () -> i32
    scf.yield %v : i32
  }
  approx.transform task_skipping 2
  approx.transform func_substitute 1
  return %r : i32
}
