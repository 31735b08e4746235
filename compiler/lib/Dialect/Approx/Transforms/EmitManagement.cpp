//===- EmitManagement.cpp - Knob params to management ops -----------------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxOps.h"
#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXEMITMANAGEMENT
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;
using namespace mlir::approx;

namespace {

/// Moves the ops of `body` that follow `wrapper` (up to the terminator) into a
/// new block of `region`, ending it with an approx.yield of what the knob
/// yielded; the knob then yields the wrapper's results instead.
void wrapRestOfBody(OpBuilder &builder, Block &body, Operation *wrapper,
                    Region &region, TypeRange blockArgTypes = {}) {
  auto terminator = cast<YieldOp>(body.getTerminator());
  Block *block = builder.createBlock(&region);
  for (Type type : blockArgTypes)
    block->addArgument(type, wrapper->getLoc());
  block->getOperations().splice(block->end(), body.getOperations(),
                                std::next(wrapper->getIterator()),
                                terminator->getIterator());
  builder.setInsertionPointToEnd(block);
  YieldOp::create(builder, terminator.getLoc(), terminator.getValues());
  terminator.getValuesMutable().assign(wrapper->getResults());
}

/// Wraps the knob's body in a decision tree fed by the state function.
void emitDecisionTree(KnobOp knob, ParamsAttr params) {
  Block &body = knob.getBody().front();
  Location loc = knob.getLoc();
  OpBuilder builder(knob.getContext());
  builder.setInsertionPointToStart(&body);

  auto stateFn = SymbolTable::lookupNearestSymbolFrom<FunctionOpInterface>(
      knob, knob.getStateFnAttr());
  ValueRange stateArgs;
  if (stateFn.getNumArguments() != 0)
    stateArgs = body.getArguments();
  auto state = func::CallOp::create(builder, loc, knob.getStateFnAttr(),
                                    stateFn.getResultTypes(), stateArgs);
  auto tree = DecisionTreeOp::create(
      builder, loc, body.getTerminator()->getOperandTypes(), state.getResult(0),
      knob.getStateFnAttr(),
      builder.getDenseI64ArrayAttr(params.getThresholds()),
      builder.getDenseI64ArrayAttr(params.getDecisions()),
      TransformKindAttr::get(knob.getContext(), params.getTransform()));
  wrapRestOfBody(builder, body, tree, tree.getBody());
}

/// Wraps the knob's body in approx.try { body } check { checker(...) }.
void emitTry(KnobOp knob) {
  Block &body = knob.getBody().front();
  Location loc = knob.getLoc();
  OpBuilder builder(knob.getContext());
  builder.setInsertionPointToStart(&body);

  TypeRange resultTypes = knob.getResultTypes();
  auto tryOp = TryOp::create(builder, loc, resultTypes, body.getArguments(),
                             knob.getRecoverAttr());
  wrapRestOfBody(builder, body, tryOp, tryOp.getBody());

  Block *check = builder.createBlock(&tryOp.getCheck());
  SmallVector<Value> checkArgs(body.getArguments());
  for (Type type : resultTypes)
    checkArgs.push_back(check->addArgument(type, loc));
  auto verdict = func::CallOp::create(builder, loc, knob.getCheckerAttr(),
                                      builder.getI1Type(), checkArgs);
  YieldOp::create(builder, loc, verdict.getResults());
}

struct ApproxEmitManagementPass
    : mlir::approx::impl::ApproxEmitManagementBase<ApproxEmitManagementPass> {
  void runOnOperation() override {
    bool failedAny = false;
    getOperation().walk([&](KnobOp knob) {
      ParamsAttr params = knob.getParamsAttr();
      if (!params)
        return;
      Block &body = knob.getBody().front();
      if (llvm::any_of(body, [](Operation &op) {
            return isa<DecisionTreeOp, TransformOp, TryOp>(op);
          })) {
        knob.emitError("knob \"")
            << knob.getId()
            << "\" has params and already holds management ops; "
               "approx-emit-management runs once per knob";
        failedAny = true;
        return;
      }
      if (params.isDynamic()) {
        emitDecisionTree(knob, params);
      } else {
        OpBuilder builder = OpBuilder::atBlockBegin(&body);
        TransformOp::create(builder, knob.getLoc(), params.getTransform(),
                            params.getDecisions().front());
      }
      if (knob.getCheckerAttr())
        emitTry(knob);
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
