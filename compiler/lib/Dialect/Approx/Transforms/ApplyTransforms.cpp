//===- ApplyTransforms.cpp - Apply approx.transform to its region ---------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxOps.h"
#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXAPPLYTRANSFORMS
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;
using namespace mlir::approx;

namespace {

/// Reports why a transform cannot apply; a no-op when only probing.
using Diagnose = function_ref<void(const Twine &)>;

/// The first op of type `OpTy` in the region holding `transform`, in program
/// order (outer before inner). Nested knobs belong to their own transforms.
template <typename... OpTys> Operation *findTarget(TransformOp transform) {
  Operation *found = nullptr;
  transform->getParentRegion()->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (isa<KnobOp>(op))
      return WalkResult::skip();
    if (isa<OpTys...>(op)) {
      found = op;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

int64_t valueOf(TransformOp transform) {
  return transform.getTransformValueAttr().getInt();
}

//===----------------------------------------------------------------------===//
// Task skipping: branch chains.
//===----------------------------------------------------------------------===//

/// The scf.if that an else block merely forwards (an else-if link): the last
/// op before the terminator, whose results are exactly what is yielded.
scf::IfOp elseIfLink(scf::IfOp ifOp) {
  if (ifOp.getElseRegion().empty())
    return {};
  Block &block = ifOp.getElseRegion().front();
  Operation *terminator = block.getTerminator();
  if (&block.front() == terminator)
    return {};
  auto inner = dyn_cast<scf::IfOp>(terminator->getPrevNode());
  if (!inner || !llvm::equal(inner.getResults(), terminator->getOperands()))
    return {};
  return inner;
}

/// Number of branches of the chain starting at `op`; an scf.if without else
/// counts its (empty) else as a branch that does nothing.
int64_t countBranches(Operation *op) {
  if (auto switchOp = dyn_cast<scf::IndexSwitchOp>(op))
    return switchOp.getNumCases() + 1;
  auto ifOp = cast<scf::IfOp>(op);
  if (scf::IfOp inner = elseIfLink(ifOp))
    return 1 + countBranches(inner);
  return 2;
}

/// Replaces `op` by the contents of `region`'s block (its scf.yield operands
/// become op's results). An empty region stands for doing nothing.
void inlineBranch(PatternRewriter &rewriter, Operation *op, Region &region) {
  if (region.empty()) {
    rewriter.eraseOp(op);
    return;
  }
  Block &block = region.front();
  Operation *terminator = block.getTerminator();
  SmallVector<Value> results(terminator->getOperands());
  rewriter.eraseOp(terminator);
  rewriter.inlineBlockBefore(&block, op);
  rewriter.replaceOp(op, results);
}

/// Keeps branch `branch` (0-based) of the chain starting at `op`.
void keepBranch(PatternRewriter &rewriter, Operation *op, int64_t branch) {
  if (auto switchOp = dyn_cast<scf::IndexSwitchOp>(op)) {
    Region &region = branch < switchOp.getNumCases()
                         ? switchOp.getCaseRegions()[branch]
                         : switchOp.getDefaultRegion();
    return inlineBranch(rewriter, op, region);
  }
  auto ifOp = cast<scf::IfOp>(op);
  if (branch == 0)
    return inlineBranch(rewriter, op, ifOp.getThenRegion());
  scf::IfOp inner = elseIfLink(ifOp);
  // Reaching a later branch runs the else block's leading ops too (they
  // compute the next condition), so the whole else block is inlined.
  inlineBranch(rewriter, op, ifOp.getElseRegion());
  if (inner)
    keepBranch(rewriter, inner, branch - 1);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Value 0 is exact: the transform just goes away.
struct DropExactTransform : OpRewritePattern<TransformOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransformOp transform,
                                PatternRewriter &rewriter) const override {
    if (valueOf(transform) != 0)
      return failure();
    rewriter.eraseOp(transform);
    return success();
  }
};

/// Base of the patterns for one transform kind and a value > 0. `check`
/// returns the op to rewrite, or null after explaining why through `diag`.
template <TransformKind Kind>
struct TransformPattern : OpRewritePattern<TransformOp> {
  using OpRewritePattern::OpRewritePattern;

  virtual Operation *check(TransformOp transform, Diagnose diag) const = 0;
  virtual void apply(TransformOp transform, Operation *target,
                     PatternRewriter &rewriter) const = 0;

  LogicalResult matchAndRewrite(TransformOp transform,
                                PatternRewriter &rewriter) const override {
    if (transform.getTransformType() != Kind || valueOf(transform) == 0)
      return failure();
    Operation *target = check(transform, [](const Twine &) {});
    if (!target)
      return failure();
    apply(transform, target, rewriter);
    rewriter.eraseOp(transform);
    return success();
  }
};

struct LoopPerforation : TransformPattern<TransformKind::LoopPerforate> {
  using TransformPattern::TransformPattern;

  Operation *check(TransformOp transform, Diagnose diag) const override {
    auto loop = cast_or_null<scf::ForOp>(findTarget<scf::ForOp>(transform));
    if (!loop) {
      diag("loop_perforate found no scf.for in its region (other loop kinds "
           "are not perforated)");
      return nullptr;
    }
    // The step is multiplied by value + 1, which must be a positive number
    // of the step's type.
    Type stepType = loop.getStep().getType();
    unsigned width = stepType.isIndex() ? 64 : stepType.getIntOrFloatBitWidth();
    int64_t value = valueOf(transform);
    int64_t maxFactor =
        width >= 64 ? INT64_MAX : (int64_t(1) << (width - 1)) - 1;
    if (value >= maxFactor) {
      std::string type;
      llvm::raw_string_ostream os(type);
      os << stepType;
      diag("loop_perforate " + Twine(value) +
           " multiplies the step by value + 1, which does not fit the step "
           "type " +
           type);
      return nullptr;
    }
    return loop;
  }

  void apply(TransformOp transform, Operation *target,
             PatternRewriter &rewriter) const override {
    auto loop = cast<scf::ForOp>(target);
    Value step = loop.getStep();
    rewriter.setInsertionPoint(loop);
    Value factor = arith::ConstantOp::create(
        rewriter, transform.getLoc(),
        rewriter.getIntegerAttr(step.getType(), valueOf(transform) + 1));
    Value newStep =
        arith::MulIOp::create(rewriter, transform.getLoc(), step, factor);
    rewriter.modifyOpInPlace(loop,
                             [&] { loop.getStepMutable().assign(newStep); });
  }
};

struct FunctionSubstitution : TransformPattern<TransformKind::FuncSubstitute> {
  using TransformPattern::TransformPattern;

  /// `approx_<callee>_<value>`. The C frontend keeps the exact body of an
  /// annotated function `f` as `__internal_f`; its variants are `approx_f_<v>`.
  static std::string variantName(func::CallOp call, int64_t value) {
    StringRef callee = call.getCallee();
    callee.consume_front("__internal_");
    return ("approx_" + callee + "_" + Twine(value)).str();
  }

  Operation *check(TransformOp transform, Diagnose diag) const override {
    auto call = cast_or_null<func::CallOp>(findTarget<func::CallOp>(transform));
    if (!call) {
      diag("func_substitute found no func.call in its region");
      return nullptr;
    }
    std::string name = variantName(call, valueOf(transform));
    auto variant = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, StringAttr::get(call.getContext(), name));
    if (!variant) {
      diag("func_substitute " + Twine(valueOf(transform)) + " of @" +
           call.getCallee() + " needs a function @" + name);
      return nullptr;
    }
    if (!llvm::equal(variant.getArgumentTypes(), call.getOperandTypes()) ||
        !llvm::equal(variant.getResultTypes(), call.getResultTypes())) {
      std::string type;
      llvm::raw_string_ostream os(type);
      os << variant.getFunctionType();
      diag("variant @" + name + " has type " + type +
           ", which does not match the call of @" + call.getCallee());
      return nullptr;
    }
    return call;
  }

  void apply(TransformOp transform, Operation *target,
             PatternRewriter &rewriter) const override {
    auto call = cast<func::CallOp>(target);
    std::string name = variantName(call, valueOf(transform));
    rewriter.modifyOpInPlace(call, [&] {
      call.setCalleeAttr(FlatSymbolRefAttr::get(call.getContext(), name));
    });
  }
};

struct TaskSkipping : TransformPattern<TransformKind::TaskSkipping> {
  using TransformPattern::TransformPattern;

