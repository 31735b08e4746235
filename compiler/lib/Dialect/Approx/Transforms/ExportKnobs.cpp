//===- ExportKnobs.cpp - Export the knobs' search space as JSON -----------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxOps.h"
#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXEXPORTKNOBS
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;
using namespace mlir::approx;

namespace {

llvm::json::Array toJson(ArrayRef<int64_t> values) {
  return llvm::json::Array(values);
}

std::string locationString(Location loc) {
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    return (fileLoc.getFilename().str() + ":" +
            std::to_string(fileLoc.getLine()) + ":" +
            std::to_string(fileLoc.getColumn()));
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

llvm::json::Value paramsToJson(ParamsAttr params) {
  if (!params)
    return nullptr;
  return llvm::json::Object{
      {"transform", stringifyTransformKind(params.getTransform())},
      {"thresholds", toJson(params.getThresholds())},
      {"decisions", toJson(params.getDecisions())},
  };
}

/// Per-threshold bounds as [[lo, hi], ...], or null.
static llvm::json::Value
boundsToJson(std::optional<ArrayRef<int64_t>> bounds) {
  if (!bounds)
    return nullptr;
  llvm::json::Array pairs;
  for (size_t i = 0; i + 1 < bounds->size(); i += 2)
    pairs.push_back(llvm::json::Array{(*bounds)[i], (*bounds)[i + 1]});
  return pairs;
}

llvm::json::Object knobToJson(KnobOp knob) {
  llvm::json::Array kinds;
  for (Attribute attr : knob.getTransformTypes())
    kinds.push_back(
        stringifyTransformKind(cast<TransformKindAttr>(attr).getValue()));
  auto function = knob->getParentOfType<FunctionOpInterface>();
  std::optional<ArrayRef<int64_t>> range = knob.getThresholdRange();
  return llvm::json::Object{
      {"id", knob.getId()},
      {"function", function ? llvm::json::Value(function.getName())
                            : llvm::json::Value(nullptr)},
      {"location", locationString(knob.getLoc())},
      {"transform_types", std::move(kinds)},
      {"state_function", knob.getStateFn()
                             ? llvm::json::Value(*knob.getStateFn())
                             : llvm::json::Value(nullptr)},
      {"num_thresholds", knob.getNumThresholdsAttr().getInt()},
      {"threshold_range",
       range ? llvm::json::Value(toJson(*range)) : llvm::json::Value(nullptr)},
      {"threshold_bounds", boundsToJson(knob.getThresholdBounds())},
      {"decision_values", toJson(knob.getDecisionValues())},
      {"params", paramsToJson(knob.getParamsAttr())},
      {"safety", knob.getChecker() ? llvm::json::Value(llvm::json::Object{
                                         {"checker", *knob.getChecker()},
                                         {"recover", *knob.getRecover()}})
                                   : llvm::json::Value(nullptr)},
  };
}

struct ApproxExportKnobsPass
    : mlir::approx::impl::ApproxExportKnobsBase<ApproxExportKnobsPass> {
  using Base::Base;

  void runOnOperation() override {
    llvm::json::Array knobs;
    getOperation().walk(
        [&](KnobOp knob) { knobs.push_back(knobToJson(knob)); });
    llvm::json::Object document{{"version", 1}, {"knobs", std::move(knobs)}};

    std::string errorMessage;
    std::unique_ptr<llvm::ToolOutputFile> file =
        openOutputFile(output, &errorMessage);
    if (!file) {
      getOperation().emitError("approx-export-knobs: cannot write '")
          << output << "': " << errorMessage;
      return signalPassFailure();
    }
    file->os() << llvm::formatv("{0:2}", llvm::json::Value(std::move(document)))
               << "\n";
    file->keep();
    markAllAnalysesPreserved();
  }
};

} // namespace
