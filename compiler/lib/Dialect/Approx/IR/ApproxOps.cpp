//===- ApproxOps.cpp - approx dialect operations --------------------------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::approx;

//===----------------------------------------------------------------------===//
// Custom directives: transform kinds as bare keywords.
//===----------------------------------------------------------------------===//

static ParseResult parseTransformKind(OpAsmParser &parser,
                                      TransformKindAttr &attr) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef name;
  if (parser.parseKeyword(&name))
    return failure();
  std::optional<TransformKind> kind = symbolizeTransformKind(name);
  if (!kind)
    return parser.emitError(loc, "unknown transform kind '")
           << name
           << "' (expected loop_perforate, func_substitute, task_skipping "
              "or ml_surrogate)";
  attr = TransformKindAttr::get(parser.getContext(), *kind);
  return success();
}

static void printTransformKind(OpAsmPrinter &printer, Operation *,
                               TransformKindAttr attr) {
  printer << stringifyTransformKind(attr.getValue());
}

static ParseResult parseTransformKindList(OpAsmParser &parser,
                                          ArrayAttr &attr) {
  SmallVector<Attribute> kinds;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        TransformKindAttr kind;
        if (parseTransformKind(parser, kind))
          return failure();
        kinds.push_back(kind);
        return success();
      }))
    return failure();
  attr = parser.getBuilder().getArrayAttr(kinds);
  return success();
}

static void printTransformKindList(OpAsmPrinter &printer, Operation *op,
                                   ArrayAttr attr) {
  printer << "[";
  llvm::interleaveComma(attr, printer, [&](Attribute kind) {
    printTransformKind(printer, op, cast<TransformKindAttr>(kind));
  });
  printer << "]";
}

#define GET_OP_CLASSES
#include "approx/Dialect/Approx/IR/ApproxOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Resolves `symbol` to a function, or reports which symbol is missing.
static FunctionOpInterface lookupFunction(Operation *user,
                                          SymbolTableCollection &symbolTable,
                                          FlatSymbolRefAttr symbol,
                                          StringRef role) {
  auto fn = symbolTable.lookupNearestSymbolFrom<FunctionOpInterface>(
      user, symbol.getAttr());
  if (!fn)
    user->emitOpError() << "references unknown " << role << " function "
                        << symbol;
  return fn;
}

static bool isStrictlyAscending(ArrayRef<int64_t> values) {
  return llvm::all_of(llvm::seq<size_t>(1, std::max<size_t>(values.size(), 1)),
                      [&](size_t i) { return values[i - 1] < values[i]; });
}

//===----------------------------------------------------------------------===//
// KnobOp
//===----------------------------------------------------------------------===//

bool KnobOp::allowsTransform(TransformKind kind) {
  return llvm::any_of(getTransformTypes(), [&](Attribute attr) {
    return cast<TransformKindAttr>(attr).getValue() == kind;
  });
}

LogicalResult
KnobOp::verifyParams(ParamsAttr params,
                     function_ref<InFlightDiagnostic()> emitError) {
  if (!allowsTransform(params.getTransform()))
    return emitError() << "params transform '"
                       << stringifyTransformKind(params.getTransform())
                       << "' is not one of the knob's transform_types";
  ArrayRef<int64_t> allowed = getDecisionValues();
  for (int64_t decision : params.getDecisions())
    if (!llvm::is_contained(allowed, decision))
      return emitError() << "params decision " << decision
                         << " is not one of the knob's decision_values ["
                         << allowed << "]";
  ArrayRef<int64_t> thresholds = params.getThresholds();
  if (thresholds.empty())
    return success();
  if (!getStateFn())
    return emitError() << "params have thresholds but the knob has no state "
                          "function, so it can only be configured statically";
  int64_t numThresholds = getNumThresholdsAttr().getInt();
  if (static_cast<int64_t>(thresholds.size()) != numThresholds)
    return emitError() << "params have " << thresholds.size()
                       << " thresholds but the knob's space has "
                       << numThresholds;
  // ParamsAttr::verify already guarantees strictly ascending thresholds.
  ArrayRef<int64_t> range = *getThresholdRange();
  for (int64_t threshold : thresholds)
    if (threshold < range[0] || threshold > range[1])
      return emitError() << "params threshold " << threshold
                         << " is outside the knob's threshold range [" << range
                         << "]";
  if (std::optional<ArrayRef<int64_t>> bounds = getThresholdBounds())
    for (auto [index, threshold] : llvm::enumerate(thresholds)) {
      int64_t lo = (*bounds)[2 * index], hi = (*bounds)[2 * index + 1];
      if (threshold < lo || threshold > hi)
        return emitError() << "params threshold " << index << " (" << threshold
                           << ") is outside its bounds [" << lo << ", " << hi
                           << "]";
    }
  return success();
}

