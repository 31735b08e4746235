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

#endif // APPROX_DIALECT_APPROX_TRANSFORMS_PASSES_TD
