//===- Pipelines.cpp - The approx lowering pipeline -----------------------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace {

struct ApproxPipelineOptions
    : public PassPipelineOptions<ApproxPipelineOptions> {
  Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Mark public functions with llvm.emit_c_interface"),
      llvm::cl::init(false)};
};

} // namespace

void mlir::approx::registerApproxPipelines() {
  PassPipelineRegistration<ApproxPipelineOptions>(
      "approx-pipeline",
      "Lower every approx op: emit management ops from knob params, lower "
      "decision trees and try, apply transforms, lower HPAC-ML regions, inline "
      "knobs, canonicalize",
      [](OpPassManager &pm, const ApproxPipelineOptions &options) {
        pm.addPass(createApproxEmitManagement());
        pm.addPass(createApproxLowerDecisionTree());
        pm.addPass(createApproxLowerTry());
        pm.addPass(createApproxApplyTransforms());
        pm.addPass(createApproxLowerMLRegions());
        pm.addPass(createApproxFinalize(
            ApproxFinalizeOptions{options.emitCInterface}));
        pm.addPass(createCanonicalizerPass());
      });
}