/// Per-threshold bounds: one [lo, hi] pair per threshold inside `range`, that
/// admit strictly ascending thresholds (the lowest choice of each is checked).
static LogicalResult verifyThresholdBounds(KnobOp knob, ArrayRef<int64_t> range,
                                           int64_t numThresholds) {
  std::optional<ArrayRef<int64_t>> bounds = knob.getThresholdBounds();
  if (!bounds)
    return success();
  if (static_cast<int64_t>(bounds->size()) != 2 * numThresholds)
    return knob.emitOpError("threshold_bounds has ")
           << bounds->size() << " values but " << numThresholds
           << " thresholds need " << 2 * numThresholds << " ([lo, hi] each)";
  int64_t lowest = std::numeric_limits<int64_t>::min();
  for (int64_t index = 0; index < numThresholds; ++index) {
    int64_t lo = (*bounds)[2 * index], hi = (*bounds)[2 * index + 1];
    if (lo > hi || lo < range[0] || hi > range[1])
      return knob.emitOpError("threshold_bounds of threshold ")
             << index << " [" << lo << ", " << hi
             << "] is not a range inside threshold_range [" << range << "]";
    // The smallest value this threshold can take above the previous one.
    lowest = index == 0 ? lo : std::max(lo, lowest + 1);
    if (lowest > hi)
      return knob.emitOpError("threshold_bounds admit no strictly ascending "
                              "thresholds: threshold ")
             << index << " must exceed " << lowest - 1 << " but its bounds are ["
             << lo << ", " << hi << "]";
  }
  return success();
}

LogicalResult KnobOp::verify() {
  if (getId().empty())
    return emitOpError("id must not be empty");
  if (getTransformTypes().empty())
    return emitOpError("must allow at least one transform kind");
  SmallVector<TransformKind> seenKinds;
  for (Attribute attr : getTransformTypes()) {
    TransformKind kind = cast<TransformKindAttr>(attr).getValue();
    if (llvm::is_contained(seenKinds, kind))
      return emitOpError("lists transform kind '")
             << stringifyTransformKind(kind) << "' twice";
    seenKinds.push_back(kind);
  }

  ArrayRef<int64_t> decisionValues = getDecisionValues();
  if (decisionValues.empty())
    return emitOpError("decision_values must not be empty");
  if (llvm::any_of(decisionValues, [](int64_t v) { return v < 0; }))
    return emitOpError("decision_values must be non-negative");
  if (!isStrictlyAscending(decisionValues))
    return emitOpError("decision_values must be strictly ascending");

  int64_t numThresholds = getNumThresholdsAttr().getInt();
  if (getStateFn()) {
    if (numThresholds < 1)
      return emitOpError("a knob with a state function needs at least one "
                         "threshold");
    ArrayRef<int64_t> range = getThresholdRange().value_or(ArrayRef<int64_t>{});
    if (range.size() != 2)
      return emitOpError("threshold_range must be [lo, hi]");
    // Unsigned span: hi - lo cannot overflow once hi >= lo.
    if (range[1] < range[0] ||
        static_cast<uint64_t>(range[1]) - static_cast<uint64_t>(range[0]) <
            static_cast<uint64_t>(numThresholds - 1))
      return emitOpError("threshold_range [")
             << range << "] cannot hold " << numThresholds
             << " strictly ascending thresholds";
    if (failed(verifyThresholdBounds(*this, range, numThresholds)))
      return failure();
  } else if (numThresholds != 0 || getThresholdRange() ||
             getThresholdBounds()) {
    return emitOpError("thresholds need a state function");
  }

  if (ParamsAttr params = getParamsAttr())
    if (failed(verifyParams(params, [&] { return emitOpError(); })))
      return failure();

  if (static_cast<bool>(getChecker()) != static_cast<bool>(getRecover()))
    return emitOpError("a safety contract needs both a checker and a recover "
                       "function");

  // Ids are unique in the closest symbol table (normally the module), not
  // counting nested symbol tables. Report on the later occurrences, in
  // textual (pre-)order.
  Operation *scope = SymbolTable::getNearestSymbolTable(*this);
  if (!scope)
    return success();
  KnobOp first;
  scope->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op != scope && op->hasTrait<OpTrait::SymbolTable>())
      return WalkResult::skip();
    auto other = dyn_cast<KnobOp>(op);
    if (other && other.getId() == getId()) {
      first = other;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (!first || first == *this)
    return success();
  InFlightDiagnostic diag = emitOpError("duplicate knob id \"")
                            << getId() << "\"";
  diag.attachNote(first.getLoc()) << "first defined here";
  return diag;
}

