//===- Passes.h - approx dialect passes -------------------------*- C++ -*-===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_DIALECT_APPROX_TRANSFORMS_PASSES_H
#define APPROX_DIALECT_APPROX_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>
#include <string>

namespace mlir {
namespace approx {

#define GEN_PASS_DECL
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"

/// Registers `approx-pipeline`: emit management ops, lower decision trees and
/// try, apply transforms, finalize, then canonicalize.
void registerApproxPipelines();

} // namespace approx
} // namespace mlir

#endif // APPROX_DIALECT_APPROX_TRANSFORMS_PASSES_H
