"""The tuner's own cost per evaluation: tuning an objective that costs nothing.

    bazel run //benchmarks:tuner_overhead [-- --evaluations=100]

Every evaluation still runs in its own process (as real ones do), so the time
per evaluation is the engine's proposal + process start + result recording.
"""

from __future__ import annotations

import tempfile
import time

from absl import app, flags

from approxmlir.compiler import KnobSpace
from approxmlir.tuner import TuneOptions, tune

EVALUATIONS = flags.DEFINE_integer("evaluations", 100, "Evaluations per engine.")

KNOBS = [
    KnobSpace("a", "f", "-", ("loop_perforate",), (0, 1, 2, 3)),
    KnobSpace("b", "f", "-", ("func_substitute",), (0, 1, 2)),
    KnobSpace("c", "f", "-", ("loop_perforate",), (0, 1, 2), "state", 2, (0, 100)),
]


def instant(config):
    level = sum(max(p.decisions) for p in config.values())
    return 100.0 / (1 + level), 1.0 - 0.02 * level


def main(argv: list[str]) -> int:
    del argv
    print(f"{'engine':<10} {'parallelism':>11} {'evaluations':>11} {'wall':>8} {'per evaluation':>15}")
    for engine in ("opentuner", "random"):
        for parallelism in (1, 2):
            with tempfile.TemporaryDirectory() as out:
                start = time.perf_counter()
                result = tune(
                    None,
                    instant,
                    0.9,
                    options=TuneOptions(
                        knobs=KNOBS,
                        engine=engine,
                        output_dir=out,
                        max_evaluations=EVALUATIONS.value,
                        parallelism=parallelism,
                        progress=False,
                        timing_repeats=1,  # the search's overhead only
                    ),
                )
                wall = time.perf_counter() - start
            count = len(result.evaluations)
            print(f"{engine:<10} {parallelism:>11} {count:>11} {wall:>7.2f}s {wall / count * 1e3:>12.1f} ms")
    return 0


if __name__ == "__main__":
    app.run(main)
