//===- LowerMLRegions.cpp - approx.ml_region to runtime calls -------------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxOps.h"
#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXLOWERMLREGIONS
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;
using namespace mlir::approx;

namespace {

constexpr StringLiteral kEnter = "approx_ml_enter";
constexpr StringLiteral kExit = "approx_ml_exit";

/// Element kinds and sizes as runtime/ml/README.md numbers them.
struct ElementKind {
  int64_t code;
  int64_t bytes;
};

std::optional<ElementKind> elementKind(Type type) {
  if (type.isF32())
    return ElementKind{0, 4};
  if (type.isF64())
    return ElementKind{1, 8};
  if (type.isInteger(32))
    return ElementKind{2, 4};
  if (type.isInteger(64))
    return ElementKind{3, 8};
  return std::nullopt;
}

/// `@name(memref<?xi8>, memref<?xi64>) -> results`, declared once.
FailureOr<func::FuncOp> declareRuntime(ModuleOp module, StringRef name,
                                       TypeRange results) {
  MLIRContext *ctx = module.getContext();
  auto type = FunctionType::get(
      ctx,
      {MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8)),
       MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 64))},
      results);
  if (auto existing = module.lookupSymbol<func::FuncOp>(name)) {
    if (existing.getFunctionType() != type)
      return existing.emitOpError("has type ")
             << existing.getFunctionType() << " but the HPAC-ML runtime's '"
             << name << "' is " << type;
    return existing;
  }
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto decl = func::FuncOp::create(builder, module.getLoc(), name, type);
  decl.setPrivate();
  return decl;
}

/// A private constant global holding `spec`'s bytes.
memref::GlobalOp specGlobal(ModuleOp module, SymbolTable &symbols,
                            StringRef spec) {
  MLIRContext *ctx = module.getContext();
  auto i8 = IntegerType::get(ctx, 8);
  auto type = MemRefType::get({static_cast<int64_t>(spec.size())}, i8);
  SmallVector<int8_t> bytes(spec.begin(), spec.end());
  auto init = DenseElementsAttr::get(RankedTensorType::get(type.getShape(), i8),
                                     ArrayRef<int8_t>(bytes));
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  auto global =
      memref::GlobalOp::create(builder, module.getLoc(), "__approx_ml_spec",
                               builder.getStringAttr("private"), type, init,
                               /*constant=*/true, /*alignment=*/nullptr);
  symbols.insert(global); // renames on collision
  return global;
}

class Lowering {
public:
  Lowering(IRRewriter &rewriter, Location loc) : b(rewriter), loc(loc) {}

  Value i64(int64_t value) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(value));
  }

  Value toI64(Value value) {
    if (value.getType().isIndex())
      return arith::IndexCastOp::create(b, loc, b.getI64Type(), value);
    return arith::ExtUIOp::create(b, loc, b.getI64Type(), value);
  }

  /// Address, element kind, rank, sizes, strides of one array.
  void describeArray(Value array, ElementKind kind,
                     SmallVectorImpl<Value> &words) {
    auto type = cast<MemRefType>(array.getType());
    auto meta = memref::ExtractStridedMetadataOp::create(b, loc, array);
    Value aligned =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, array);
    Value offsetBytes = arith::MulIOp::create(
        b, loc, meta.getOffset(),
        arith::ConstantIndexOp::create(b, loc, kind.bytes));
    words.push_back(toI64(arith::AddIOp::create(b, loc, aligned, offsetBytes)));
    words.push_back(i64(kind.code));
    words.push_back(i64(type.getRank()));
    for (Value size : meta.getSizes())
      words.push_back(toI64(size));
    for (Value stride : meta.getStrides())
      words.push_back(toI64(stride));
  }

  /// A stack buffer holding `words`, as memref<?xi64>.
  Value buffer(ArrayRef<Value> words) {
    auto type =
        MemRefType::get({static_cast<int64_t>(words.size())}, b.getI64Type());
    Value storage = memref::AllocaOp::create(b, loc, type);
    for (auto [i, word] : llvm::enumerate(words))
      memref::StoreOp::create(
          b, loc, word, storage,
          ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
    return memref::CastOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI64Type()),
        storage);
  }

  IRRewriter &b;
  Location loc;
};

