//===- Passes.td - approx dialect passes -------------------*- tablegen -*-===//
//
// Part of the approxmlir project, under the Apache License v2.0.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_DIALECT_APPROX_TRANSFORMS_PASSES_TD
#define APPROX_DIALECT_APPROX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ApproxExportKnobs : Pass<"approx-export-knobs", "::mlir::ModuleOp"> {
  let summary = "Write the search space of every approx.knob as JSON";
  let description = [{
    Writes one JSON document describing every `approx.knob` of the module: its
    id, enclosing function, location, allowed transform kinds, state function,
    number of thresholds and their bounds, allowed decision values, and current
    `params` (null when unconfigured). The module is not changed. The schema is
    documented in `compiler/README.md`.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"-\"",
           "File to write the JSON to ('-' for stdout)">
  ];
}

def ApproxApplyConfig : Pass<"approx-apply-config", "::mlir::ModuleOp"> {
  let summary = "Set the params of approx.knob ops from a JSON configuration";
  let description = [{
    Reads `{"knobs": {"<id>": {"transform": ..., "thresholds": [...],
    "decisions": [...]}}}` and writes each entry into the `params` of the knob
    with that id. The whole configuration is validated before anything is
    changed: an unknown knob id, a transform kind or decision value outside the
    knob's space, or thresholds that are out of range or not strictly ascending
    are errors and leave the module untouched.
  }];
  let options = [
    Option<"config", "config", "std::string", /*default=*/"\"\"",
           "JSON configuration file to apply">
  ];
}

def ApproxEmitManagement : Pass<"approx-emit-management", "::mlir::ModuleOp"> {
  let summary = "Turn each configured knob's params into management ops";
  let description = [{
    For every `approx.knob` with `params`: a dynamic configuration (with
    thresholds) becomes a call of the knob's state function feeding an
    `approx.decision_tree` around the knob's body; a static one becomes an
    `approx.transform` at the start of the body. A knob with a safety contract
    (`check`/`recover`) additionally has its body wrapped in `approx.try`,
    whose check region calls the checker. Knobs without params are exact and
    left alone.

    The state function is called with no arguments, or with the knob's
    operands when it takes them.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def ApproxLowerDecisionTree
    : Pass<"approx-lower-decision-tree", "::mlir::ModuleOp"> {
  let summary = "Lower approx.decision_tree to scf.index_switch";
  let description = [{
    The branch index is the number of thresholds that are `<=` the state
    (signed comparison), so branch `i` runs when
    `thresholds[i-1] <= state < thresholds[i]`, the first branch when
    `state < thresholds[0]` and the last when `state >= thresholds[-1]`.
    Branches `0 .. n-1` become the cases of an `scf.index_switch` on that
    index and the last branch its default region; each holds a clone of the
    decision tree's body starting with
    `approx.transform <transform_type> decisions[i]`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def ApproxLowerTry : Pass<"approx-lower-try", "::mlir::ModuleOp"> {
  let summary = "Lower approx.try to scf.if with a call to the recover function";
  let description = [{
    The approximate body becomes an `scf.execute_region` (so that transforms in
    it keep applying to it alone), the check region is inlined on its results,
    and an `scf.if` on the verdict yields the approximate results or the
    results of calling `recover` with the recovery operands.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def ApproxApplyTransforms
    : Pass<"approx-apply-transforms", "::mlir::ModuleOp"> {
  let summary = "Apply each approx.transform to the region that holds it";
  let description = [{
    Rewrite patterns on `approx.transform`; value 0 is exact (the transform is
    dropped). For a value v > 0, on the first matching op of the region (in
    program order, outer before inner):
    - `loop_perforate`: multiply the step of the `scf.for` by v + 1; the loop
      body and its loop-carried values are unchanged, so it runs over every
      (v+1)-th iteration;
    - `func_substitute`: retarget the `func.call` to `@approx_<callee>_<v>`,
      which must exist with the callee's type (a callee `@__internal_f`, the
      exact body the C frontend keeps for an annotated function `f`, has the
      variants `@approx_f_<v>`);
    - `task_skipping`: keep only the v-th branch (1-based) of the `scf.if`
      else-if chain or of the `scf.index_switch` (cases in order, then the
      default), dropping the conditions.
    A transform that cannot apply is an error at the transform.
    - `ml_surrogate`: set the `model_choice` of the first `approx.ml_region`
      of the region: value 0 runs its exact code, v > 0 its v-th model
      (applied for every value, 0 included).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def ApproxLowerMLRegions
    : Pass<"approx-lower-ml-regions", "::mlir::ModuleOp"> {
  let summary = "Lower approx.ml_region to HPAC-ML runtime calls";
  let description = [{
    Replaces every `approx.ml_region` by

    ```mlir
    %code = func.call @approx_ml_enter(%spec, %args)
        : (memref<?xi8>, memref<?xi64>) -> i32
    scf.if (%code == 0) { <exact code>; func.call @approx_ml_exit(%spec, %args) }
    ```

    where `%spec` is a private constant global holding the op's spec text and
    `%args` a stack buffer of i64 words: mode, predicate, enabled,
    model_choice, then each array's address, element kind, rank, sizes and
    strides (from `memref.extract_strided_metadata`), then the bound values
    (layout in `runtime/ml/README.md`). The runtime functions are declared
    when missing; an existing declaration of another type is an error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def ApproxFinalize : Pass<"approx-finalize", "::mlir::ModuleOp"> {
  let summary = "Inline knob bodies so that only upstream dialects remain";
  let description = [{
    Replaces every `approx.knob` by its body. Any other approx op still present
    is an error (the lowering passes must run first).
  }];
  let options = [
    Option<"emitCInterface", "emit-c-interface", "bool", /*default=*/"false",
           "Mark public function definitions with llvm.emit_c_interface">
  ];
}

def ApproxExportSignatures
    : Pass<"approx-export-signatures", "::mlir::ModuleOp"> {
  let summary = "Write the signatures of public functions as JSON";
  let description = [{
    For the Python runtime binding: one entry per public function definition
    with its arguments and results, each a scalar (`i1`..`i64`, `index`,
    `f32`, `f64`), a memref (element type, shape with -1 for dynamic sizes,
    whether its layout is strided), or `unsupported`.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"-\"",
           "File to write the JSON to ('-' for stdout)">
  ];
}

def ApproxLinkModules : Pass<"approx-link-modules", "::mlir::ModuleOp"> {
  let summary = "Merge other MLIR modules into this one";
  let description = [{
    Parses each file of `inputs` and moves its top-level operations into this
    module, so that one symbol table holds them all (a compound system's
    kernels and model-selection knobs become one module, one search space and
    one native library).

    A symbol defined in one module and declared in another (a private
    `func.func` without a body of the same type) is kept as the definition;
    identical declarations are kept once, and so are operations that are
    identical apart from their locations. Any other symbol that two modules
    define is an error at the later definition, naming both modules, with a
    note at the first one; the module is then left unchanged. Attributes of
    the linked modules are copied unless they conflict with this module's.
  }];
  let options = [
    ListOption<"inputs", "inputs", "std::string",
               "MLIR files to link into the module, in order">
  ];
}

#endif // APPROX_DIALECT_APPROX_TRANSFORMS_PASSES_TD
