//===- ApplyConfig.cpp - Write a JSON configuration into knob params -----===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/IR/ApproxOps.h"
#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXAPPLYCONFIG
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;
using namespace mlir::approx;

namespace {

/// Reads an array of integers at `key`; a missing key gives an empty list.
LogicalResult readIntList(const llvm::json::Object &entry, StringRef key,
                          SmallVectorImpl<int64_t> &values,
                          function_ref<InFlightDiagnostic()> emitError) {
  const llvm::json::Value *value = entry.get(key);
  if (!value)
    return success();
  const llvm::json::Array *array = value->getAsArray();
  if (!array)
    return emitError() << "'" << key << "' must be a list of integers";
  for (const llvm::json::Value &element : *array) {
    std::optional<int64_t> number = element.getAsInteger();
    if (!number)
      return emitError() << "'" << key << "' must be a list of integers";
    values.push_back(*number);
  }
  return success();
}

/// Builds the params for `knob` from its configuration entry, checking them
/// against the knob's search space.
ParamsAttr paramsFromJson(KnobOp knob, const llvm::json::Value &value,
                          StringRef configPath) {
  auto emitError = [&] {
    return knob.emitError() << "configuration '" << configPath
                            << "' for knob \"" << knob.getId() << "\": ";
  };
  const llvm::json::Object *entry = value.getAsObject();
  if (!entry) {
    emitError() << "expected an object with 'transform', 'thresholds' and "
                   "'decisions'";
    return {};
  }
  for (const auto &field : *entry)
    if (!llvm::is_contained({"transform", "thresholds", "decisions"},
                            field.first.str())) {
      emitError() << "unknown field '" << field.first.str() << "'";
      return {};
    }

  std::optional<TransformKind> kind;
  if (std::optional<StringRef> name = entry->getString("transform")) {
    kind = symbolizeTransformKind(*name);
    if (!kind) {
      emitError() << "unknown transform kind '" << *name << "'";
      return {};
    }
  } else if (entry->get("transform")) {
    emitError() << "'transform' must be a string";
    return {};
  } else if (knob.getTransformTypes().size() == 1) {
    kind = cast<TransformKindAttr>(knob.getTransformTypes()[0]).getValue();
  } else {
    emitError() << "'transform' is required when the knob allows several "
                   "transform kinds";
    return {};
  }

  SmallVector<int64_t> thresholds, decisions;
  if (failed(readIntList(*entry, "thresholds", thresholds, emitError)) ||
      failed(readIntList(*entry, "decisions", decisions, emitError)))
    return {};
  ParamsAttr params = ParamsAttr::getChecked(
      emitError, knob.getContext(), *kind, ArrayRef<int64_t>(thresholds),
      ArrayRef<int64_t>(decisions));
  if (!params || failed(knob.verifyParams(params, emitError)))
    return {};
  return params;
}

struct ApproxApplyConfigPass
    : mlir::approx::impl::ApproxApplyConfigBase<ApproxApplyConfigPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (config.empty()) {
      mlir::emitError(module.getLoc(), "approx-apply-config: no configuration "
                                       "given (use config=<file.json>)");
      return signalPassFailure();
    }
    // Problems with the file as a whole are reported at the file.
    auto moduleError = [&] {
      return mlir::emitError(FileLineColLoc::get(&getContext(), config, 1, 1),
                             "approx-apply-config: ");
    };
    std::string errorMessage;
    std::unique_ptr<llvm::MemoryBuffer> buffer =
        openInputFile(config, &errorMessage);
    if (!buffer) {
      moduleError() << "cannot read '" << config << "': " << errorMessage;
      return signalPassFailure();
    }
    llvm::Expected<llvm::json::Value> document =
        llvm::json::parse(buffer->getBuffer());
    if (!document) {
      moduleError() << "'" << config << "' is not valid JSON: "
                    << llvm::toString(document.takeError());
      return signalPassFailure();
    }
    const llvm::json::Object *root = document->getAsObject();
    const llvm::json::Object *entries =
        root ? root->getObject("knobs") : nullptr;
    if (!entries) {
      moduleError() << "'" << config
                    << "' must be an object with a \"knobs\" object";
      return signalPassFailure();
    }

    llvm::StringMap<KnobOp> knobsById;
    module.walk(
        [&](KnobOp knob) { knobsById.try_emplace(knob.getId(), knob); });

    // Validate everything first so that a bad configuration changes nothing.
    bool valid = true;
    SmallVector<std::pair<KnobOp, ParamsAttr>> updates;
    for (const auto &[id, value] : *entries) {
      auto it = knobsById.find(id.str());
      if (it == knobsById.end()) {
        moduleError() << "'" << config << "' names unknown knob \"" << id.str()
                      << "\"";
        valid = false;
        continue;
      }
      ParamsAttr params = paramsFromJson(it->second, value, config);
      if (!params) {
        valid = false;
        continue;
      }
      updates.emplace_back(it->second, params);
    }
    if (!valid)
      return signalPassFailure();
    for (auto &[knob, params] : updates)
      knob.setParamsAttr(params);
  }
};

} // namespace
