//===- ApproxOps.td - approx dialect operations ------------*- tablegen -*-===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_DIALECT_APPROX_IR_APPROXOPS_TD
#define APPROX_DIALECT_APPROX_IR_APPROXOPS_TD

include "approx/Dialect/Approx/IR/ApproxAttrs.td"
include "approx/Dialect/Approx/IR/ApproxDialect.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// KnobOp
//===----------------------------------------------------------------------===//

def Approx_KnobOp : Approx_Op<"knob", [
    IsolatedFromAbove, RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "An approximable region and the tuner's interface to it";
  let description = [{
    Scopes a region of exact code that may be approximated. Operands are the
    region's live-ins (they become the entry block's arguments) and results
    its live-outs (yielded by `approx.yield`).

    The attributes describe the search space the tuner explores:
    - `id`: unique in the module; configurations name knobs by it;
    - `transform_types`: the transform kinds allowed in this region;
    - `state_fn`, `num_thresholds`, `threshold_range`: when present, the knob
      may be configured as a decision tree over the value the state function
      returns, with `num_thresholds` strictly ascending thresholds drawn from
      the inclusive range `[lo, hi]`;
    - `threshold_bounds` (optional, with a state function): per-threshold
      inclusive bounds `[lo_0, hi_0, lo_1, hi_1, ...]` inside
      `threshold_range`, one pair per threshold (upstream ApproxMLIR's
      `thresholds_lower`/`thresholds_upper`);
    - `decision_values`: the allowed transform values (0 = exact).

    `params` is the current configuration, written by the tuner through
    `approx-apply-config`; a knob without `params` is exact.

    An optional safety contract names a `checker` with the signature
    `(inputs..., results...) -> i1` and a `recover` function
    `(inputs...) -> (results...)`: when the checker rejects the approximate
    results, the knob's results come from `recover` instead.

    ```mlir
    %r = approx.knob "sum"(%a, %n) : (memref<?xf64>, index) -> f64
        transforms [loop_perforate]
        state @get_state thresholds 2 in [0, 100]
        decisions [0, 1, 2]
        params <transform = loop_perforate, thresholds = [10, 50], decisions = [0, 1, 2]> {
    ^bb0(%a2: memref<?xf64>, %n2: index):
      ...
      approx.yield %s : f64
    }
    ```
  }];

  let arguments = (ins
    Variadic<AnyType>:$inputs,
    StrAttr:$id,
    Approx_TransformKindArrayAttr:$transform_types,
    OptionalAttr<FlatSymbolRefAttr>:$state_fn,
    DefaultValuedAttr<I64Attr, "0">:$num_thresholds,
    OptionalAttr<DenseI64ArrayAttr>:$threshold_range,
    OptionalAttr<DenseI64ArrayAttr>:$threshold_bounds,
    DenseI64ArrayAttr:$decision_values,
    OptionalAttr<Approx_ParamsAttr>:$params,
    OptionalAttr<FlatSymbolRefAttr>:$checker,
    OptionalAttr<FlatSymbolRefAttr>:$recover
  );
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);

  let assemblyFormat = [{
    $id `(` $inputs `)` `:` functional-type($inputs, $results)
    `transforms` custom<TransformKindList>($transform_types)
    (`state` $state_fn^ `thresholds` $num_thresholds `in` $threshold_range)?
    (`bounds` $threshold_bounds^)?
    `decisions` $decision_values
    (`params` $params^)?
    (`check` $checker^ `recover` $recover)?
    attr-dict-with-keyword $body
  }];

  let hasVerifier = 1;
  let hasRegionVerifier = 1;

  let extraClassDeclaration = [{
    /// Checks `params` against this knob's search space, reporting the first
    /// violation through `emitError`.
    ::llvm::LogicalResult verifyParams(
        ::mlir::approx::ParamsAttr params,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError);

    /// True when `kind` is one of `transform_types`.
    bool allowsTransform(::mlir::approx::TransformKind kind);
  }];
}

//===----------------------------------------------------------------------===//
// DecisionTreeOp
//===----------------------------------------------------------------------===//

def Approx_DecisionTreeOp : Approx_Op<"decision_tree", [
    RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Dynamic approximation: pick a transform value at run time";
  let description = [{
    Selects one of `decisions` from `state`, the value returned by the
    `runtime` function: branch `i` is taken when
    `thresholds[i-1] <= state < thresholds[i]`, the first and last branches
    being open-ended. The region is the exact code; lowering clones it once per
    branch with `approx.transform <transform_type> decisions[i]`.

    ```mlir
    %s = func.call @get_state() : () -> i64
    %r = approx.decision_tree(%s : i64) runtime @get_state
        thresholds [10, 50] decisions [0, 1, 2] transform loop_perforate -> f64 {
      ...
      approx.yield %v : f64
    }
    ```
  }];

  let arguments = (ins
    AnySignlessIntegerOrIndex:$state,
    FlatSymbolRefAttr:$runtime,
    DenseI64ArrayAttr:$thresholds,
    DenseI64ArrayAttr:$decisions,
    Approx_TransformKindAttr:$transform_type
  );
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);

  let assemblyFormat = [{
    `(` $state `:` type($state) `)` `runtime` $runtime
    `thresholds` $thresholds `decisions` $decisions
    `transform` custom<TransformKind>($transform_type)
    (`->` type($results)^)? attr-dict-with-keyword $body
  }];

  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// TryOp
