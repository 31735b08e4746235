"""What every kernel benchmark shares: building configurations, timing, QoS.

A benchmark is a C kernel with approx annotations (benchmarks/c/<name>.c)
and a driver: it makes the inputs of a split ("tune", or "eval", 5x larger),
runs the compiled kernel on them, and scores an output against the exact one.

QoS on a sample is an estimate, so a split's QoS is the mean of per-input
scores that the tuner bootstraps into confidence intervals: per query for
the retrieval kernels (`input_scores`), per independent problem for an
`instanced` benchmark (kmeans: TUNE_INSTANCES problems in "tune",
EVAL_FACTOR times as many in "eval", all of one size, so that no decision
depends on a size the tuning split did not have).
"""

from __future__ import annotations

import abc
import dataclasses
import functools
import logging
import os
import pathlib
import time
from typing import Any, Mapping, Optional, Sequence

import numpy as np

from approxmlir import runtime
from approxmlir.compiler import NativeArtifact, build_native
from approxmlir.frontends.c import translate_file

_LOG = logging.getLogger(__name__)

C_DIR = pathlib.Path(os.path.abspath(__file__)).parents[2] / "c"
SPLITS = ("tune", "eval")
EVAL_FACTOR = 5
TUNE_INSTANCES = 4  # an instanced benchmark's independent problems in "tune"


def instance_count(split: str) -> int:
    return TUNE_INSTANCES * (EVAL_FACTOR if split == "eval" else 1)


def instance_seed(seeds: Mapping[str, int], split: str, instance: int) -> int:
    """The seed of an instanced benchmark's problem `instance` of `split`."""
    if split not in seeds:
        raise ValueError(f"unknown split {split!r} (expected one of {sorted(seeds)})")
    if not 0 <= instance < instance_count(split):
        raise ValueError(f"split {split!r} has {instance_count(split)} instances, not {instance + 1}")
    return seeds[split] + 7919 * instance


def split_size(tune_size: int, split: str, scale: float) -> int:
    """How many inputs a split has: `tune_size` scaled, EVAL_FACTOR times more for "eval"."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    return max(1, round(tune_size * scale)) * (EVAL_FACTOR if split == "eval" else 1)


class KernelBenchmark(abc.ABC):
    """A kernel, its inputs and its QoS metric."""

    name: str
    entry: str
    repeats: int = 3
    # True: make_inputs(split, scale, instance) is one of instance_count(split)
    # independent problems of the tuning size (seeded by split and instance).
    instanced: bool = False

    @property
    def source(self) -> pathlib.Path:
        return C_DIR / f"{self.name}.c"

    @abc.abstractmethod
    def make_inputs(self, split: str, scale: float) -> Any:
        """Deterministic inputs; the "eval" split is EVAL_FACTOR times larger."""

    @abc.abstractmethod
    def run(self, library: runtime.NativeLibrary, inputs: Any) -> Any:
        """Runs the kernel on a fresh copy of whatever it modifies; returns its output."""

    @abc.abstractmethod
    def qos(self, output: Any, exact: Any) -> float:
        """The quality of `output` against the exact output, 1.0 = exact."""

    def input_scores(self, output: Any, exact: Any) -> list[float]:
        """Per-input QoS whose mean is `qos` (one score unless the output
        decomposes, e.g. per query)."""
        return [self.qos(output, exact)]

    def split_inputs(self, split: str, scale: float) -> list[Any]:
        """Everything a split runs on: its instances, or its one input."""
        if self.instanced:
            return [self.make_inputs(split, scale, instance) for instance in range(instance_count(split))]
        return [self.make_inputs(split, scale)]

    @functools.cached_property
    def mlir(self) -> str:
        return translate_file(self.source, args=[f"-I{runtime.include_dir()}"])

    def build(self, config: Optional[Mapping] = None, cache_dir: Optional[os.PathLike] = None) -> NativeArtifact:
        return build_native(self.mlir, config, cache_dir=cache_dir)

    def timed_run(self, library: runtime.NativeLibrary, inputs: Any) -> tuple[float, Any]:
        """Best of `repeats` runs, in ms, with the runtime's RNG reseeded each
        time so that probabilistic variants are reproducible."""
        rt = runtime.get_runtime()
        best, output = float("inf"), None
        for _ in range(self.repeats):
            rt.seed(12345)
            start = time.perf_counter()
            output = self.run(library, inputs)
            best = min(best, time.perf_counter() - start)
        return best * 1e3, output

    def timed_split(self, library: runtime.NativeLibrary, inputs: Sequence[Any]) -> tuple[float, list[Any]]:
        """`timed_run` on each of a split's inputs: the summed time and the outputs."""
        runs = [self.timed_run(library, one) for one in inputs]
        return sum(ms for ms, _ in runs), [output for _, output in runs]

    def split_scores(self, outputs: Sequence[Any], exact: Sequence[Any]) -> list[float]:
        """The per-input scores of a split's outputs against the exact ones."""
        return [score for output, reference in zip(outputs, exact) for score in self.input_scores(output, reference)]


@dataclasses.dataclass
class Evaluator:
    """evaluate_fn for the tuner: (config, split) -> (time_ms, QoS, per-input scores).

    `inputs[split]` and `exact[split]` are lists (the split's instances, or
    its one input); the time is their sum, the QoS the mean of the scores.
    """

    benchmark: KernelBenchmark
    inputs: dict[str, list[Any]]
    exact: dict[str, list[Any]]
    exact_ms: dict[str, float]
    cache_dir: Optional[os.PathLike]

    def __call__(self, config: Mapping, split: str = "tune") -> tuple[float, float, list[float]]:
        library = self.benchmark.build(config, self.cache_dir).load()
        total_ms, outputs = self.benchmark.timed_split(library, self.inputs[split])
        scores = self.benchmark.split_scores(outputs, self.exact[split])
        return total_ms, float(np.mean(scores)), scores


def make_evaluator(
    benchmark: KernelBenchmark,
    scale: float = 1.0,
    cache_dir: Optional[os.PathLike] = None,
    splits: Sequence[str] = SPLITS,
) -> Evaluator:
    """Inputs of every split and their exact outputs (computed once)."""
    inputs = {split: benchmark.split_inputs(split, scale) for split in splits}
    exact_library = benchmark.build(None, cache_dir).load()
    exact, exact_ms = {}, {}
    for split in splits:
        exact_ms[split], exact[split] = benchmark.timed_split(exact_library, inputs[split])
        _LOG.info(
            "%s: exact run on the %s split (%d inputs) takes %.1f ms",
            benchmark.name,
            split,
            len(inputs[split]),
            exact_ms[split],
        )
    return Evaluator(benchmark, inputs, exact, exact_ms, cache_dir)
