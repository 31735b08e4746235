// RUN: approx-opt %s --approx-export-signatures=output=%t.json -o /dev/null
// RUN: FileCheck %s --input-file=%t.json
// RUN: approx-opt %s --approx-export-signatures=output=%t.json | FileCheck %s --check-prefix=IR
// RUN: echo 'module {}' | approx-opt --approx-export-signatures -o /dev/null | FileCheck %s --check-prefix=EMPTY
// RUN: not approx-opt %s --approx-export-signatures=output=%t.missing-dir/sig.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOWRITE

// approx-export-signatures: one entry per public function definition, in
// module order, with its arguments and results; object keys print sorted.

// CHECK:      {
// CHECK-NEXT:   "functions": [
// CHECK-NEXT:     {
// CHECK-NEXT:       "arguments": [
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "i1"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "i8"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "i16"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "i32"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "i64"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "index"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "f32"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "f64"
// CHECK-NEXT:         }
// CHECK-NEXT:       ],
// CHECK-NEXT:       "name": "scalars",
// CHECK-NEXT:       "results": [
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "i64"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "scalar",
// CHECK-NEXT:           "type": "f64"
// CHECK-NEXT:         }
// CHECK-NEXT:       ]
// CHECK-NEXT:     },
func.func @scalars(%a: i1, %b: i8, %c: i16, %d: i32, %e: i64, %f: index,
                   %g: f32, %h: f64) -> (i64, f64) {
  return %e, %h : i64, f64
}

// Memrefs: element type, shape with -1 for dynamic sizes, whether the layout
// is strided and then its strides and offset (-1 when dynamic).
// CHECK-NEXT:     {
// CHECK-NEXT:       "arguments": [
// CHECK-NEXT:         {
// CHECK-NEXT:           "element_type": "f64",
// CHECK-NEXT:           "kind": "memref",
// CHECK-NEXT:           "shape": [
// CHECK-NEXT:             -1
// CHECK-NEXT:           ],
// CHECK-NEXT:           "strided": false
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "element_type": "f32",
// CHECK-NEXT:           "kind": "memref",
// CHECK-NEXT:           "shape": [
// CHECK-NEXT:             4,
// CHECK-NEXT:             -1
// CHECK-NEXT:           ],
// CHECK-NEXT:           "strided": false
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "element_type": "f64",
// CHECK-NEXT:           "kind": "memref",
// CHECK-NEXT:           "offset": -1,
// CHECK-NEXT:           "shape": [
// CHECK-NEXT:             -1
// CHECK-NEXT:           ],
// CHECK-NEXT:           "strided": true,
// CHECK-NEXT:           "strides": [
// CHECK-NEXT:             -1
// CHECK-NEXT:           ]
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "element_type": "f32",
// CHECK-NEXT:           "kind": "memref",
// CHECK-NEXT:           "offset": 8,
// CHECK-NEXT:           "shape": [
// CHECK-NEXT:             4,
// CHECK-NEXT:             -1
// CHECK-NEXT:           ],
// CHECK-NEXT:           "strided": true,
// CHECK-NEXT:           "strides": [
// CHECK-NEXT:             -1,
// CHECK-NEXT:             1
// CHECK-NEXT:           ]
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "element_type": "i32",
// CHECK-NEXT:           "kind": "memref",
// CHECK-NEXT:           "shape": [
// CHECK-NEXT:             8
// CHECK-NEXT:           ],
// CHECK-NEXT:           "strided": false
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "element_type": "index",
// CHECK-NEXT:           "kind": "memref",
// CHECK-NEXT:           "shape": [],
// CHECK-NEXT:           "strided": false
// CHECK-NEXT:         }
// CHECK-NEXT:       ],
// CHECK-NEXT:       "name": "memrefs",
// CHECK-NEXT:       "results": [
// CHECK-NEXT:         {
// CHECK-NEXT:           "element_type": "f64",
// CHECK-NEXT:           "kind": "memref",
// CHECK-NEXT:           "shape": [
// CHECK-NEXT:             -1,
// CHECK-NEXT:             -1
// CHECK-NEXT:           ],
// CHECK-NEXT:           "strided": false
// CHECK-NEXT:         }
// CHECK-NEXT:       ]
// CHECK-NEXT:     },
func.func @memrefs(%a: memref<?xf64>, %b: memref<4x?xf32>,
                   %c: memref<?xf64, strided<[?], offset: ?>>,
                   %c2: memref<4x?xf32, strided<[?, 1], offset: 8>>,
                   %d: memref<8xi32>, %e: memref<index>) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %m = memref.alloc(%c0, %c0) : memref<?x?xf64>
  return %m : memref<?x?xf64>
}

// Types the binding cannot pass: their printed form.
// CHECK-NEXT:     {
// CHECK-NEXT:       "arguments": [
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "unsupported",
// CHECK-NEXT:           "type": "vector<4xf32>"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "unsupported",
// CHECK-NEXT:           "type": "tensor<?xf32>"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "unsupported",
// CHECK-NEXT:           "type": "memref<?xbf16>"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "unsupported",
// CHECK-NEXT:           "type": "memref<?xf64, 1>"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "unsupported",
// CHECK-NEXT:           "type": "memref<?x?xf64, affine_map<(d0, d1) -> (d1, d0)>>"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "unsupported",
// CHECK-NEXT:           "type": "i128"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "unsupported",
// CHECK-NEXT:           "type": "si32"
// CHECK-NEXT:         },
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "unsupported",
// CHECK-NEXT:           "type": "f16"
// CHECK-NEXT:         }
// CHECK-NEXT:       ],
// CHECK-NEXT:       "name": "unsupported",
// CHECK-NEXT:       "results": [
// CHECK-NEXT:         {
// CHECK-NEXT:           "kind": "unsupported",
// CHECK-NEXT:           "type": "vector<4xf32>"
// CHECK-NEXT:         }
// CHECK-NEXT:       ]
// CHECK-NEXT:     },
func.func @unsupported(%a: vector<4xf32>, %b: tensor<?xf32>, %c: memref<?xbf16>,
                       %d: memref<?xf64, 1>,
                       %e: memref<?x?xf64, affine_map<(d0, d1) -> (d1, d0)>>,
                       %f: i128, %g: si32, %h: f16) -> vector<4xf32> {
  return %a : vector<4xf32>
}

// Private definitions and declarations are skipped.
func.func private @private_def(%x: f64) -> f64 {
  return %x : f64
}
func.func private @declaration(f64) -> f64

// No arguments, no results; the last entry.
// CHECK-NEXT:     {
// CHECK-NEXT:       "arguments": [],
// CHECK-NEXT:       "name": "no_arguments",
// CHECK-NEXT:       "results": []
// CHECK-NEXT:     }
// CHECK-NEXT:   ]
// CHECK-NEXT: }
// CHECK-NOT:  private_def
// CHECK-NOT:  declaration
func.func @no_arguments() {
  return
}

// The functions of nested modules are not exported.
module @nested {
  func.func @in_nested_module(%x: f64) -> f64 {
    return %x : f64
  }
}

// The module itself is unchanged.
// IR-LABEL: func.func @scalars
// IR-LABEL: func.func @no_arguments
// IR-LABEL: module @nested

// EMPTY:      {
// EMPTY-NEXT:   "functions": []
// EMPTY-NEXT: }

// NOWRITE: error: approx-export-signatures: cannot write '{{.*}}missing-dir/sig.json': {{.*}}
