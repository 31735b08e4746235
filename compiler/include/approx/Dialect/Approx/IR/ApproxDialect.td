//===- ApproxDialect.td - The approx dialect ---------------*- tablegen -*-===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_DIALECT_APPROX_IR_APPROXDIALECT_TD
#define APPROX_DIALECT_APPROX_IR_APPROXDIALECT_TD

include "mlir/IR/OpBase.td"

def Approx_Dialect : Dialect {
  let name = "approx";
  let cppNamespace = "::mlir::approx";
  let summary = "Accuracy-aware approximation of regions of code";
  let description = [{
    The `approx` dialect represents every approximation choice of a program:
    `approx.knob` scopes an approximable region and carries the tuner's search
    space and configuration; `approx.decision_tree` and `approx.try` manage
    *when* an approximation applies (dynamically, or guarded by a safety check);
    `approx.transform` says *how* (loop perforation, function substitution, task
    skipping, neural surrogate). Passes lower these to upstream dialects.
  }];
  let useDefaultAttributePrinterParser = 1;
}

class Approx_Op<string mnemonic, list<Trait> traits = []>
    : Op<Approx_Dialect, mnemonic, traits>;

#endif // APPROX_DIALECT_APPROX_IR_APPROXDIALECT_TD
