// RUN: approx-opt %s --approx-link-modules=inputs=%inputs/link-kernel-b.mlir,%inputs/link-selector.mlir | FileCheck %s
// RUN: approx-opt %s | FileCheck %s --check-prefix=NONE
// RUN: approx-opt %s --approx-link-modules=inputs=%inputs/link-kernel-b.mlir,%inputs/link-selector.mlir \
// RUN:   --approx-export-knobs=output=%t.json -o /dev/null
// RUN: FileCheck %s --check-prefix=KNOBS --input-file=%t.json

// Two kernel modules and a knob's selector become one module: the shared
// runtime declaration and the identical state global are kept once, and the
// definition of @helper replaces this module's declaration, in its place.

// CHECK-LABEL: module attributes {approx.origin = "kernel-b"}
// CHECK-COUNT-1: func.func private @approx_rt_iteration() -> i64
// CHECK-NOT:     @approx_rt_iteration() -> i64
// CHECK:         func.func @helper(%{{.*}}: i32) -> i32
// CHECK-NEXT:      return
// CHECK:         func.func @kernel_a
// CHECK:           call @helper
// CHECK:         memref.global "private" @knob_state_value
// CHECK:         func.func @kernel_b
// CHECK-NOT:     memref.global
// CHECK:         func.func private @knob_state() -> i64
// CHECK:         func.func @knob_select() -> i64
// CHECK:           approx.knob "knob"

// NONE-LABEL: module {
// NONE:         func.func private @helper(i32) -> i32

// KNOBS: "id": "knob"

module {
  func.func private @approx_rt_iteration() -> i64
  func.func private @helper(i32) -> i32
  func.func @kernel_a(%x: i32) -> i32 {
    %r = func.call @helper(%x) : (i32) -> i32
    return %r : i32
  }
}
