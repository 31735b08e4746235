"""`bazel run //benchmarks:bm25_rag` (and kb_rag, tools): a compound system's tuned configuration against exact.

Loads `benchmarks/tuned/<system>.json`, runs the system with it and the exact
system on the evaluation split (5x --tune_questions questions) with the
model service of the tune target (its answer memo in --output_dir: after
`<system>_tune` with the same --output_dir, the answers are replayed), and
prints the questions, both accuracies, the QoS loss with a 95 % paired
bootstrap interval over the questions and the speedup with a 95 % interval
over interleaved timing rounds. The system's native libraries are Bazel's
`<system>_exact` and `<system>_tuned` (the tuned file applied at build time);
outside Bazel they are built here. The numbers are also written to
<output_dir>/run_<split>.json.
"""

import dataclasses
import json
import logging
import os
import pathlib

from absl import app, flags

from approxbench import artifacts, system_run
from approxbench.system_flags import SYSTEM, make_system, model_service, output_dir

SPLIT = flags.DEFINE_enum("split", "eval", ["tune", "eval"], "The split to run on.")
REPEATS = flags.DEFINE_integer(
    "repeats", system_run.DEFAULT_REPEATS, "Interleaved timing rounds of the exact and the tuned system."
)
TUNED_DIR = pathlib.Path(os.path.abspath(__file__)).parent / "tuned"


def main(argv):
    del argv
    logging.getLogger().setLevel(logging.INFO)
    name = SYSTEM.value
    out = output_dir()
    config_path = TUNED_DIR / f"{name}.json"
    with model_service(out) as service:
        system = make_system(service, out)
        tuned = system_run.load_tuned_config(config_path, system.pipeline.knobs)
        evaluation = system.evaluation
        prebuilt = [artifacts.bazel_artifact(f"{name}_{kind}") for kind in ("exact", "tuned")]
        if all(prebuilt):
            evaluation = system_run.with_prebuilt(evaluation, list(zip((None, tuned), prebuilt)))
        else:
            logging.warning("no Bazel-built %s_exact/%s_tuned libraries here: building them now", name, name)
            system_run.build_configured(system.pipeline, tuned, config_path)
        result = system_run.compare(
            evaluation, tuned, out / f"run_{SPLIT.value}", split=SPLIT.value, repeats=REPEATS.value
        )
    print(system_run.report(name, result))
    built = f"Bazel's {name}_exact and {name}_tuned" if all(prebuilt) else "built at run time"
    print(f"configuration: benchmarks/tuned/{name}.json; native libraries: {built}")
    (out / f"run_{SPLIT.value}.json").write_text(json.dumps(dataclasses.asdict(result), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    app.run(main)
