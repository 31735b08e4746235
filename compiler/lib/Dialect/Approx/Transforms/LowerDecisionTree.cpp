//===- LowerDecisionTree.cpp - approx.decision_tree to scf.index_switch ---===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxOps.h"
#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXLOWERDECISIONTREE
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;
using namespace mlir::approx;

namespace {

/// True when `value` is representable in the signless integer `type`.
bool fitsIn(int64_t value, Type type) {
  unsigned width = type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
  if (width >= 64)
    return true;
  if (width == 1)
    return value == 0 || value == -1;
  int64_t bound = int64_t(1) << (width - 1);
  return value >= -bound && value < bound;
}

LogicalResult lowerDecisionTree(IRRewriter &rewriter, DecisionTreeOp tree) {
  Value state = tree.getState();
  Type stateType = state.getType();
  ArrayRef<int64_t> thresholds = tree.getThresholds();
  for (int64_t threshold : thresholds)
    if (!fitsIn(threshold, stateType))
      return tree.emitOpError("threshold ")
             << threshold << " does not fit the state's type " << stateType;

  Location loc = tree.getLoc();
  rewriter.setInsertionPoint(tree);
  // Branch index = number of thresholds <= state (they are ascending).
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value index = zero;
  for (int64_t threshold : thresholds) {
    Value bound = arith::ConstantOp::create(
        rewriter, loc, rewriter.getIntegerAttr(stateType, threshold));
    Value reached = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::sge, state, bound);
    Value step = arith::SelectOp::create(rewriter, loc, reached, one, zero);
    index = arith::AddIOp::create(rewriter, loc, index, step);
  }

  auto cases = llvm::to_vector(llvm::seq<int64_t>(0, thresholds.size()));
  auto switchOp = scf::IndexSwitchOp::create(
      rewriter, loc, tree.getResultTypes(), index, cases, cases.size());
  ArrayRef<int64_t> decisions = tree.getDecisions();
  for (auto [branch, decision] : llvm::enumerate(decisions)) {
    Region &region = branch < cases.size() ? switchOp.getCaseRegions()[branch]
                                           : switchOp.getDefaultRegion();
    IRMapping mapping;
    tree.getBody().cloneInto(&region, mapping);
    Block &block = region.front();
    // Knobs nested in the body now exist once per branch; their ids must stay
    // unique in the module, so each copy is suffixed with its branch.
    region.walk([&](KnobOp knob) {
      knob.setId((knob.getId() + "#" + Twine(branch)).str());
    });
    auto yield = cast<YieldOp>(block.getTerminator());
    rewriter.setInsertionPoint(yield);
    scf::YieldOp::create(rewriter, yield.getLoc(), yield.getValues());
    rewriter.eraseOp(yield);
    rewriter.setInsertionPointToStart(&block);
    TransformOp::create(rewriter, loc, tree.getTransformType(), decision);
  }
  rewriter.replaceOp(tree, switchOp.getResults());
  return success();
}

struct ApproxLowerDecisionTreePass
    : mlir::approx::impl::ApproxLowerDecisionTreeBase<
          ApproxLowerDecisionTreePass> {
  void runOnOperation() override {
    SmallVector<DecisionTreeOp> trees;
    getOperation().walk([&](DecisionTreeOp tree) { trees.push_back(tree); });
    IRRewriter rewriter(&getContext());
    bool failedAny = false;
    for (DecisionTreeOp tree : trees)
      failedAny |= failed(lowerDecisionTree(rewriter, tree));
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
