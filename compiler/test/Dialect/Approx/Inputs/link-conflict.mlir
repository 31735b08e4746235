// Defines @kernel_a a second time, with another body.
module {
  func.func @kernel_a(%x: i32) -> i32 {
    return %x : i32
  }
}
