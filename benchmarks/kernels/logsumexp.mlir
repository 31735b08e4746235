// Row-wise log-sum-exp of a matrix (libm exp/log), the row loop perforatable.
func.func @logsumexp(%x: memref<?x?xf64>, %out: memref<?xf64>, %rows: index, %cols: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  scf.for %r = %c0 to %rows step %c1 {
    %s = scf.for %c = %c0 to %cols step %c1 iter_args(%acc = %zero) -> f64 {
      %v = memref.load %x[%r, %c] : memref<?x?xf64>
      %e = math.exp %v : f64
      %next = arith.addf %acc, %e : f64
      scf.yield %next : f64
    }
    %l = math.log %s : f64
    memref.store %l, %out[%r] : memref<?xf64>
  }
  return
}
