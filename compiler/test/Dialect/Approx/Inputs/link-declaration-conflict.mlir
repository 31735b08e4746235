// Declares @helper with another type than link-modules.mlir.
module {
  func.func private @helper(i64) -> i64
}
