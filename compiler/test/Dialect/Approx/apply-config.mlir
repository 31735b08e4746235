// RUN: approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-dynamic.json | FileCheck %s --check-prefix=DYN
// RUN: approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-static.json | FileCheck %s --check-prefix=STATIC
// RUN: approx-opt %inputs/two-knobs.mlir --approx-apply-config=config=%inputs/config-dynamic.json \
// RUN:   --approx-export-knobs=output=%t.json -o /dev/null
// RUN: FileCheck %s --check-prefix=EXPORT --input-file=%t.json

// The tests' input is in Inputs/two-knobs.mlir; this file only holds checks.

// DYN-LABEL: func.func @sum
// DYN:       approx.knob "sum_loop"
// DYN-SAME:  params <transform = loop_perforate, thresholds = [20, 80], decisions = [2, 1, 0]>
// DYN-LABEL: func.func @score
// DYN:       approx.knob "score_call"
// DYN-SAME:  params <transform = task_skipping, decisions = [1]>

// A static configuration of a dynamic-capable knob: no thresholds, and the
// transform defaults to the knob's only kind. Knobs not named stay unset.
// STATIC-LABEL: func.func @sum
// STATIC:       params <transform = loop_perforate, decisions = [1]>
// STATIC-LABEL: func.func @score
// STATIC-NOT:   params

// Applying then exporting gives back the configuration.
// EXPORT:      "id": "sum_loop"
// EXPORT:      "params": {
// EXPORT-NEXT:   "decisions": [
// EXPORT-NEXT:     2,
// EXPORT-NEXT:     1,
// EXPORT-NEXT:     0
// EXPORT-NEXT:   ],
// EXPORT-NEXT:   "thresholds": [
// EXPORT-NEXT:     20,
// EXPORT-NEXT:     80
// EXPORT-NEXT:   ],
// EXPORT-NEXT:   "transform": "loop_perforate"
// EXPORT:      "id": "score_call"
// EXPORT:      "params": {
// EXPORT-NEXT:   "decisions": [
// EXPORT-NEXT:     1
// EXPORT-NEXT:   ],
// EXPORT-NEXT:   "thresholds": [],
// EXPORT-NEXT:   "transform": "task_skipping"
