//===- ApproxAttrs.td - approx dialect attributes ----------*- tablegen -*-===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_DIALECT_APPROX_IR_APPROXATTRS_TD
#define APPROX_DIALECT_APPROX_IR_APPROXATTRS_TD

include "approx/Dialect/Approx/IR/ApproxDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Approx_TransformKind : I32EnumAttr<"TransformKind",
    "approximation strategy", [
      I32EnumAttrCase<"LoopPerforate", 0, "loop_perforate">,
      I32EnumAttrCase<"FuncSubstitute", 1, "func_substitute">,
      I32EnumAttrCase<"TaskSkipping", 2, "task_skipping">,
      I32EnumAttrCase<"MlSurrogate", 3, "ml_surrogate">
    ]> {
  let cppNamespace = "::mlir::approx";
  let genSpecializedAttr = 0;
}

def Approx_MLMode : I32EnumAttr<"MLMode",
    "execution control of an HPAC-ML region", [
      I32EnumAttrCase<"Infer", 0, "infer">,
      I32EnumAttrCase<"Collect", 1, "collect">,
      I32EnumAttrCase<"Predicated", 2, "predicated">
    ]> {
  let cppNamespace = "::mlir::approx";
}

def Approx_TransformKindAttr
    : EnumAttr<Approx_Dialect, Approx_TransformKind, "transform"> {
  let assemblyFormat = "`<` $value `>`";
}

def Approx_TransformKindArrayAttr
    : TypedArrayAttrBase<Approx_TransformKindAttr, "transform kinds">;

def Approx_ParamsAttr : AttrDef<Approx_Dialect, "Params"> {
  let mnemonic = "params";
  let summary = "A knob's configuration, written by the tuner";
  let description = [{
    The configuration of an `approx.knob`: the transform kind, the decision-tree
    thresholds (strictly ascending; empty for a static configuration) and one
    decision value per branch (one more than the thresholds).

    ```mlir
    #approx.params<transform = loop_perforate, thresholds = [10, 50], decisions = [0, 1, 2]>
    #approx.params<transform = func_substitute, decisions = [1]>
    ```
  }];
  let parameters = (ins
    "::mlir::approx::TransformKind":$transform,
    ArrayRefParameter<"int64_t">:$thresholds,
    ArrayRefParameter<"int64_t">:$decisions
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// True when the configuration selects a branch at run time.
    bool isDynamic() const { return !getThresholds().empty(); }
  }];
}

#endif // APPROX_DIALECT_APPROX_IR_APPROXATTRS_TD
