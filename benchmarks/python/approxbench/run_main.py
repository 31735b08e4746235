"""The `//benchmarks:<kernel>` targets: run the tuned artifact and the exact one, compare.

The artifacts are `approx_cc_library` outputs passed as data; the split is
the evaluation split unless --split says otherwise.
"""

from __future__ import annotations

from absl import flags

from approxbench.artifacts import bazel_artifact
from approxbench.harness import KernelBenchmark
from approxmlir import runtime

SPLIT = flags.DEFINE_string("split", "eval", "Input split to run on (tune or eval).")
SCALE_RUN = flags.DEFINE_float("run_scale", 1.0, "Multiplies the input sizes.")


def _artifact(name: str) -> runtime.NativeLibrary:
    artifact = bazel_artifact(name)
    if artifact is None:
        raise FileNotFoundError(f"{name}.so is not in the runfiles of this binary (run it with bazel run)")
    return artifact.load()


def run_main(benchmark: KernelBenchmark) -> int:
    exact_library = _artifact(f"{benchmark.name}_exact")
    tuned_library = _artifact(f"{benchmark.name}_tuned")
    inputs = benchmark.split_inputs(SPLIT.value, SCALE_RUN.value)
    exact_ms, exact = benchmark.timed_split(exact_library, inputs)
    tuned_ms, tuned = benchmark.timed_split(tuned_library, inputs)
    scores = benchmark.split_scores(tuned, exact)
    qos = sum(scores) / len(scores)
    print(
        f"{benchmark.name} ({SPLIT.value} split): exact {exact_ms:.1f} ms, tuned {tuned_ms:.1f} ms, "
        f"speedup {exact_ms / tuned_ms:.2f}x, QoS {qos:.4f} (loss {(1 - qos) * 100:.2f} %)"
    )
    print(f"configuration: benchmarks/tuned/{benchmark.name}.json")
    return 0
