"""A base class for tuning an application, like the upstream prototype's driver:
subclass it, implement `run_application`, call `tune`."""

from __future__ import annotations

import abc
import os
import pathlib
from typing import Callable, Optional, Sequence, Union

from approxmlir.compiler import NativeArtifact, build_native
from approxmlir.compiler.approx_opt import MlirInput
from approxmlir.tuner.database import Record
from approxmlir.tuner.options import TuneOptions
from approxmlir.tuner.space import Configuration
from approxmlir.tuner.tuning import TuningResult, tune


class Driver(abc.ABC):
    """Tunes the knobs of `mlir_source`; subclasses run the application.

    ```python
    class Bm25(Driver):
        def run_application(self, config):
            library = self.build(config).load()
            ...                     # run it, compare with the exact output
            return time_ms, accuracy

    result = Bm25("bm25.mlir", c_sources=["state.c"]).tune(0.95, options=TuneOptions(parallelism=2))
    ```
    """

    def __init__(
        self,
        mlir_source: MlirInput,
        c_sources: Sequence[Union[str, os.PathLike]] = (),
        cache_dir: Optional[Union[str, os.PathLike]] = None,
    ):
        self.mlir_source = mlir_source
        self.c_sources = [pathlib.Path(p) for p in c_sources]
        self.cache_dir = cache_dir

    def build(self, config: Configuration) -> NativeArtifact:
        """The native library of the program with `config` applied (cached)."""
        return build_native(self.mlir_source, config, c_sources=self.c_sources, cache_dir=self.cache_dir)

    @abc.abstractmethod
    def run_application(self, config: Configuration) -> tuple[float, float]:
        """Runs the application with `config`; returns (time_ms, accuracy)."""

    def tune(
        self,
        accuracy_threshold: float = 0.9,
        time_budget: Optional[float] = None,
        result_callback: Optional[Callable[[Record], None]] = None,
        *,
        options: Optional[TuneOptions] = None,
    ) -> TuningResult:
        """`tune(self.mlir_source, self.run_application, ...)`."""
        return tune(
            self.mlir_source, self.run_application, accuracy_threshold, time_budget, result_callback, options=options
        )
