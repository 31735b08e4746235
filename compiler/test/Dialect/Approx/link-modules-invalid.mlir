// RUN: approx-opt %s --verify-diagnostics \
// RUN:   --approx-link-modules=inputs=%inputs/link-no-such-file.mlir
// RUN: not approx-opt %s --approx-link-modules=inputs=%inputs/link-invalid.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PARSE
// RUN: not approx-opt %s --approx-link-modules=inputs=%inputs/link-conflict.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CONFLICT
// RUN: not approx-opt %s --approx-link-modules=inputs=%inputs/link-declaration-conflict.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DECLARATION
// RUN: not approx-opt %s --approx-link-modules=inputs=%inputs/link-kernel-b.mlir,%inputs/link-attribute-conflict.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ATTRIBUTE

// A conflicting definition is an error at the later one, naming both
// modules, with a note at the first; nothing is linked.
// CONFLICT: link-conflict.mlir:3:3: error: symbol @kernel_a of '{{.*}}link-conflict.mlir' conflicts with its definition in '{{.*}}link-modules-invalid.mlir'
// CONFLICT: link-modules-invalid.mlir:[[# @LINE + 12]]:3: note: @kernel_a first defined here

// DECLARATION: link-declaration-conflict.mlir:3:3: error: symbol @helper of '{{.*}}link-declaration-conflict.mlir' conflicts with its declaration in '{{.*}}link-modules-invalid.mlir'

// ATTRIBUTE: link-attribute-conflict.mlir:2:1: error: module attribute 'approx.origin' of '{{.*}}link-attribute-conflict.mlir' is "other", but "kernel-b" in the modules linked before it

// PARSE: link-invalid.mlir:2:21: error: expected non-function type
// PARSE: error: cannot link '{{.*}}link-invalid.mlir': it is not a valid MLIR module

// expected-error @below {{link-no-such-file.mlir': no such file}}
module {
  func.func private @helper(i32) -> i32
  func.func @kernel_a(%x: i32) -> i32 {
    %r = func.call @helper(%x) : (i32) -> i32
    return %r : i32
  }
}
