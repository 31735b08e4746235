// A selector module: the same state global as link-kernel-b.mlir, identical
// apart from its location, and a knob.
module {
  memref.global "private" @knob_state_value : memref<i64> = dense<0>
  func.func private @knob_state() -> i64 {
    %slot = memref.get_global @knob_state_value : memref<i64>
    %state = memref.load %slot[] : memref<i64>
    return %state : i64
  }
  func.func private @knob_kernel() -> i64 {
    %value = arith.constant 0 : i64
    return %value : i64
  }
  func.func @knob_select() -> i64 {
    %value = approx.knob "knob"() : () -> i64 transforms [func_substitute]
        state @knob_state thresholds 1 in [0, 100] decisions [0, 1] {
      %exact = func.call @knob_kernel() : () -> i64
      approx.yield %exact : i64
    }
    return %value : i64
  }
}