/// `callee(spec, buffer of words)` inside a `memref.alloca_scope`, so that a
/// region inside a loop does not grow the stack on every iteration. The scope
/// holds a single block (the verifier requires it once scf is lowered to cf),
/// so enter and exit each get their own.
Value callWithWords(Lowering &l, func::FuncOp callee, Value spec,
                    ArrayRef<Value> words) {
  IRRewriter &b = l.b;
  auto scope = memref::AllocaScopeOp::create(b, l.loc, callee.getResultTypes());
  OpBuilder::InsertionGuard guard(b);
  b.createBlock(&scope.getBodyRegion());
  auto call =
      func::CallOp::create(b, l.loc, callee, ValueRange{spec, l.buffer(words)});
  memref::AllocaScopeReturnOp::create(b, l.loc, call.getResults());
  return scope.getNumResults() ? scope.getResult(0) : Value();
}

LogicalResult lowerRegion(IRRewriter &rewriter, MLRegionOp op,
                          memref::GlobalOp spec, func::FuncOp enter,
                          func::FuncOp exit) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Lowering l(rewriter, loc);

  SmallVector<Value> words;
  words.push_back(l.i64(static_cast<int64_t>(op.getMode())));
  words.push_back(op.getPredicate() ? l.toI64(op.getPredicate()) : l.i64(0));
  words.push_back(op.getEnabled() ? l.toI64(op.getEnabled()) : l.i64(1));
  IntegerAttr choice = op.getModelChoiceAttr();
  words.push_back(l.i64(choice ? choice.getInt() : 0));
  words.push_back(l.i64(op.getArrays().size()));
  for (Value array : op.getArrays()) {
    auto kind = elementKind(cast<MemRefType>(array.getType()).getElementType());
    if (!kind)
      return op.emitOpError("array element type not supported by the runtime");
    l.describeArray(array, *kind, words);
  }
  words.push_back(l.i64(op.getBounds().size()));
  llvm::append_range(words, op.getBounds());

  Value specBytes = memref::GetGlobalOp::create(rewriter, loc, spec.getType(),
                                                spec.getSymName());
  Value specArg = memref::CastOp::create(
      rewriter, loc,
      MemRefType::get({ShapedType::kDynamic}, rewriter.getI8Type()), specBytes);

  Value code = callWithWords(l, enter, specArg, words);
  Value runExact = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::eq, code,
      arith::ConstantOp::create(rewriter, loc, rewriter.getI32IntegerAttr(0)));
  auto ifOp = scf::IfOp::create(rewriter, loc, TypeRange{}, runExact,
                                /*withElseRegion=*/false);

  // The exact code, then the exit call that records its outputs.
  Block &body = op.getBody().front();
  rewriter.eraseOp(body.getTerminator());
  Operation *thenYield = ifOp.thenBlock()->getTerminator();
  rewriter.inlineBlockBefore(&body, thenYield);
  rewriter.setInsertionPoint(thenYield);
  callWithWords(l, exit, specArg, words);
  rewriter.eraseOp(op);
  return success();
}

struct ApproxLowerMLRegionsPass
    : mlir::approx::impl::ApproxLowerMLRegionsBase<ApproxLowerMLRegionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<MLRegionOp> regions;
    module.walk([&](MLRegionOp op) { regions.push_back(op); });
    if (regions.empty())
      return;

    MLIRContext *ctx = module.getContext();
    FailureOr<func::FuncOp> enter =
        declareRuntime(module, kEnter, IntegerType::get(ctx, 32));
    FailureOr<func::FuncOp> exit = declareRuntime(module, kExit, {});
    if (failed(enter) || failed(exit))
      return signalPassFailure();

    SymbolTable symbols(module);
    IRRewriter rewriter(ctx);
    // Inner regions first: an outer region's body moves as a whole.
    for (MLRegionOp op : llvm::reverse(regions)) {
      memref::GlobalOp spec = specGlobal(module, symbols, op.getSpec());
      if (failed(lowerRegion(rewriter, op, spec, *enter, *exit)))
        return signalPassFailure();
    }
  }
};

} // namespace