LogicalResult KnobOp::verifyRegions() {
  Block &entry = getBody().front();
  if (!llvm::equal(entry.getArgumentTypes(), getInputs().getTypes()))
    return emitOpError("region arguments must match the operands' types (")
           << getInputs().size() << " operands, " << entry.getNumArguments()
           << " region arguments)";
  return success();
}

LogicalResult KnobOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  if (FlatSymbolRefAttr stateFn = getStateFnAttr()) {
    FunctionOpInterface fn =
        lookupFunction(*this, symbolTable, stateFn, "state");
    if (!fn)
      return failure();
    ArrayRef<Type> results = fn.getResultTypes();
    if (results.size() != 1 || !results[0].isSignlessIntOrIndex())
      return emitOpError("state function ")
             << stateFn << " must return a single integer or index";
    ArrayRef<Type> args = fn.getArgumentTypes();
    if (!args.empty() && !llvm::equal(args, getInputs().getTypes()))
      return emitOpError("state function ")
             << stateFn
             << " must take no arguments or exactly the knob's operands";
  }
  if (FlatSymbolRefAttr checker = getCheckerAttr()) {
    FunctionOpInterface fn =
        lookupFunction(*this, symbolTable, checker, "checker");
    if (!fn)
      return failure();
    SmallVector<Type> expected(getInputs().getTypes());
    llvm::append_range(expected, getResultTypes());
    ArrayRef<Type> results = fn.getResultTypes();
    if (!llvm::equal(fn.getArgumentTypes(), expected) || results.size() != 1 ||
        !results[0].isInteger(1))
      return emitOpError("checker ")
             << checker << " has type " << fn.getFunctionType()
             << " but must take the knob's operands then its results and "
                "return i1";
  }
  if (FlatSymbolRefAttr recover = getRecoverAttr()) {
    FunctionOpInterface fn =
        lookupFunction(*this, symbolTable, recover, "recover");
    if (!fn)
      return failure();
    if (!llvm::equal(fn.getArgumentTypes(), getInputs().getTypes()) ||
        !llvm::equal(fn.getResultTypes(), getResultTypes()))
      return emitOpError("recover function ")
             << recover << " has type " << fn.getFunctionType()
             << " but must map the knob's operands to its results";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// DecisionTreeOp
//===----------------------------------------------------------------------===//

LogicalResult DecisionTreeOp::verify() {
  ArrayRef<int64_t> thresholds = getThresholds();
  ArrayRef<int64_t> decisions = getDecisions();
  if (decisions.size() != thresholds.size() + 1)
    return emitOpError("needs one decision per branch: ")
           << thresholds.size() << " thresholds give " << thresholds.size() + 1
           << " branches, but " << decisions.size() << " decisions were given";
  if (!isStrictlyAscending(thresholds))
    return emitOpError("thresholds must be strictly ascending");
  if (llvm::any_of(decisions, [](int64_t v) { return v < 0; }))
    return emitOpError("decisions must be non-negative");
  if (getBody().front().getNumArguments() != 0)
    return emitOpError("body takes no arguments: it uses the enclosing "
                       "region's values directly");
  if (auto knob = (*this)->getParentOfType<KnobOp>())
    if (!knob.allowsTransform(getTransformType()))
      return emitOpError("transform '")
             << stringifyTransformKind(getTransformType())
             << "' is not one of the enclosing knob's transform_types";
  return success();
}

LogicalResult
DecisionTreeOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  FunctionOpInterface fn =
      lookupFunction(*this, symbolTable, getRuntimeAttr(), "runtime");
  if (!fn)
    return failure();
  ArrayRef<Type> results = fn.getResultTypes();
  if (results.size() != 1 || results[0] != getState().getType())
    return emitOpError("runtime function ")
           << getRuntimeAttr() << " must return the state's type "
           << getState().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// TryOp
//===----------------------------------------------------------------------===//

LogicalResult TryOp::verifyRegions() {
  if (getBody().front().getNumArguments() != 0)
    return emitOpError("body takes no arguments: it uses the enclosing "
                       "region's values directly");
  Block &check = getCheck().front();
  if (!llvm::equal(check.getArgumentTypes(), getResultTypes()))
    return emitOpError("check region arguments must match the results' "
                       "types (")
           << getNumResults() << " results, " << check.getNumArguments()
           << " check arguments)";
  return success();
}

LogicalResult TryOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  FunctionOpInterface fn =
      lookupFunction(*this, symbolTable, getRecoverAttr(), "recover");
  if (!fn)
    return failure();
  if (!llvm::equal(fn.getArgumentTypes(), getRecoveryOperands().getTypes()) ||
      !llvm::equal(fn.getResultTypes(), getResultTypes()))
    return emitOpError("recover function ")
           << getRecoverAttr() << " has type " << fn.getFunctionType()
           << " but the recovery operands and results need "
           << FunctionType::get(getContext(), getRecoveryOperands().getTypes(),
                                getResultTypes());
  return success();
}

