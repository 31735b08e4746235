//===- ApproxDialect.cpp - The approx dialect -----------------------------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxDialect.h"
#include "approx/Dialect/Approx/IR/ApproxOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::approx;

#include "approx/Dialect/Approx/IR/ApproxDialect.cpp.inc"
#include "approx/Dialect/Approx/IR/ApproxEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "approx/Dialect/Approx/IR/ApproxAttrs.cpp.inc"

void ApproxDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "approx/Dialect/Approx/IR/ApproxAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "approx/Dialect/Approx/IR/ApproxOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// ParamsAttr
//===----------------------------------------------------------------------===//

static ParseResult parseIntList(AsmParser &parser,
                                SmallVectorImpl<int64_t> &values) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
    return parser.parseInteger(values.emplace_back());
  });
}

/// #approx.params<transform = K [, thresholds = [..]], decisions = [..]>
Attribute ParamsAttr::parse(AsmParser &parser, Type) {
  SMLoc attrLoc = parser.getCurrentLocation();
  StringRef kindName;
  SMLoc kindLoc;
  if (parser.parseLess() || parser.parseKeyword("transform") ||
      parser.parseEqual() || parser.getCurrentLocation(&kindLoc) ||
      parser.parseKeyword(&kindName))
    return {};
  std::optional<TransformKind> kind = symbolizeTransformKind(kindName);
  if (!kind) {
    parser.emitError(kindLoc, "unknown transform kind '") << kindName << "'";
    return {};
  }
  SmallVector<int64_t> thresholds, decisions;
  if (parser.parseComma())
    return {};
  if (succeeded(parser.parseOptionalKeyword("thresholds"))) {
    if (parser.parseEqual() || parseIntList(parser, thresholds) ||
        parser.parseComma())
      return {};
  }
  if (parser.parseKeyword("decisions") || parser.parseEqual() ||
      parseIntList(parser, decisions) || parser.parseGreater())
    return {};
  return ParamsAttr::getChecked(
      [&] { return parser.emitError(attrLoc); }, parser.getContext(), *kind,
      ArrayRef<int64_t>(thresholds), ArrayRef<int64_t>(decisions));
}

void ParamsAttr::print(AsmPrinter &printer) const {
  printer << "<transform = " << stringifyTransformKind(getTransform());
  if (!getThresholds().empty())
    printer << ", thresholds = [" << getThresholds() << "]";
  printer << ", decisions = [" << getDecisions() << "]>";
}

LogicalResult ParamsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 TransformKind transform,
                                 ArrayRef<int64_t> thresholds,
                                 ArrayRef<int64_t> decisions) {
  if (decisions.size() != thresholds.size() + 1)
    return emitError() << "params need one decision per branch: "
                       << thresholds.size() << " thresholds give "
                       << thresholds.size() + 1 << " branches, but "
                       << decisions.size() << " decisions were given";
  for (size_t i = 1; i < thresholds.size(); ++i)
    if (thresholds[i - 1] >= thresholds[i])
      return emitError() << "params thresholds must be strictly ascending, "
                         << "but threshold " << i << " (" << thresholds[i]
                         << ") follows " << thresholds[i - 1];
  for (int64_t decision : decisions)
    if (decision < 0)
      return emitError() << "params decisions must be non-negative, got "
                         << decision;
  return success();
}
