// A second kernel module: it defines @helper, which link-modules.mlir only
// declares, declares the runtime function both use, and has a knob state.
module attributes {approx.origin = "kernel-b"} {
  func.func private @approx_rt_iteration() -> i64
  func.func @helper(%x: i32) -> i32 {
    return %x : i32
  }
  memref.global "private" @knob_state_value : memref<i64> = dense<0>
  func.func @kernel_b(%x: i32) -> i32 {
    %r = func.call @helper(%x) : (i32) -> i32
    return %r : i32
  }
}
