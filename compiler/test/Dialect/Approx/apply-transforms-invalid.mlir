// RUN: approx-opt %s --approx-apply-transforms -split-input-file -verify-diagnostics

// One case per diagnostic of approx-apply-transforms: a transform that cannot
// apply is an error at the transform.

// The op verifier only asks for *a loop*; perforation needs an scf.for.
func.func @perforate_while_loop(%n: index) -> index {
  %r = approx.knob "while"(%n) : (index) -> index transforms [loop_perforate]
      decisions [0, 1] {
  ^bb0(%n2: index):
    // expected-error @+1 {{'approx.transform' op loop_perforate found no scf.for in its region (other loop kinds are not perforated)}}
    approx.transform loop_perforate 1
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %w = scf.while (%i = %c0) : (index) -> index {
      %p = arith.cmpi slt, %i, %n2 : index
      scf.condition(%p) %i : index
    } do {
    ^bb0(%i: index):
      %j = arith.addi %i, %c1 : index
      scf.yield %j : index
    }
    approx.yield %w : index
  }
  return %r : index
}

// -----

func.func @perforate_affine_for() {
  affine.for %i = 0 to 10 {
  }
  // expected-error @+1 {{'approx.transform' op loop_perforate found no scf.for in its region (other loop kinds are not perforated)}}
  approx.transform loop_perforate 2
  return
}

// -----

// The op verifier accepts any call op; substitution needs a func.call.
func.func @substitute_indirect_call(%f: (f64) -> f64, %x: f64) -> f64 {
  %y = func.call_indirect %f(%x) : (f64) -> f64
  // expected-error @+1 {{'approx.transform' op func_substitute found no func.call in its region}}
  approx.transform func_substitute 1
  return %y : f64
}

// -----

func.func private @bm25(f64) -> f64
func.func private @approx_bm25_1(f64) -> f64

func.func @substitute_missing_variant(%x: f64) -> f64 {
  %r = approx.knob "score"(%x) : (f64) -> f64 transforms [func_substitute]
      decisions [0, 1, 3] {
  ^bb0(%x2: f64):
    // expected-error @+1 {{'approx.transform' op func_substitute 3 of @bm25 needs a function @approx_bm25_3}}
    approx.transform func_substitute 3
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}

// -----

func.func private @bm25(f64) -> f64
func.func private @approx_bm25_1(f32) -> f64

func.func @substitute_argument_mismatch(%x: f64) -> f64 {
  %y = func.call @bm25(%x) : (f64) -> f64
  // expected-error @+1 {{'approx.transform' op variant @approx_bm25_1 has type (f32) -> f64, which does not match the call of @bm25}}
  approx.transform func_substitute 1
  return %y : f64
}

// -----

func.func private @bm25(f64) -> f64
func.func private @approx_bm25_2(f64) -> (f64, f64)

func.func @substitute_result_mismatch(%x: f64) -> f64 {
  %y = func.call @bm25(%x) : (f64) -> f64
  // expected-error @+1 {{'approx.transform' op variant @approx_bm25_2 has type (f64) -> (f64, f64), which does not match the call of @bm25}}
  approx.transform func_substitute 2
  return %y : f64
}

// -----

func.func @skip_past_last_if_branch(%p: i1, %q: i1) {
  scf.if %p {
  } else {
    scf.if %q {
    } else {
    }
  }
  // expected-error @+1 {{'approx.transform' op task_skipping 4 selects a branch past the last one (the 'scf.if' chain has 3 branches)}}
  approx.transform task_skipping 4
  return
}

// -----

// An scf.if without else has two branches, the second doing nothing.
func.func @skip_past_if_without_else(%p: i1) {
  scf.if %p {
  }
  // expected-error @+1 {{'approx.transform' op task_skipping 3 selects a branch past the last one (the 'scf.if' chain has 2 branches)}}
  approx.transform task_skipping 3
  return
}

// -----

func.func @skip_past_switch_default(%k: index) {
  scf.index_switch %k
  case 0 {
    scf.yield
  }
  default {
  }
  // expected-error @+1 {{'approx.transform' op task_skipping 3 selects a branch past the last one (the 'scf.index_switch' chain has 2 branches)}}
  approx.transform task_skipping 3
  return
}

// -----

// The op verifier accepts any multi-way region branch; task skipping needs an
// scf.if or an scf.index_switch.
func.func @skip_affine_if(%i: index) {
  affine.if affine_set<(d0) : (d0 >= 0)>(%i) {
  } else {
  }
  // expected-error @+1 {{'approx.transform' op task_skipping found no scf.if or scf.index_switch in its region}}
  approx.transform task_skipping 1
  return
}

// -----

func.func @ml_surrogate_without_region() {
  approx.knob "ml"() : () -> () transforms [ml_surrogate] decisions [0, 1] {
    // expected-error @+1 {{'approx.transform' op ml_surrogate found no approx.ml_region in its region}}
    approx.transform ml_surrogate 1
    approx.yield
  }
  return
}

// -----

// Every transform that cannot apply is reported, not just the first.
func.func @several_errors(%f: (f64) -> f64, %x: f64) -> f64 {
  %y = func.call_indirect %f(%x) : (f64) -> f64
  // expected-error @+1 {{'approx.transform' op func_substitute found no func.call in its region}}
  approx.transform func_substitute 1
  // expected-error @+1 {{'approx.transform' op ml_surrogate found no approx.ml_region in its region}}
  approx.transform ml_surrogate 2
  return %y : f64
}