  Operation *check(TransformOp transform, Diagnose diag) const override {
    Operation *branch = findTarget<scf::IfOp, scf::IndexSwitchOp>(transform);
    if (!branch) {
      diag("task_skipping found no scf.if or scf.index_switch in its region");
      return nullptr;
    }
    int64_t branches = countBranches(branch);
    if (valueOf(transform) > branches) {
      diag("task_skipping " + Twine(valueOf(transform)) +
           " selects a branch past the last one (the '" +
           branch->getName().getStringRef() + "' chain has " + Twine(branches) +
           " branches)");
      return nullptr;
    }
    return branch;
  }

  void apply(TransformOp transform, Operation *target,
             PatternRewriter &rewriter) const override {
    keepBranch(rewriter, target, valueOf(transform) - 1);
  }
};

/// ml_surrogate picks the model of the region's approx.ml_region for every
/// value, 0 included: 0 runs the exact code, v > 0 the v-th trained model.
struct MLSurrogate : OpRewritePattern<TransformOp> {
  using OpRewritePattern::OpRewritePattern;

  static MLRegionOp check(TransformOp transform, Diagnose diag) {
    auto region = cast_or_null<MLRegionOp>(findTarget<MLRegionOp>(transform));
    if (!region)
      diag("ml_surrogate found no approx.ml_region in its region");
    return region;
  }

