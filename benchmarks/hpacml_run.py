"""`bazel run //benchmarks:hpacml_<app>`: collect, train and deploy NN surrogates for one application.

Runs the HPAC-ML workflow (approxbench/hpacml/pipeline.py) and prints what
the paper's evaluation reports: speedup over the exact application on the
evaluation inputs, QoI error, the data bridge's share of inference time, the
collection overhead, and the lines of pragma added. Writes results.json and
a speedup-vs-error plot of the deployed Pareto models to --output_dir.
"""

import dataclasses
import json
import logging
import os
import pathlib

from absl import app, flags

from approxbench.hpacml import APPS
from approxbench.hpacml.pipeline import PipelineConfig, PipelineResult, run
from approxmlir import surrogates

APP = flags.DEFINE_enum("app", None, sorted(APPS), "Application to run.")
OUTPUT_DIR = flags.DEFINE_string("output_dir", None, "Where to write results (default: approxmlir-hpacml-<app>).")
TRIALS = flags.DEFINE_integer("trials", 12, "Architecture-search trials (Optuna).")
SEARCH_TIMEOUT = flags.DEFINE_float("search_timeout", 240.0, "Architecture-search budget, in seconds.")
EPOCHS = flags.DEFINE_integer("epochs", 100, "Training epochs per trial (early stopping on validation).")
MAX_MODELS = flags.DEFINE_integer("max_models", 4, "Pareto models to deploy, most accurate first.")
TRAIN_SIZE = flags.DEFINE_enum("train_size", "train", ["test", "train", "eval"], "Inputs to collect on.")
EVAL_SIZE = flags.DEFINE_enum("eval_size", "eval", ["test", "train", "eval"], "Inputs to evaluate on.")
SEED = flags.DEFINE_integer("seed", 0, "Search seed.")


def report(result: PipelineResult) -> str:
    lines = [
        f"HPAC-ML {result.app}: {result.directives} directives, {result.pragma_lines} lines of pragma",
        f"collection: {result.rows} samples; {result.collect_seconds:.2f} s vs {result.plain_train_seconds:.2f} s "
        f"without pragmas ({result.collection_overhead:.2f}x; bridge + HDF5 add "
        f"{100 * (result.collection_overhead_in_run - 1):.2f} % to the exact code's time)",
        f"exact run on the evaluation inputs: {result.exact_seconds:.3f} s; {result.trials} search trials",
        f"{'model':<12} {'hidden':<22} {'params':>8} {'time s':>9} {'speedup':>8} "
        f"{result.metric + ' err':>10} {'bridge %':>9}",
    ]
    for m in result.models:
        lines.append(
            f"{m.model:<12} {str(list(m.hidden)):<22} {m.parameters:>8} {m.seconds:>9.4f} "
            f"{m.speedup:>7.2f}x {m.error:>10.4g} {100 * m.bridge_overhead:>8.2f}%"
        )
    return "\n".join(lines)


def plot(result: PipelineResult, path: pathlib.Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.scatter(
        [m.error for m in result.models],
        [m.speedup for m in result.models],
        c=[m.parameters for m in result.models],
        cmap="viridis",
    )
    for m in result.models:
        ax.annotate(m.model, (m.error, m.speedup), fontsize=7)
    ax.set_xlabel(f"QoI {result.metric.upper()} (evaluation inputs)")
    ax.set_ylabel("speedup over the exact run")
    ax.set_title(f"HPAC-ML {result.app}: deployed Pareto models")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv):
    del argv
    logging.getLogger().setLevel(logging.INFO)
    name = APP.value
    base = pathlib.Path(os.environ.get("BUILD_WORKING_DIRECTORY", "."))
    output = base / (OUTPUT_DIR.value or f"approxmlir-hpacml-{name}")
    config = PipelineConfig(
        app=name,
        workdir=output,
        train_size=TRAIN_SIZE.value,
        eval_size=EVAL_SIZE.value,
        search=surrogates.SearchConfig(
            n_trials=TRIALS.value, timeout_s=SEARCH_TIMEOUT.value, epochs=EPOCHS.value, seed=SEED.value
        ),
        max_models=MAX_MODELS.value,
    )
    result = run(config)
    (output / "results.json").write_text(json.dumps(dataclasses.asdict(result), indent=2) + "\n")
    plot(result, output / "pareto.png")
    print(report(result))
    print(f"wrote {output / 'results.json'} and {output / 'pareto.png'}")


if __name__ == "__main__":
    flags.mark_flag_as_required("app")
    app.run(main)
