// Every bad configuration is an error at the knob it concerns (or at the
// module for problems with the file itself) and changes nothing.

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-unknown-knob.json 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: config-unknown-knob.json:1:1: error: approx-apply-config: '{{.*}}config-unknown-knob.json' names unknown knob "no_such_knob"

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-bad-values.json 2>&1 | FileCheck %s --check-prefix=VALUES
// VALUES-DAG: two-knobs.mlir:5:8: error: configuration '{{.*}}' for knob "sum_loop": params threshold 180 is outside the knob's threshold range [0, 100]
// VALUES-DAG: two-knobs.mlir:25:8: error: configuration '{{.*}}' for knob "score_call": params decision 7 is not one of the knob's decision_values [0, 1]

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-descending.json 2>&1 | FileCheck %s --check-prefix=DESC
// DESC: two-knobs.mlir:5:8: error: configuration '{{.*}}' for knob "sum_loop": params thresholds must be strictly ascending, but threshold 1 (20) follows 50

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-wrong-kind.json 2>&1 | FileCheck %s --check-prefix=KIND
// KIND: two-knobs.mlir:5:8: error: configuration '{{.*}}' for knob "sum_loop": params transform 'func_substitute' is not one of the knob's transform_types

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-too-few-thresholds.json 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: two-knobs.mlir:5:8: error: configuration '{{.*}}' for knob "sum_loop": params have 1 thresholds but the knob's space has 2

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-ambiguous-kind.json 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// AMBIGUOUS: two-knobs.mlir:25:8: error: configuration '{{.*}}' for knob "score_call": 'transform' is required when the knob allows several transform kinds

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-bad-fields.json 2>&1 | FileCheck %s --check-prefix=FIELDS
// FIELDS: two-knobs.mlir:5:8: error: configuration '{{.*}}' for knob "sum_loop": unknown field 'threshold'

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-not-json.json 2>&1 | FileCheck %s --check-prefix=JSON
// JSON: config-not-json.json:1:1: error: approx-apply-config: '{{.*}}config-not-json.json' is not valid JSON: {{.*}}

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-no-knobs.json 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: config-no-knobs.json:1:1: error: approx-apply-config: '{{.*}}config-no-knobs.json' must be an object with a "knobs" object

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%t.missing.json 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: missing.json:1:1: error: approx-apply-config: cannot read '{{.*}}missing.json'

// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config 2>&1 | FileCheck %s --check-prefix=NOCONFIG
// NOCONFIG: two-knobs.mlir:0:0: error: approx-apply-config: no configuration given (use config=<file.json>)

// A configuration with one good and one bad entry applies neither.
// RUN: not approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-bad-values.json 2>&1 | FileCheck %s --check-prefix=NOPARTIAL
// NOPARTIAL-NOT: params <