//===----------------------------------------------------------------------===//

def Approx_TryOp : Approx_Op<"try", [
    RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Try-check-recover safety contract around approximate code";
  let description = [{
    Runs `body` (the approximate code), then `check`, whose entry block receives
    the body's results and which yields an `i1`. When the check yields true the
    results stand; otherwise the op's results come from calling `recover` with
    the recovery operands, so `recover` must have the signature
    `(recovery operand types) -> (result types)`.

    ```mlir
    %r = approx.try recover @exact_sum(%a, %n) : (memref<?xf64>, index) -> f64 {
      ...
      approx.yield %approx : f64
    } check {
    ^bb0(%v: f64):
      %ok = arith.cmpf oge, %v, %zero : f64
      approx.yield %ok : i1
    }
    ```
  }];

  let arguments = (ins
    Variadic<AnyType>:$recovery_operands,
    FlatSymbolRefAttr:$recover
  );
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body, SizedRegion<1>:$check);

  let assemblyFormat = [{
    `recover` $recover `(` $recovery_operands `)` `:`
    functional-type($recovery_operands, $results)
    attr-dict-with-keyword $body `check` $check
  }];

  let hasRegionVerifier = 1;
}

//===----------------------------------------------------------------------===//
// TransformOp
//===----------------------------------------------------------------------===//

def Approx_TransformOp : Approx_Op<"transform"> {
  let summary = "A concrete static approximation of the enclosing region";
  let description = [{
    Applies `transform_type` with intensity `transform_value` (0 = exact,
    larger = more aggressive) to the region that holds this op:
    - `loop_perforate`: the region must contain a loop;
    - `func_substitute`: the region must contain a call;
    - `task_skipping`: the region must contain a multi-way branch
      (`scf.if`, `scf.index_switch`);
    - `ml_surrogate`: any region.
    Inside an `approx.knob` the kind must be one of its `transform_types`,
    inside an `approx.decision_tree` it must be its `transform_type`.

    ```mlir
    approx.transform loop_perforate 1
    ```
  }];

  let arguments = (ins
    Approx_TransformKindAttr:$transform_type,
    I64Attr:$transform_value
  );

  let assemblyFormat = [{
    custom<TransformKind>($transform_type) $transform_value attr-dict
  }];

  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// MLRegionOp
//===----------------------------------------------------------------------===//

def Approx_MLRegionOp : Approx_Op<"ml_region", [
    RecursiveMemoryEffects, AttrSizedOperandSegments,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "An HPAC-ML region: NN surrogate inference or data collection";
  let description = [{
    The structured block of a `#pragma approx ml(...)` directive. Its body is
    the exact code; `spec` is the data bridge (tensor functors and maps,
    in/out lists, model and database paths) in the text format of
    `runtime/ml/README.md`, whose concrete slice expressions refer to `bounds`
    by position and whose map targets refer to `arrays` by position.

    `mode` is the `ml(...)` clause: `infer`, `collect`, or `predicated` with
    its `predicate` operand (true: infer, false: collect). `enabled` is the
    `if(...)` clause: when false the exact code runs and nothing is
    collected. `model_choice`, written by the `ml_surrogate` transform,
    overrides the model: -1 runs the exact code, k > 0 loads
    `<model stem>.<k>.pt`.

    `approx-lower-ml-regions` turns the op into `approx_ml_enter` /
    `approx_ml_exit` runtime calls around the exact code.

    ```mlir
    approx.ml_region predicated(%use_model) arrays(%x, %y : memref<?xf64>, memref<?xf64>)
        bounds(%c0, %n) spec "region r f.c:3\n..." {
      ...
    }
    ```
  }];

  let arguments = (ins
    Approx_MLMode:$mode,
    StrAttr:$spec,
    Variadic<AnyMemRef>:$arrays,
    Variadic<I64>:$bounds,
    Optional<I1>:$predicate,
    Optional<I1>:$enabled,
    OptionalAttr<I64Attr>:$model_choice
  );
  let regions = (region SizedRegion<1>:$body);

  let assemblyFormat = [{
    $mode (`(` $predicate^ `)`)? (`if` `(` $enabled^ `)`)?
    `arrays` `(` ($arrays^ `:` type($arrays))? `)`
    `bounds` `(` $bounds `)` `spec` $spec $body attr-dict
  }];

  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// YieldOp
//===----------------------------------------------------------------------===//

def Approx_YieldOp : Approx_Op<"yield", [
    Pure, Terminator,
    ParentOneOf<["KnobOp", "DecisionTreeOp", "TryOp", "MLRegionOp"]>]> {
  let summary = "Terminator of the approx regions";
  let description = [{
    Yields the live-out values of an `approx.knob`, `approx.decision_tree` or
    the body of an `approx.try` (types must match the parent's results;
    nothing for an `approx.ml_region`), or
    the `i1` verdict of an `approx.try` check region.
  }];

  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
  let builders = [OpBuilder<(ins), [{ /* no values */ }]>];

  let hasVerifier = 1;
}

#endif // APPROX_DIALECT_APPROX_IR_APPROXOPS_TD
