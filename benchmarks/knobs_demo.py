"""Shows the toolchain on an example: export a program's knobs, configure, re-export.

    bazel run //benchmarks:knobs_demo [-- --input=prog.mlir --config=cfg.json]

Without --config, every knob is set to its most aggressive static decision
(and dynamic knobs to an evenly spaced decision tree), which exercises the
apply pass on every kind of knob. Writes knobs.json, config.json and
configured.mlir to --output_dir.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import pathlib

from absl import app, flags

from approxmlir import compiler
from approxmlir.compiler import KnobParams, KnobSpace

_EXAMPLE = pathlib.Path(os.path.abspath(__file__)).parent / "examples" / "retrieval.mlir"

INPUT = flags.DEFINE_string("input", str(_EXAMPLE), "MLIR file with approx.knob ops.")
CONFIG = flags.DEFINE_string("config", None, "JSON configuration {knob id: params} to apply.")
OUTPUT_DIR = flags.DEFINE_string(
    "output_dir", "approxmlir-demo", "Where to write the results (relative to where bazel run was called)."
)


def default_config(knobs: list[KnobSpace]) -> dict[str, KnobParams]:
    """An aggressive setting of each knob: evenly spaced thresholds over the
    largest decision values when the knob is dynamic, else its largest value."""
    config = {}
    for knob in knobs:
        transform = knob.transform_types[0]
        if knob.is_dynamic:
            lo, hi = knob.threshold_range
            step = (hi - lo) // (knob.num_thresholds + 1)
            thresholds = tuple(lo + step * (i + 1) for i in range(knob.num_thresholds))
            # The largest values, ascending: higher states approximate more.
            values = knob.decision_values
            decisions = tuple(
                values[max(0, len(values) - knob.num_thresholds - 1 + i)] for i in range(knob.num_thresholds + 1)
            )
            config[knob.id] = KnobParams(transform, decisions, thresholds)
        else:
            config[knob.id] = KnobParams(transform, (knob.decision_values[-1],))
    return config


def describe(knob: KnobSpace) -> str:
    space = f"{'/'.join(knob.transform_types)} values {list(knob.decision_values)}"
    if knob.is_dynamic:
        space += (
            f", decision tree on {knob.state_function}() with {knob.num_thresholds} "
            f"thresholds in {list(knob.threshold_range)}"
        )
    params = (
        "exact (unset)"
        if knob.params is None
        else (
            f"{knob.params.transform} thresholds={list(knob.params.thresholds)} decisions={list(knob.params.decisions)}"
        )
    )
    return f"  {knob.id:<20} in @{knob.function:<14} {space}\n  {'':<20} params: {params}"


def main(argv: list[str]) -> int:
    del argv
    source = pathlib.Path(INPUT.value)
    out_dir = pathlib.Path(os.environ.get("BUILD_WORKING_DIRECTORY", ".")) / OUTPUT_DIR.value
    out_dir.mkdir(parents=True, exist_ok=True)

    try:
        return run(source, out_dir)
    except (compiler.CompilerError, OSError, ValueError, KeyError) as error:
        logging.error("%s", error)
        return 1


def run(source: pathlib.Path, out_dir: pathlib.Path) -> int:
    knobs = compiler.export_knobs(source)
    print(f"{source.name}: {len(knobs)} knobs")
    for knob in knobs:
        print(describe(knob))
    (out_dir / "knobs.json").write_text(json.dumps([dataclasses.asdict(k) for k in knobs], indent=2))

    if CONFIG.value:
        config = json.loads(pathlib.Path(CONFIG.value).read_text())["knobs"]
    else:
        config = {k: v.to_json() for k, v in default_config(knobs).items()}
    (out_dir / "config.json").write_text(json.dumps({"knobs": config}, indent=2))

    configured = compiler.apply_config(source, config)
    (out_dir / "configured.mlir").write_text(configured)
    print("\nafter approx-apply-config:")
    for knob in compiler.export_knobs(configured):
        print(describe(knob))
    print(f"\nwrote {out_dir}/{{knobs.json,config.json,configured.mlir}}")
    return 0


if __name__ == "__main__":
    app.run(main)