//===----------------------------------------------------------------------===//
// TransformOp
//===----------------------------------------------------------------------===//

/// True when some op nested in `region` satisfies `pred`.
template <typename Pred> static bool regionContains(Region *region, Pred pred) {
  bool found = false;
  region->walk([&](Operation *op) {
    if (pred(op)) {
      found = true;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

static bool isMultiWayBranch(Operation *op) {
  return isa<RegionBranchOpInterface>(op) && !isa<LoopLikeOpInterface>(op) &&
         op->getNumRegions() >= 2;
}

LogicalResult TransformOp::verify() {
  int64_t value = getTransformValueAttr().getInt();
  if (value < 0)
    return emitOpError("transform_value must be non-negative, got ") << value;

  // The innermost enclosing decision tree or knob constrains the kind.
  TransformKind kind = getTransformType();
  for (Operation *parent = (*this)->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (auto tree = dyn_cast<DecisionTreeOp>(parent)) {
      if (tree.getTransformType() != kind)
        return emitOpError("transform '")
               << stringifyTransformKind(kind)
               << "' differs from the enclosing decision tree's '"
               << stringifyTransformKind(tree.getTransformType()) << "'";
      break;
    }
    if (auto knob = dyn_cast<KnobOp>(parent)) {
      if (!knob.allowsTransform(kind))
        return emitOpError("transform '")
               << stringifyTransformKind(kind)
               << "' is not one of the enclosing knob's transform_types";
      break;
    }
  }

  Region *region = (*this)->getParentRegion();
  switch (kind) {
  case TransformKind::LoopPerforate:
    if (!regionContains(
            region, [](Operation *op) { return isa<LoopLikeOpInterface>(op); }))
      return emitOpError("loop_perforate needs a loop in its region");
    break;
  case TransformKind::FuncSubstitute:
    if (!regionContains(region,
                        [](Operation *op) { return isa<CallOpInterface>(op); }))
      return emitOpError("func_substitute needs a call in its region");
    break;
  case TransformKind::TaskSkipping:
    if (!regionContains(region, isMultiWayBranch))
      return emitOpError("task_skipping needs a branch (scf.if or "
                         "scf.index_switch) in its region");
    break;
  case TransformKind::MlSurrogate:
    break;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// MLRegionOp
//===----------------------------------------------------------------------===//

/// Checks that the `map` lines of an ml_region spec name arrays and bounds
/// the op has (runtime/ml/README.md: `map <dir> <functor> <n> <target>...`,
/// a target being `array,offset_bound,lo,hi,step,...`).
static LogicalResult verifySpecReferences(MLRegionOp op) {
  SmallVector<StringRef> lines;
  op.getSpec().split(lines, '\n', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  int64_t numArrays = op.getArrays().size();
  int64_t numBounds = op.getBounds().size();
  for (StringRef line : lines) {
    if (!line.starts_with("map "))
      continue;
    SmallVector<StringRef> tokens;
    line.split(tokens, ' ', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
    for (StringRef target : llvm::drop_begin(tokens, 4)) {
      SmallVector<StringRef> fields;
      target.split(fields, ',');
      int64_t array, offset;
      if (fields.size() < 2 || (fields.size() - 2) % 3 != 0 ||
          fields[0].getAsInteger(10, array) ||
          fields[1].getAsInteger(10, offset))
        return op.emitOpError("spec has a malformed map target '")
               << target << "'";
      if (array < 0 || array >= numArrays)
        return op.emitOpError("spec maps array #")
               << array << " but the op has " << numArrays << " arrays";
      for (StringRef field : llvm::drop_begin(fields, 1)) {
        int64_t bound;
        if (field.getAsInteger(10, bound) || bound < -1 || bound >= numBounds)
          return op.emitOpError("spec refers to bound #")
                 << field << " but the op has " << numBounds << " bounds";
      }
    }
  }
  return success();
}

LogicalResult MLRegionOp::verify() {
  bool predicated = getMode() == MLMode::Predicated;
  if (predicated && !getPredicate())
    return emitOpError("in predicated mode needs a predicate operand");
  if (!predicated && getPredicate())
    return emitOpError("has a predicate operand but its mode is '")
           << stringifyMLMode(getMode()) << "'";
  if (!getSpec().starts_with("region "))
    return emitOpError(
        "spec must start with a 'region <name> <file>:<line>' line");
  for (auto [i, array] : llvm::enumerate(getArrays())) {
    auto type = cast<MemRefType>(array.getType());
    Type element = type.getElementType();
    if (!element.isF32() && !element.isF64() && !element.isInteger(32) &&
        !element.isInteger(64))
      return emitOpError("array #")
             << i << " has element type " << element
             << "; the data bridge handles f32, f64, i32 and i64";
    if (type.getRank() == 0)
      return emitOpError("array #") << i << " has rank 0";
  }
  if (IntegerAttr choice = getModelChoiceAttr(); choice && choice.getInt() < -1)
    return emitOpError("model_choice must be -1 (exact code), 0 (the model "
                       "clause) or a model number, got ")
           << choice.getInt();
  return verifySpecReferences(*this);
}

//===----------------------------------------------------------------------===//
// YieldOp
//===----------------------------------------------------------------------===//

LogicalResult YieldOp::verify() {
  Operation *parent = (*this)->getParentOp();
  auto tryOp = dyn_cast<TryOp>(parent);
  if (tryOp && (*this)->getParentRegion() == &tryOp.getCheck()) {
    if (getValues().size() != 1 || !getValues()[0].getType().isInteger(1))
      return emitOpError("in a check region must yield a single i1");
    return success();
  }
  if (!llvm::equal(getValues().getTypes(), parent->getResultTypes()))
    return emitOpError("types must match the results of the parent '")
           << parent->getName() << "' (yielded " << getValues().size()
           << " values, parent has " << parent->getNumResults() << " results)";
  return success();
}
