// Dot product with a perforatable loop (exact unless configured).
func.func @dot(%a: memref<?xf64>, %b: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "dot_loop"(%a, %b, %n) : (memref<?xf64>, memref<?xf64>, index) -> f64
      transforms [loop_perforate] decisions [0, 1, 3] {
  ^bb0(%x: memref<?xf64>, %y: memref<?xf64>, %len: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %len step %c1 iter_args(%acc = %zero) -> f64 {
      %u = memref.load %x[%i] : memref<?xf64>
      %v = memref.load %y[%i] : memref<?xf64>
      %p = arith.mulf %u, %v : f64
      %next = arith.addf %acc, %p : f64
      scf.yield %next : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}
