// RUN: approx-opt %s --approx-lower-try | FileCheck %s

// approx-lower-try: the body becomes an scf.execute_region, the check region
// is inlined on its results, and an scf.if on the verdict yields either the
// approximate results or those of calling the recover function.

func.func private @exact_pair(f64, i32) -> (f64, i32)
func.func private @exact_sum(memref<?xf64>, index) -> f64
func.func private @check_sum(memref<?xf64>, index, f64) -> i1
func.func private @recover_nothing()
func.func private @work()

// Two results, two recovery operands, a check region of several ops.
// CHECK-LABEL: func.func @try_results
// CHECK-SAME:    (%[[X:.+]]: f64, %[[I:.+]]: i32) -> (f64, i32)
// CHECK-NEXT:    %[[BODY:.+]]:2 = scf.execute_region -> (f64, i32) {
// CHECK-NEXT:      %[[Y:.+]] = arith.addf %[[X]], %[[X]] : f64
// CHECK-NEXT:      scf.yield %[[Y]], %[[I]] : f64, i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[Z:.+]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:    %[[OK:.+]] = arith.cmpf oge, %[[BODY]]#0, %[[Z]] : f64
// CHECK-NEXT:    %[[R:.+]]:2 = scf.if %[[OK]] -> (f64, i32) {
// CHECK-NEXT:      scf.yield %[[BODY]]#0, %[[BODY]]#1 : f64, i32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[REC:.+]]:2 = func.call @exact_pair(%[[X]], %[[I]]) : (f64, i32) -> (f64, i32)
// CHECK-NEXT:      scf.yield %[[REC]]#0, %[[REC]]#1 : f64, i32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : f64, i32
func.func @try_results(%x: f64, %i: i32) -> (f64, i32) {
  %r:2 = approx.try recover @exact_pair(%x, %i) : (f64, i32) -> (f64, i32) {
    %y = arith.addf %x, %x : f64
    approx.yield %y, %i : f64, i32
  } check {
  ^bb0(%v: f64, %w: i32):
    %zero = arith.constant 0.0 : f64
    %ok = arith.cmpf oge, %v, %zero : f64
    approx.yield %ok : i1
  }
  return %r#0, %r#1 : f64, i32
}

// No results and no recovery operands: the scf.if has an empty then branch
// and only calls the recover function in its else branch.
// CHECK-LABEL: func.func @try_no_results
// CHECK-NEXT:    scf.execute_region {
// CHECK-NEXT:      func.call @work() : () -> ()
// CHECK-NEXT:      scf.yield{{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[OK:.+]] = arith.constant true
// CHECK-NEXT:    scf.if %[[OK]] {
// CHECK-NEXT:    } else {
// CHECK-NEXT:      func.call @recover_nothing() : () -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    return
func.func @try_no_results() {
  approx.try recover @recover_nothing() : () -> () {
    func.call @work() : () -> ()
    approx.yield
  } check {
    %true = arith.constant true
    approx.yield %true : i1
  }
  return
}

