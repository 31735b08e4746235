//===- Finalize.cpp - Inline knob bodies ----------------------------------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxOps.h"
#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXFINALIZE
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;
using namespace mlir::approx;

namespace {

struct ApproxFinalizePass
    : mlir::approx::impl::ApproxFinalizeBase<ApproxFinalizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool leftover = false;
    module.walk([&](Operation *op) {
      if (isa<DecisionTreeOp, TryOp, TransformOp>(op)) {
        op->emitOpError("is still present at approx-finalize; run "
                        "approx-lower-decision-tree, approx-lower-try and "
                        "approx-apply-transforms first");
        leftover = true;
      }
    });
    if (leftover)
      return signalPassFailure();

    // Post-order: inner knobs are inlined into their parents first.
    SmallVector<KnobOp> knobs;
    module.walk([&](KnobOp knob) { knobs.push_back(knob); });
    IRRewriter rewriter(&getContext());
    for (KnobOp knob : knobs) {
      Block &body = knob.getBody().front();
      auto yield = cast<YieldOp>(body.getTerminator());
      // Read the yield after inlining: it may yield block arguments.
      rewriter.inlineBlockBefore(&body, knob, knob.getInputs());
      SmallVector<Value> results(yield.getValues());
      rewriter.eraseOp(yield);
      rewriter.replaceOp(knob, results);
    }

    if (emitCInterface)
      for (auto fn : module.getOps<func::FuncOp>())
        if (fn.isPublic() && !fn.isExternal())
          fn->setAttr("llvm.emit_c_interface", UnitAttr::get(&getContext()));
  }
};

} // namespace
