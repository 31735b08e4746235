"""`bazel run //benchmarks:hpacml_binomial_tune`: surrogates and classic knobs tuned together.

Trains surrogates for the application (unless --output_dir already holds
them), installs the Pareto models behind its `ml_surrogate` knob, and tunes
every knob of the application with `ar.tune` under one accuracy threshold
(approxbench/hpacml/tuning.py). Prints the frontier: which configurations
(exact code, coarser classic approximations, surrogates, both) are
Pareto-optimal on the evaluation inputs.
"""

import logging
import os
import pathlib

from absl import app, flags

from approxbench.hpacml.pipeline import PipelineConfig
from approxbench.hpacml.tuning import TuneConfig, tune
from approxmlir import surrogates

APP = flags.DEFINE_string("app", "binomial", "Application with an ml_surrogate knob.")
OUTPUT_DIR = flags.DEFINE_string(
    "output_dir", None, "Work and result directory (default: approxmlir-hpacml-<app>, shared with hpacml_<app>)."
)
THRESHOLD = flags.DEFINE_float("accuracy_threshold", 0.99, "1 - error / mean |QoI| the best configuration keeps.")
BUDGET = flags.DEFINE_float("budget", 600.0, "Tuning time, in seconds.")
MAX_EVALUATIONS = flags.DEFINE_integer("max_evaluations", 40, "Evaluations (the binomial space has 20).")
TRIALS = flags.DEFINE_integer("trials", 12, "Architecture-search trials, when models must be trained.")
SEARCH_TIMEOUT = flags.DEFINE_float("search_timeout", 240.0, "Architecture-search budget, in seconds.")


def main(argv):
    del argv
    logging.getLogger().setLevel(logging.INFO)
    base = pathlib.Path(os.environ.get("BUILD_WORKING_DIRECTORY", "."))
    workdir = base / (OUTPUT_DIR.value or f"approxmlir-hpacml-{APP.value}")
    pipeline = PipelineConfig(
        app=APP.value,
        workdir=workdir,
        search=surrogates.SearchConfig(n_trials=TRIALS.value, timeout_s=SEARCH_TIMEOUT.value),
    )
    result = tune(
        TuneConfig(
            pipeline,
            accuracy_threshold=THRESHOLD.value,
            time_budget=BUDGET.value,
            max_evaluations=MAX_EVALUATIONS.value,
        )
    )
    print(f"{'speedup':>8} {'accuracy':>9}  configuration")
    for point in result.frontier:
        knobs = ", ".join(f"{k}={v['decisions'][0]}" for k, v in sorted(point.config.items()))
        print(f"{point.speedup:>7.2f}x {point.accuracy:>9.5f}  {knobs or 'exact'}")
    print(f"wrote {workdir / 'tuning'}")


if __name__ == "__main__":
    app.run(main)
