//===- LinkModules.cpp - Merge MLIR modules into one symbol table ---------===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#include "approx/Dialect/Approx/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FileSystem.h"

namespace mlir {
namespace approx {
#define GEN_PASS_DEF_APPROXLINKMODULES
#include "approx/Dialect/Approx/Transforms/Passes.h.inc"
} // namespace approx
} // namespace mlir

using namespace mlir;
using namespace mlir::approx;

namespace {

/// The file a module was read from, for diagnostics that name both origins.
std::string originOf(ModuleOp module) {
  if (auto file = dyn_cast<FileLineColLoc>(module.getLoc()))
    return file.getFilename().str();
  return "<input>";
}

/// Whether `a` and `b` are the same operation apart from locations: two
/// modules' copies of one declaration or of one helper.
bool isIdentical(Operation *a, Operation *b) {
  return OperationEquivalence::isEquivalentTo(
      a, b, OperationEquivalence::IgnoreLocations);
}

/// Whether `declaration` (a symbol without a body) is satisfied by
/// `definition`: same operation kind and, for functions, the same type.
bool declares(Operation *declaration, Operation *definition) {
  if (declaration->getName() != definition->getName())
    return false;
  auto declared = dyn_cast<FunctionOpInterface>(declaration);
  auto defined = dyn_cast<FunctionOpInterface>(definition);
  return declared && defined &&
         declared.getFunctionType() == defined.getFunctionType();
}

class LinkModulesPass
    : public approx::impl::ApproxLinkModulesBase<LinkModulesPass> {
public:
  using ApproxLinkModulesBase::ApproxLinkModulesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<OwningOpRef<ModuleOp>> parsed;
    for (const std::string &path : inputs) {
      if (!llvm::sys::fs::exists(path)) {
        module.emitError() << "cannot link '" << path
                           << "': no such file";
        return signalPassFailure();
      }
      OwningOpRef<ModuleOp> input =
          parseSourceFile<ModuleOp>(path, ParserConfig(&getContext()));
      if (!input) {
        module.emitError() << "cannot link '" << path
                           << "': it is not a valid MLIR module";
        return signalPassFailure();
      }
      parsed.push_back(std::move(input));
    }
    // Check everything before moving anything: a failed link leaves the
    // module as it was.
    if (failed(link(module, parsed, /*apply=*/false)))
      return signalPassFailure();
    (void)link(module, parsed, /*apply=*/true);
  }

private:
  /// Links `inputs` into `module` in order. With `apply` false only the
  /// checks run; the symbol table is then simulated by `seen`.
  LogicalResult link(ModuleOp module, ArrayRef<OwningOpRef<ModuleOp>> inputs,
                     bool apply) {
    llvm::DenseMap<StringAttr, Operation *> seen;
    llvm::DenseMap<Operation *, std::string> origin;
    std::string mainOrigin = originOf(module);
    for (Operation &op : module.getBody()->getOperations())
      if (auto symbol = dyn_cast<SymbolOpInterface>(op)) {
        seen[symbol.getNameAttr()] = &op;
        origin[&op] = mainOrigin;
      }
    NamedAttrList attributes(module->getAttrDictionary());
    bool ok = true;
    for (const OwningOpRef<ModuleOp> &input : inputs) {
      std::string inputOrigin = originOf(*input);
      for (NamedAttribute attribute : (*input)->getAttrs()) {
        if (attribute.getName() == SymbolTable::getSymbolAttrName())
          continue;
        Attribute existing = attributes.get(attribute.getName());
        if (!existing) {
          attributes.set(attribute.getName(), attribute.getValue());
        } else if (existing != attribute.getValue()) {
          (*input).emitError()
              << "module attribute '" << attribute.getName().getValue()
              << "' of '" << inputOrigin << "' is " << attribute.getValue()
              << ", but " << existing << " in the modules linked before it";
          ok = false;
        }
      }
      for (Operation &op : llvm::make_early_inc_range(
               (*input).getBody()->getOperations())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!symbol) {
          if (apply)
            op.moveBefore(module.getBody(), module.getBody()->end());
          continue;
        }
        StringAttr name = symbol.getNameAttr();
        auto found = seen.find(name);
        if (found == seen.end()) {
          seen[name] = &op;
          origin[&op] = inputOrigin;
          if (apply)
            op.moveBefore(module.getBody(), module.getBody()->end());
          continue;
        }
        Operation *first = found->second;
        bool firstIsDeclaration =
            cast<SymbolOpInterface>(first).isDeclaration();
        if (isIdentical(first, &op) ||
            (symbol.isDeclaration() && declares(&op, first))) {
          if (apply)
            op.erase();
          continue;
        }
        if (firstIsDeclaration && !symbol.isDeclaration() &&
            declares(first, &op)) {
          // The definition takes the declaration's place.
          seen[name] = &op;
          origin[&op] = inputOrigin;
          if (apply) {
            op.moveBefore(first);
            first->erase();
          }
          continue;
        }
        InFlightDiagnostic diagnostic =
            op.emitError() << "symbol @" << name.getValue() << " of '"
                           << inputOrigin << "' conflicts with its "
                           << (firstIsDeclaration ? "declaration"
                                                  : "definition")
                           << " in '" << origin[first] << "'";
        diagnostic.attachNote(first->getLoc())
            << "@" << name.getValue() << " first defined here";
        ok = false;
      }
    }
    if (apply)
      module->setAttrs(attributes.getDictionary(&getContext()));
    return success(ok);
  }
};

} // namespace
