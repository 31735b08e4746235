// RUN: approx-opt %s --approx-export-knobs=output=%t.json -o /dev/null
// RUN: FileCheck %s --input-file=%t.json
// RUN: approx-opt %s --approx-export-knobs | FileCheck %s --check-prefix=STDOUT

// Two knobs: a dynamic one (state function, thresholds) already configured,
// and a static one with no params yet.

// CHECK:      "knobs": [
// CHECK-NEXT:   {
// CHECK-NEXT:     "decision_values": [
// CHECK-NEXT:       0,
// CHECK-NEXT:       1,
// CHECK-NEXT:       2
// CHECK-NEXT:     ],
// CHECK-NEXT:     "function": "sum",
// CHECK-NEXT:     "id": "sum_loop",
// CHECK-NEXT:     "location": "{{.*}}export-knobs.mlir:[[@LINE+58]]:8",
// CHECK-NEXT:     "num_thresholds": 2,
// CHECK-NEXT:     "params": {
// CHECK-NEXT:       "decisions": [
// CHECK-NEXT:         0,
// CHECK-NEXT:         1,
// CHECK-NEXT:         2
// CHECK-NEXT:       ],
// CHECK-NEXT:       "thresholds": [
// CHECK-NEXT:         10,
// CHECK-NEXT:         50
// CHECK-NEXT:       ],
// CHECK-NEXT:       "transform": "loop_perforate"
// CHECK-NEXT:     },
// CHECK-NEXT:     "safety": null,
// CHECK-NEXT:     "state_function": "get_state",
// CHECK-NEXT:     "threshold_bounds": [
// CHECK-NEXT:       [
// CHECK-NEXT:         0,
// CHECK-NEXT:         40
// CHECK-NEXT:       ],
// CHECK-NEXT:       [
// CHECK-NEXT:         20,
// CHECK-NEXT:         100
// CHECK-NEXT:       ]
// CHECK-NEXT:     ],
// CHECK-NEXT:     "threshold_range": [
// CHECK-NEXT:       0,
// CHECK-NEXT:       100
// CHECK-NEXT:     ],
// CHECK-NEXT:     "transform_types": [
// CHECK-NEXT:       "loop_perforate"
// CHECK-NEXT:     ]
// CHECK-NEXT:   },
// CHECK:          "function": "score",
// CHECK-NEXT:     "id": "score_call",
// CHECK-NEXT:     "location": "{{.*}}export-knobs.mlir:[[@LINE+43]]:8",
// CHECK-NEXT:     "num_thresholds": 0,
// CHECK-NEXT:     "params": null,
// CHECK-NEXT:     "safety": null,
// CHECK-NEXT:     "state_function": null,
// CHECK-NEXT:     "threshold_bounds": null,
// CHECK-NEXT:     "threshold_range": null,
// CHECK-NEXT:     "transform_types": [
// CHECK-NEXT:       "func_substitute",
// CHECK-NEXT:       "task_skipping"
// CHECK-NEXT:     ]
// CHECK-NEXT:   }
// CHECK-NEXT: ],
// CHECK-NEXT: "version": 1

// The module itself is printed unchanged after the JSON.
// STDOUT: "id": "sum_loop"
// STDOUT: func.func @sum

func.func private @get_state() -> i64

func.func @sum(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "sum_loop"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] state @get_state thresholds 2 in [0, 100] bounds [0, 40, 20, 100]
      decisions [0, 1, 2]
      params <transform = loop_perforate, thresholds = [10, 50], decisions = [0, 1, 2]> {
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
