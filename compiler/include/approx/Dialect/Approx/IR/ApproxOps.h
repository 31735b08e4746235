//===- ApproxOps.h - approx dialect operations ------------------*- C++ -*-===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_DIALECT_APPROX_IR_APPROXOPS_H
#define APPROX_DIALECT_APPROX_IR_APPROXOPS_H

#include "approx/Dialect/Approx/IR/ApproxDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "approx/Dialect/Approx/IR/ApproxOps.h.inc"

#endif // APPROX_DIALECT_APPROX_IR_APPROXOPS_H
