// Sets a module attribute that link-kernel-b.mlir sets to another value.
module attributes {approx.origin = "other"} {
}
