// RUN: approx-opt %s --approx-lower-ml-regions | FileCheck %s

// approx-lower-ml-regions: each approx.ml_region becomes a call of
// approx_ml_enter with the spec (a private constant global) and a buffer of
// i64 words (mode, predicate, enabled, model choice, arrays, bounds), then an
// scf.if that runs the exact code and approx_ml_exit when enter returns 0.

// CHECK-DAG: memref.global "private" constant @__approx_ml_spec : memref<31xi8> = dense<[114, 101, 103, 105, 111, 110, 32, 111, 110, 101, 32, 102, 46, 99, 58, 51, 10, 109, 111, 100, 101, 108, 32, 109, 46, 112, 116, 10, 105, 110, 10]>
// CHECK-DAG: memref.global "private" constant @__approx_ml_spec_0 : memref<{{[0-9]+}}xi8>

// CHECK-LABEL: func.func @predicated
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf64>, %[[N:.*]]: i64, %[[P:.*]]: i1)
// CHECK-DAG: %[[MODE:.*]] = arith.constant 2 : i64
// CHECK-DAG: %[[PRED:.*]] = arith.extui %[[P]] : i1 to i64
// CHECK: %[[BASE:.*]], %[[OFF:.*]], %[[SIZES:.*]]:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[X]]
// CHECK: %[[PTR:.*]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK: %[[BYTES:.*]] = arith.muli %[[OFF]], %{{.*}} : index
// CHECK: %[[ADDR:.*]] = arith.addi %[[PTR]], %[[BYTES]] : index
// CHECK: %[[G:.*]] = memref.get_global @__approx_ml_spec{{.*}} : memref<{{[0-9]+}}xi8>
// CHECK: %[[SPEC:.*]] = memref.cast %[[G]]
// The argument buffer lives in an alloca scope (one block) per call.
// CHECK: %[[CODE:.*]] = memref.alloca_scope -> (i32) {
// CHECK: %[[BUF:.*]] = memref.alloca() : memref<14xi64>
// CHECK: memref.store %[[MODE]], %[[BUF]][%{{.*}}] : memref<14xi64>
// CHECK: memref.store %[[PRED]], %[[BUF]][%{{.*}}] : memref<14xi64>
// CHECK: memref.store %[[N]], %[[BUF]][%{{.*}}] : memref<14xi64>
// CHECK: %[[ARGS:.*]] = memref.cast %[[BUF]] : memref<14xi64> to memref<?xi64>
// CHECK: %[[R:.*]] = func.call @approx_ml_enter(%[[SPEC]], %[[ARGS]])
// CHECK: memref.alloca_scope.return %[[R]] : i32
// CHECK: %[[EXACT:.*]] = arith.cmpi eq, %[[CODE]], %{{.*}} : i32
// CHECK: scf.if %[[EXACT]] {
// CHECK-NEXT: %[[V:.*]] = arith.constant 1.0
// CHECK-NEXT: %[[I:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.store %[[V]], %[[X]][%[[I]], %[[I]]]
// CHECK-NEXT: memref.alloca_scope {
// CHECK: memref.store %[[N]]
// CHECK: func.call @approx_ml_exit(%[[SPEC]], %{{.*}})
// CHECK-NOT: approx.ml_region
func.func @predicated(%x: memref<?x?xf64>, %n: i64, %p: i1) {
  approx.ml_region predicated(%p) arrays(%x : memref<?x?xf64>) bounds(%n) spec "region two f.c:8\nmap to f 1 0,-1,0,0,0,0,0,0\n" {
    %v = arith.constant 1.0 : f64
    %c0 = arith.constant 0 : index
    memref.store %v, %x[%c0, %c0] : memref<?x?xf64>
  }
  return
}

// The model choice written by ml_surrogate is word 3; no arrays, no bounds.
// CHECK-LABEL: func.func @chosen_model
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK-DAG: %[[THREE:.*]] = arith.constant 3 : i64
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: %[[BUF:.*]] = memref.alloca() : memref<6xi64>
// CHECK-NEXT: %[[I0:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.store %[[ZERO]], %[[BUF]][%[[I0]]]
// CHECK: memref.store %[[ONE]]
// CHECK: memref.store %[[THREE]]
// CHECK: call @approx_ml_enter
func.func @chosen_model() {
  approx.ml_region infer arrays() bounds() spec "region one f.c:3\nmodel m.pt\nin\n" {
  } {model_choice = 3 : i64}
  return
}

// The runtime's entry points are declared once, after the functions.
// CHECK: func.func private @approx_ml_enter(memref<?xi8>, memref<?xi64>) -> i32
// CHECK: func.func private @approx_ml_exit(memref<?xi8>, memref<?xi64>)
