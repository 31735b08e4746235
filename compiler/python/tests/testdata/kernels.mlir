// Kernels of the native end-to-end tests (native_test.py). Their C helpers
// (state functions, variants, checker, recover) are in kernels_helpers.c.

func.func private @approx_rt_iteration() -> i64
func.func private @scale(f64) -> f64
func.func private @approx_scale_1(f64) -> f64
func.func private @approx_scale_2(f64) -> f64
func.func private @sum_is_plausible(memref<?xf64>, index, f64) -> i1
func.func private @exact_sum(memref<?xf64>, index) -> f64

// Perforatable sum; dynamic when configured with thresholds, its state is the
// runtime's iteration value.
func.func @sum(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "sum"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] state @approx_rt_iteration thresholds 2 in [0, 100]
      decisions [0, 1, 2, 3] {
  ^bb0(%x: memref<?xf64>, %len: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %len step %c1 iter_args(%acc = %zero) -> f64 {
      %v = memref.load %x[%i] : memref<?xf64>
      %next = arith.addf %acc, %v : f64
      scf.yield %next : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}

// Calls @scale, or a variant.
func.func @scaled(%x: f64) -> f64 {
  %r = approx.knob "scale_call"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1, 2] {
  ^bb0(%y: f64):
    %s = func.call @scale(%y) : (f64) -> f64
    approx.yield %s : f64
  }
  return %r : f64
}

// Writes 1, 2 or 3 into out[0] by an if/else-if chain on %x; task skipping
// keeps one branch whatever %x is.
func.func @classify(%x: i64, %out: memref<?xi64>) {
  approx.knob "classify"(%x, %out) : (i64, memref<?xi64>) -> ()
      transforms [task_skipping] decisions [0, 1, 2, 3] {
  ^bb0(%v: i64, %o: memref<?xi64>):
    %c0 = arith.constant 0 : index
    %c10 = arith.constant 10 : i64
    %c20 = arith.constant 20 : i64
    %small = arith.cmpi slt, %v, %c10 : i64
    scf.if %small {
      %one = arith.constant 1 : i64
      memref.store %one, %o[%c0] : memref<?xi64>
    } else {
      %medium = arith.cmpi slt, %v, %c20 : i64
      scf.if %medium {
        %two = arith.constant 2 : i64
        memref.store %two, %o[%c0] : memref<?xi64>
      } else {
        %three = arith.constant 3 : i64
        memref.store %three, %o[%c0] : memref<?xi64>
      }
    }
    approx.yield
  }
  return
}

// A perforated sum guarded by a checker; @exact_sum recovers.
func.func @guarded_sum(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "guarded"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] decisions [0, 1]
      check @sum_is_plausible recover @exact_sum {
  ^bb0(%x: memref<?xf64>, %len: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %len step %c1 iter_args(%acc = %zero) -> f64 {
      %v = memref.load %x[%i] : memref<?xf64>
      %next = arith.addf %acc, %v : f64
      scf.yield %next : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}
