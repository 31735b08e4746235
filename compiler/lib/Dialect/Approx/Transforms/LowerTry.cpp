//===- LowerTry.cpp - approx.try to scf.if --------------------------------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxOps.h"
#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXLOWERTRY
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;
using namespace mlir::approx;

namespace {

/// Replaces the approx.yield terminating `block` by an scf.yield.
void yieldWithScf(IRRewriter &rewriter, Block &block) {
  auto yield = cast<YieldOp>(block.getTerminator());
  rewriter.setInsertionPoint(yield);
  scf::YieldOp::create(rewriter, yield.getLoc(), yield.getValues());
  rewriter.eraseOp(yield);
}

void lowerTry(IRRewriter &rewriter, TryOp tryOp) {
  Location loc = tryOp.getLoc();
  TypeRange resultTypes = tryOp.getResultTypes();

  // The approximate code keeps a region of its own.
  rewriter.setInsertionPoint(tryOp);
  auto body = scf::ExecuteRegionOp::create(rewriter, loc, resultTypes);
  body.getRegion().takeBody(tryOp.getBody());
  yieldWithScf(rewriter, body.getRegion().front());

  // The check runs on the approximate results. Its yield is read after
  // inlining, once block arguments have been replaced.
  Block &check = tryOp.getCheck().front();
  auto checkYield = cast<YieldOp>(check.getTerminator());
  rewriter.inlineBlockBefore(&check, tryOp, body.getResults());
  Value verdict = checkYield.getValues().front();
  rewriter.eraseOp(checkYield);

  rewriter.setInsertionPoint(tryOp);
  auto ifOp = scf::IfOp::create(rewriter, loc, resultTypes, verdict,
                                /*withElseRegion=*/true);
  rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
  if (!resultTypes.empty())
    scf::YieldOp::create(rewriter, loc, body.getResults());
  rewriter.setInsertionPointToStart(&ifOp.getElseRegion().front());
  auto recovered =
      func::CallOp::create(rewriter, loc, tryOp.getRecoverAttr(), resultTypes,
                           tryOp.getRecoveryOperands());
  if (!resultTypes.empty())
    scf::YieldOp::create(rewriter, loc, recovered.getResults());
  rewriter.replaceOp(tryOp, ifOp.getResults());
}

struct ApproxLowerTryPass
    : mlir::approx::impl::ApproxLowerTryBase<ApproxLowerTryPass> {
  void runOnOperation() override {
    SmallVector<TryOp> tries;
    getOperation().walk([&](TryOp tryOp) { tries.push_back(tryOp); });
    IRRewriter rewriter(&getContext());
    for (TryOp tryOp : tries)
      lowerTry(rewriter, tryOp);
  }
};

} // namespace
