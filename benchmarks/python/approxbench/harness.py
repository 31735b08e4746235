"""What every kernel benchmark shares: building configurations, timing, QoS.

A benchmark is a C kernel with approx annotations (benchmarks/c/<name>.c)
and a driver: it makes the inputs of a split ("tune", or "eval", 5x larger),
runs the compiled kernel on them, and scores an output against the exact one.
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

from approxmlir import runtime
from approxmlir.compiler import NativeArtifact, build_native
from approxmlir.frontends.c import translate_file

_LOG = logging.getLogger(__name__)

C_DIR = pathlib.Path(os.path.abspath(__file__)).parents[2] / "c"
SPLITS = ("tune", "eval")
EVAL_FACTOR = 5


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


@dataclasses.dataclass
class Evaluator:
    """evaluate_fn for the tuner: (config, split) -> (time_ms, QoS)."""

    benchmark: KernelBenchmark
    inputs: dict[str, Any]
    exact: dict[str, Any]
    exact_ms: dict[str, float]
    cache_dir: Optional[os.PathLike]

    def __call__(self, config: Mapping, split: str = "tune") -> tuple[float, float]:
        library = self.benchmark.build(config, self.cache_dir).load()
        time_ms, output = self.benchmark.timed_run(library, self.inputs[split])
        return time_ms, self.benchmark.qos(output, self.exact[split])


def make_evaluator(
    benchmark: KernelBenchmark,
    scale: float = 1.0,
    cache_dir: Optional[os.PathLike] = None,
    splits: Sequence[str] = SPLITS,
) -> Evaluator:
    """Inputs of every split and their exact outputs (computed once)."""
    inputs = {split: benchmark.make_inputs(split, scale) for split in splits}
    exact_library = benchmark.build(None, cache_dir).load()
    exact, exact_ms = {}, {}
    for split in splits:
        exact_ms[split], exact[split] = benchmark.timed_run(exact_library, inputs[split])
        _LOG.info("%s: exact run on the %s split takes %.1f ms", benchmark.name, split, exact_ms[split])
    return Evaluator(benchmark, inputs, exact, exact_ms, cache_dir)
