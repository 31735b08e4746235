"""The `//benchmarks:<kernel>_tune` targets: tune static and dynamic spaces, re-evaluate, report.

    bazel run //benchmarks:kmeans_tune -- --budget=300 --parallelism=2 --output_dir=/tmp/kmeans

Writes both frontiers (JSON, CSV, PNG) and a comparison plot to --output_dir,
prints the speedup at 1, 3, 5 and 10 % QoS loss on both splits (medians of
repeated interleaved timings with 95 % intervals), the tune-to-eval gaps and
the dynamic-versus-static comparison at 3, 6 and 9 % (`heldout_report`), and
with --write_config stores the fastest dynamic configuration within 5 % loss
(on the evaluation split) as benchmarks/tuned/<kernel>.json.
"""

from __future__ import annotations

import json
import logging
import os
import pathlib

from absl import flags

from approxbench.harness import KernelBenchmark, make_evaluator
from approxmlir.compiler import export_knobs
from approxmlir.tuner import TuneOptions, compare_search_spaces, heldout_report, reevaluate
from approxmlir.tuner.pareto import speedup_at

BUDGET = flags.DEFINE_float("budget", 240.0, "Tuning time per search space, in seconds.")
MAX_EVALUATIONS = flags.DEFINE_integer("max_evaluations", 200, "Evaluations per search space.")
PARALLELISM = flags.DEFINE_integer("parallelism", 1, "Evaluations in parallel (1 keeps timings clean).")
OUTPUT_DIR = flags.DEFINE_string("output_dir", None, "Where to write results (default: approxmlir-<kernel>).")
SCALE = flags.DEFINE_float("scale", 1.0, "Multiplies the input sizes.")
THRESHOLD = flags.DEFINE_float("accuracy_threshold", 0.95, "QoS the best configuration must reach.")
WRITE_CONFIG = flags.DEFINE_bool("write_config", False, "Write benchmarks/tuned/<kernel>.json in the source tree.")
SEED = flags.DEFINE_integer("seed", 0, "Search seed.")

LEVELS = (0.01, 0.03, 0.05, 0.10)
# Dynamic versus static: each space's choice on the tuning split, re-measured on the evaluation split.
COMPARISON_LEVELS = (0.03, 0.06, 0.09)


def _output_dir(name: str) -> pathlib.Path:
    base = pathlib.Path(os.environ.get("BUILD_WORKING_DIRECTORY", "."))
    return base / (OUTPUT_DIR.value or f"approxmlir-{name}")


def tune_main(benchmark: KernelBenchmark) -> int:
    logging.getLogger().setLevel(logging.INFO)
    out = _output_dir(benchmark.name)
    evaluator = make_evaluator(benchmark, SCALE.value, cache_dir=out / "build-cache")
    knobs = export_knobs(benchmark.mlir)
    results = compare_search_spaces(
        benchmark.mlir,
        evaluator,
        THRESHOLD.value,
        BUDGET.value,
        options=TuneOptions(
            knobs=knobs,
            output_dir=out,
            max_evaluations=MAX_EVALUATIONS.value,
            parallelism=PARALLELISM.value,
            seed=SEED.value,
        ),
    )
    heldout = {mode: reevaluate(result, evaluator, split="eval") for mode, result in results.items()}
    print(
        f"\n{benchmark.name}: {len(knobs)} knobs; exact run {evaluator.exact_ms['tune']:.1f} ms (tune), "
        f"{evaluator.exact_ms['eval']:.1f} ms (eval)"
    )
    for mode, result in results.items():
        print(f"  {mode}: {len(result.evaluations)} configurations evaluated, frontier of {len(result.frontier)}")
    print()
    heldout_name = "evaluation split (5x larger)"
    if benchmark.instanced:
        counts = {split: len(evaluator.inputs[split]) for split in ("tune", "eval")}
        heldout_name = f"evaluation split ({counts['eval']} problems; tuning split {counts['tune']})"
    print(heldout_report(results, heldout, LEVELS, heldout_name, COMPARISON_LEVELS))
    print(f"\nplots: {results['static'].paths['comparison_plot']}")
    best = speedup_at(heldout["dynamic"], 0.05) or speedup_at(heldout["static"], 0.05)
    if WRITE_CONFIG.value and best is not None:
        workspace = pathlib.Path(os.environ.get("BUILD_WORKSPACE_DIRECTORY", "."))
        path = workspace / "benchmarks" / "tuned" / f"{benchmark.name}.json"
        path.write_text(json.dumps({"knobs": best.config}, indent=2, sort_keys=True) + "\n")
        print(f"wrote {path} (speedup {best.speedup:.2f}x at QoS loss {best.qos_loss * 100:.1f} % on eval)")
    return 0