  LogicalResult matchAndRewrite(TransformOp transform,
                                PatternRewriter &rewriter) const override {
    if (transform.getTransformType() != TransformKind::MlSurrogate)
      return failure();
    MLRegionOp region = check(transform, [](const Twine &) {});
    if (!region)
      return failure();
    int64_t value = valueOf(transform);
    rewriter.modifyOpInPlace(region, [&] {
      region.setModelChoiceAttr(
          rewriter.getI64IntegerAttr(value == 0 ? -1 : value));
    });
    rewriter.eraseOp(transform);
    return success();
  }
};

/// Explains why `transform` cannot be applied.
void diagnose(TransformOp transform) {
  auto emit = [&](const Twine &why) { transform.emitOpError(why); };
  switch (transform.getTransformType()) {
  case TransformKind::LoopPerforate:
    LoopPerforation(transform.getContext()).check(transform, emit);
    break;
  case TransformKind::FuncSubstitute:
    FunctionSubstitution(transform.getContext()).check(transform, emit);
    break;
  case TransformKind::TaskSkipping:
    TaskSkipping(transform.getContext()).check(transform, emit);
    break;
  case TransformKind::MlSurrogate:
    MLSurrogate::check(transform, emit);
    break;
  }
}

/// Records erased transforms: task skipping drops branches that may hold some.
struct ErasureTracker : RewriterBase::Listener {
  DenseSet<Operation *> erased;
  void notifyOperationErased(Operation *op) override { erased.insert(op); }
};

unsigned nestingDepth(Operation *op) {
  unsigned depth = 0;
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp())
    ++depth;
  return depth;
}

struct ApproxApplyTransformsPass
    : mlir::approx::impl::ApproxApplyTransformsBase<ApproxApplyTransformsPass> {
  void runOnOperation() override {
    // Innermost regions first, so that a transform acts on its region before
    // an enclosing transform reshapes it; program order within a depth.
    SmallVector<std::pair<unsigned, TransformOp>> order;
    getOperation().walk<WalkOrder::PreOrder>([&](TransformOp transform) {
      order.emplace_back(nestingDepth(transform), transform);
    });
    llvm::stable_sort(
        order, [](const auto &a, const auto &b) { return a.first > b.first; });

    RewritePatternSet patterns(&getContext());
    // MLSurrogate first: its value 0 is not dropped.
    patterns.add<MLSurrogate, DropExactTransform, LoopPerforation,
                 FunctionSubstitution, TaskSkipping>(&getContext());
    ErasureTracker tracker;
    PatternRewriter rewriter(&getContext());
    rewriter.setListener(&tracker);
    bool failedAny = false;
    for (auto &[depth, transform] : order) {
      if (tracker.erased.contains(transform))
        continue;
      bool applied = llvm::any_of(
          patterns.getNativePatterns(),
          [&, transform = transform](const std::unique_ptr<RewritePattern> &p) {
            rewriter.setInsertionPoint(transform);
            return succeeded(p->matchAndRewrite(transform, rewriter));
          });
      if (!applied) {
        diagnose(transform);
        failedAny = true;
      }
    }
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
