//===- ExportSignatures.cpp - Public function signatures as JSON ----------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXEXPORTSIGNATURES
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;

namespace {

/// The binding's name for a scalar type, or "" when it has none.
std::string scalarName(Type type) {
  if (type.isIndex())
    return "index";
  if (type.isSignlessInteger() &&
      llvm::is_contained({1u, 8u, 16u, 32u, 64u}, type.getIntOrFloatBitWidth()))
    return ("i" + Twine(type.getIntOrFloatBitWidth())).str();
  if (type.isF32())
    return "f32";
  if (type.isF64())
    return "f64";
  return "";
}

llvm::json::Object unsupported(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return llvm::json::Object{{"kind", "unsupported"}, {"type", text}};
}

llvm::json::Object describe(Type type) {
  std::string scalar = scalarName(type);
  if (!scalar.empty())
    return llvm::json::Object{{"kind", "scalar"}, {"type", scalar}};
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || memref.getMemorySpace())
    return unsupported(type);
  std::string element = scalarName(memref.getElementType());
  bool strided = isa<StridedLayoutAttr>(memref.getLayout());
  if (element.empty() || (!strided && !memref.getLayout().isIdentity()))
    return unsupported(type);
  auto staticOrMinusOne = [](int64_t v) {
    return ShapedType::isDynamic(v) ? int64_t(-1) : v;
  };
  llvm::json::Array shape;
  for (int64_t size : memref.getShape())
    shape.push_back(staticOrMinusOne(size));
  llvm::json::Object result{{"kind", "memref"},
                            {"element_type", element},
                            {"shape", std::move(shape)},
                            {"strided", strided}};
  // A strided layout may fix strides or the offset; the binding checks them.
  if (auto layout = dyn_cast<StridedLayoutAttr>(memref.getLayout())) {
    llvm::json::Array strides;
    for (int64_t stride : layout.getStrides())
      strides.push_back(staticOrMinusOne(stride));
    result["strides"] = std::move(strides);
    result["offset"] = staticOrMinusOne(layout.getOffset());
  }
  return result;
}

struct ApproxExportSignaturesPass
    : mlir::approx::impl::ApproxExportSignaturesBase<
          ApproxExportSignaturesPass> {
  using Base::Base;

  void runOnOperation() override {
    llvm::json::Array functions;
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (!fn.isPublic() || fn.isExternal())
        continue;
      llvm::json::Array arguments, results;
      for (Type type : fn.getArgumentTypes())
        arguments.push_back(describe(type));
      for (Type type : fn.getResultTypes())
        results.push_back(describe(type));
      functions.push_back(llvm::json::Object{
          {"name", fn.getName()},
          {"arguments", std::move(arguments)},
          {"results", std::move(results)},
      });
    }
    std::string errorMessage;
    std::unique_ptr<llvm::ToolOutputFile> file =
        openOutputFile(output, &errorMessage);
    if (!file) {
      getOperation().emitError("approx-export-signatures: cannot write '")
          << output << "': " << errorMessage;
      return signalPassFailure();
    }
    file->os() << llvm::formatv("{0:2}",
                                llvm::json::Value(llvm::json::Object{
                                    {"functions", std::move(functions)}}))
               << "\n";
    file->keep();
    markAllAnalysesPreserved();
  }
};

} // namespace
