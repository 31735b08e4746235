// Shared input of the apply-config tests: a dynamic knob and a static one.
func.func private @get_state() -> i64

func.func @sum(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "sum_loop"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] state @get_state thresholds 2 in [0, 100]
      decisions [0, 1, 2] {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %x = memref.load %a2[%i] : memref<?xf64>
      %y = arith.addf %acc, %x : f64
      scf.yield %y : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}

func.func private @bm25(f64) -> f64

func.func @score(%x: f64) -> f64 {
  %r = approx.knob "score_call"(%x) : (f64) -> f64
      transforms [func_substitute, task_skipping] decisions [0, 1] {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}
