// Square matrix product C = A * B (row-major), with a perforatable k loop.
func.func @matmul(%A: memref<?x?xf64>, %B: memref<?x?xf64>, %C: memref<?x?xf64>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  scf.for %i = %c0 to %n step %c1 {
    scf.for %j = %c0 to %n step %c1 {
      %s = approx.knob "matmul_k"(%A, %B, %i, %j, %n)
          : (memref<?x?xf64>, memref<?x?xf64>, index, index, index) -> f64
          transforms [loop_perforate] decisions [0, 1] {
      ^bb0(%a: memref<?x?xf64>, %b: memref<?x?xf64>, %ii: index, %jj: index, %len: index):
        %k0 = arith.constant 0 : index
        %k1 = arith.constant 1 : index
        %z = arith.constant 0.0 : f64
        %acc = scf.for %k = %k0 to %len step %k1 iter_args(%sum = %z) -> f64 {
          %u = memref.load %a[%ii, %k] : memref<?x?xf64>
          %v = memref.load %b[%k, %jj] : memref<?x?xf64>
          %p = arith.mulf %u, %v : f64
          %next = arith.addf %sum, %p : f64
          scf.yield %next : f64
        }
        approx.yield %acc : f64
      }
      memref.store %s, %C[%i, %j] : memref<?x?xf64>
    }
  }
  return
}
