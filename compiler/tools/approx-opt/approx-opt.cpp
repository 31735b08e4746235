//===- approx-opt.cpp - The approx dialect optimizer driver ---------------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
// An mlir-opt with the approx dialect and passes added to every upstream
// dialect, extension and pass, so that one driver runs the whole pipeline.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxDialect.h"
#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::approx::ApproxDialect>();
  mlir::registerAllPasses();
  mlir::approx::registerApproxPasses();
  mlir::approx::registerApproxPipelines();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "approx-opt: the approxmlir optimizer driver\n", registry));
}
