// RUN: approx-opt %s --approx-lower-ml-regions -verify-diagnostics

// A user function that clashes with the runtime's entry point.
// expected-error @+1 {{'func.func' op has type '() -> ()' but the HPAC-ML runtime's 'approx_ml_enter' is '(memref<?xi8>, memref<?xi64>) -> i32'}}
func.func private @approx_ml_enter()

func.func @region(%x: memref<?xf64>) {
  approx.ml_region infer arrays(%x : memref<?xf64>) bounds() spec "region r f.c:1\n" {
  }
  return
}
