// RUN: approx-opt %s --approx-finalize | FileCheck %s
// RUN: approx-opt %s --approx-finalize=emit-c-interface=true | FileCheck %s --check-prefix=CIFACE
// RUN: approx-opt %s --approx-finalize | FileCheck %s --check-prefix=NONE

// approx-finalize: every approx.knob is replaced by its body, operands
// replacing the region arguments and the yielded values the knob's results.

func.func private @bm25(f64) -> f64
func.func private @work()

// CHECK-LABEL: func.func @inline_body
// CHECK-SAME:    (%[[X:.+]]: f64, %[[Y:.+]]: f64) -> (f64, f64)
// CHECK-NEXT:    %[[B:.+]] = call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:    %[[S:.+]] = arith.addf %[[B]], %[[Y]] : f64
// CHECK-NEXT:    %[[M:.+]] = arith.mulf %[[Y]], %[[Y]] : f64
// CHECK-NEXT:    %[[U:.+]] = arith.subf %[[S]], %[[M]] : f64
// CHECK-NEXT:    return %[[U]], %[[M]] : f64, f64
// CHECK-NOT:     approx.
func.func @inline_body(%x: f64, %y: f64) -> (f64, f64) {
  %r:2 = approx.knob "body"(%x, %y) : (f64, f64) -> (f64, f64)
      transforms [func_substitute] decisions [0, 1] {
  ^bb0(%x2: f64, %y2: f64):
    %b = func.call @bm25(%x2) : (f64) -> f64
    %s = arith.addf %b, %y2 : f64
    %m = arith.mulf %y2, %y2 : f64
    approx.yield %s, %m : f64, f64
  }
  %u = arith.subf %r#0, %r#1 : f64
  return %u, %r#1 : f64, f64
}

// Nested knobs: the inner body lands in the outer one, then in the function.
// CHECK-LABEL: func.func @nested
// CHECK-SAME:    (%[[X:.+]]: f64) -> f64
// CHECK-NEXT:    %[[B:.+]] = call @bm25(%[[X]]) : (f64) -> f64
// CHECK-NEXT:    %[[A:.+]] = arith.addf %[[B]], %[[B]] : f64
// CHECK-NEXT:    %[[M:.+]] = arith.mulf %[[A]], %[[X]] : f64
// CHECK-NEXT:    return %[[M]] : f64
func.func @nested(%x: f64) -> f64 {
  %r = approx.knob "outer"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0] {
  ^bb0(%x2: f64):
    %b = func.call @bm25(%x2) : (f64) -> f64
    %w = approx.knob "inner"(%b) : (f64) -> f64
        transforms [ml_surrogate] decisions [0] {
    ^bb0(%b2: f64):
      %a = arith.addf %b2, %b2 : f64
      approx.yield %a : f64
    }
    %m = arith.mulf %w, %x2 : f64
    approx.yield %m : f64
  }
  return %r : f64
}

// A knob nested in an scf region, without operands or results.
// CHECK-LABEL: func.func @in_region
// CHECK-SAME:    (%[[P:.+]]: i1)
// CHECK-NEXT:    scf.if %[[P]] {
// CHECK-NEXT:      func.call @work() : () -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @in_region(%p: i1) {
  scf.if %p {
    approx.knob "void"() : () -> () transforms [ml_surrogate] decisions [0] {
      func.call @work() : () -> ()
      approx.yield
    }
  }
  return
}

// An empty knob disappears; the management-free leftovers of lowered knobs
// (here an scf.index_switch) stay as they are.
// CHECK-LABEL: func.func @empty_and_lowered
// CHECK-SAME:    (%[[K:.+]]: index)
// CHECK-NEXT:    scf.index_switch %[[K]]
// CHECK-NEXT:    default {
// CHECK-NEXT:      func.call @work() : () -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @empty_and_lowered(%k: index) {
  approx.knob "empty"() : () -> () transforms [ml_surrogate] decisions [0] {
    approx.yield
  }
  approx.knob "lowered"(%k) : (index) -> () transforms [task_skipping] decisions [0] {
  ^bb0(%k2: index):
    scf.index_switch %k2
    default {
      func.call @work() : () -> ()
    }
    approx.yield
  }
  return
}

// Knobs in a nested module are inlined too.
// CHECK-LABEL: module @inner
// CHECK:         func.func @in_module(%[[X:.+]]: f64) -> f64
// CHECK-NEXT:      %[[A:.+]] = arith.addf %[[X]], %[[X]] : f64
// CHECK-NEXT:      return %[[A]] : f64
module @inner {
  func.func @in_module(%x: f64) -> f64 {
    %r = approx.knob "k"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] {
    ^bb0(%x2: f64):
      %a = arith.addf %x2, %x2 : f64
      approx.yield %a : f64
    }
    return %r : f64
  }
}

// emit-c-interface marks the public function definitions of the module only:
// not private definitions, not declarations, not the functions of nested
// modules.
// CIFACE: func.func private @bm25(f64) -> f64{{$}}
// CIFACE: func.func private @work(){{$}}
// CIFACE: func.func @inline_body(%{{.+}}: f64, %{{.+}}: f64) -> (f64, f64) attributes {llvm.emit_c_interface} {
// CIFACE: func.func @nested(%{{.+}}: f64) -> f64 attributes {llvm.emit_c_interface} {
// CIFACE: func.func @in_region(%{{.+}}: i1) attributes {llvm.emit_c_interface} {
// CIFACE: func.func @empty_and_lowered(%{{.+}}: index) attributes {llvm.emit_c_interface} {
// CIFACE: func.func @in_module(%{{.+}}: f64) -> f64 {
// CIFACE: func.func private @private_def(%{{.+}}: f64) -> f64 {
// CIFACE: func.func @keeps_attrs() attributes {llvm.emit_c_interface, tag = "t"} {
// CIFACE-NOT: llvm.emit_c_interface
// CIFACE-NOT: approx.
func.func private @private_def(%x: f64) -> f64 {
  %r = approx.knob "priv"(%x) : (f64) -> f64 transforms [ml_surrogate] decisions [0] {
  ^bb0(%x2: f64):
    %a = arith.mulf %x2, %x2 : f64
    approx.yield %a : f64
  }
  return %r : f64
}

func.func @keeps_attrs() attributes {tag = "t"} {
  return
}

// Without the option no function is marked; no approx op is left.
// NONE-NOT: llvm.emit_c_interface
// NONE-NOT: approx.