// A try as emitted for a knob's safety contract: the transform stays in the
// execute_region with the code it applies to; the checker call is inlined.
// CHECK-LABEL: func.func @try_in_knob
// CHECK:         approx.knob "guarded"
// CHECK-NEXT:    ^bb0(%[[A:.+]]: memref<?xf64>, %[[N:.+]]: index):
// CHECK-NEXT:      %[[BODY:.+]] = scf.execute_region -> f64 {
// CHECK-NEXT:        approx.transform loop_perforate 1{{$}}
// CHECK-NEXT:        %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:        %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT:        %[[Z:.+]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:        %[[S:.+]] = scf.for %{{.+}} = %[[C0]] to %[[N]] step %[[C1]] iter_args(%{{.+}} = %[[Z]]) -> (f64) {
// CHECK:             }
// CHECK-NEXT:        scf.yield %[[S]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      %[[OK:.+]] = func.call @check_sum(%[[A]], %[[N]], %[[BODY]]) : (memref<?xf64>, index, f64) -> i1
// CHECK-NEXT:      %[[R:.+]] = scf.if %[[OK]] -> (f64) {
// CHECK-NEXT:        scf.yield %[[BODY]] : f64
// CHECK-NEXT:      } else {
// CHECK-NEXT:        %[[REC:.+]] = func.call @exact_sum(%[[A]], %[[N]]) : (memref<?xf64>, index) -> f64
// CHECK-NEXT:        scf.yield %[[REC]] : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      approx.yield %[[R]] : f64
// CHECK-NEXT:    }
// CHECK-NOT:     approx.try
func.func @try_in_knob(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "guarded"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] decisions [0, 1]
      params <transform = loop_perforate, decisions = [1]>
      check @check_sum recover @exact_sum {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %t = approx.try recover @exact_sum(%a2, %n2) : (memref<?xf64>, index) -> f64 {
      approx.transform loop_perforate 1
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %zero = arith.constant 0.0 : f64
      %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
        %v = memref.load %a2[%i] : memref<?xf64>
        %sum = arith.addf %acc, %v : f64
        scf.yield %sum : f64
      }
      approx.yield %s : f64
    } check {
    ^bb0(%v: f64):
      %ok = func.call @check_sum(%a2, %n2, %v) : (memref<?xf64>, index, f64) -> i1
      approx.yield %ok : i1
    }
    approx.yield %t : f64
  }
  return %r : f64
}

// A try nested in another try's body: both are lowered, the inner one inside
// the outer one's execute_region.
// CHECK-LABEL: func.func @nested_try
// CHECK-SAME:    (%[[X:.+]]: f64, %[[I:.+]]: i32) -> (f64, i32)
// CHECK-NEXT:    %[[OUT:.+]]:2 = scf.execute_region -> (f64, i32) {
// CHECK-NEXT:      %[[IN:.+]]:2 = scf.execute_region -> (f64, i32) {
// CHECK-NEXT:        scf.yield %[[X]], %[[I]] : f64, i32
// CHECK-NEXT:      }
// CHECK-NEXT:      %[[T1:.+]] = arith.constant true
// CHECK-NEXT:      %[[R1:.+]]:2 = scf.if %[[T1]] -> (f64, i32) {
// CHECK-NEXT:        scf.yield %[[IN]]#0, %[[IN]]#1 : f64, i32
// CHECK-NEXT:      } else {
// CHECK-NEXT:        %[[REC1:.+]]:2 = func.call @exact_pair(%[[X]], %[[I]]) : (f64, i32) -> (f64, i32)
// CHECK-NEXT:        scf.yield %[[REC1]]#0, %[[REC1]]#1 : f64, i32
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[R1]]#0, %[[R1]]#1 : f64, i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[T2:.+]] = arith.constant false
// CHECK-NEXT:    %[[R2:.+]]:2 = scf.if %[[T2]] -> (f64, i32) {
// CHECK-NEXT:      scf.yield %[[OUT]]#0, %[[OUT]]#1 : f64, i32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[REC2:.+]]:2 = func.call @exact_pair(%[[X]], %[[I]]) : (f64, i32) -> (f64, i32)
// CHECK-NEXT:      scf.yield %[[REC2]]#0, %[[REC2]]#1 : f64, i32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R2]]#0, %[[R2]]#1 : f64, i32
func.func @nested_try(%x: f64, %i: i32) -> (f64, i32) {
  %r:2 = approx.try recover @exact_pair(%x, %i) : (f64, i32) -> (f64, i32) {
    %q:2 = approx.try recover @exact_pair(%x, %i) : (f64, i32) -> (f64, i32) {
      approx.yield %x, %i : f64, i32
    } check {
    ^bb0(%v: f64, %w: i32):
      %t = arith.constant true
      approx.yield %t : i1
    }
    approx.yield %q#0, %q#1 : f64, i32
  } check {
  ^bb0(%v: f64, %w: i32):
    %f = arith.constant false
    approx.yield %f : i1
  }
  return %r#0, %r#1 : f64, i32
}
