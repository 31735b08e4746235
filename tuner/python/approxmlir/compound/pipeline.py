"""A compound system: stages linked into one approx module, built per configuration.

pipeline = Pipeline([NativeKernel("retriever", "retriever.c"), ModelChoice("reader", {0: "big", 1: "small"})])
pipeline.mlir        # one module: the tuner sees every knob
run = pipeline.run(config, models=service.client())
run.library["rank"](...)                         # the kernels, with config's knobs
variant = run.choose("reader", state=confidence)   # the selection knob, as compiled
answers = run.ask([Request(variant, question, passage), ...])
run.seconds   # wall time so far, with each answer's measured generation time
"""

from __future__ import annotations

import concurrent.futures
import functools
import numbers
import os
import time
from typing import Mapping, Optional, Sequence, Union

import numpy as np

from approxmlir import runtime
from approxmlir.compiler import KnobSpace, NativeArtifact, build_native, export_knobs, link_modules
from approxmlir.compound.memo import Answer, Request
from approxmlir.compound.service import ModelClient
from approxmlir.compound.stages import ModelChoice, NativeKernel

Stage = Union[NativeKernel, ModelChoice]


class Pipeline:
    """Stages, in order; their modules are linked into one (approxmlir.compiler.link_modules)."""

    def __init__(self, stages: Sequence[Stage], *, cache_dir: Optional[os.PathLike] = None):
        names = [stage.name for stage in stages]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"stage names must be distinct; repeated: {', '.join(duplicates)}")
        if not stages:
            raise ValueError("a pipeline needs at least one stage")
        self.stages = tuple(stages)
        self.cache_dir = cache_dir

    @functools.cached_property
    def mlir(self) -> str:
        return link_modules({stage.name: stage.mlir for stage in self.stages})

    @functools.cached_property
    def knobs(self) -> list[KnobSpace]:
        return export_knobs(self.mlir)

    @property
    def choices(self) -> dict[str, ModelChoice]:
        return {s.name: s for s in self.stages if isinstance(s, ModelChoice)}

    def build(self, config: Optional[Mapping] = None) -> NativeArtifact:
        """The native library of every stage with `config` (None: exact)."""
        return build_native(self.mlir, config, cache_dir=self.cache_dir)

    def run(
        self,
        config: Optional[Mapping] = None,
        models: Optional[ModelClient] = None,
        *,
        parallel_requests: int = 1,
        seed: Optional[int] = 12345,
    ) -> "PipelineRun":
        """A run of the pipeline built with `config`; its clock starts now.

        `seed` reseeds the runtime's random knobs, so that every evaluation of
        a probabilistic configuration draws the same numbers.
        """
        library = self.build(config).load()
        if seed is not None:
            runtime.get_runtime().seed(seed)
        return PipelineRun(self, library, models, parallel_requests)


class PipelineRun:
    """One configuration's native library, its selection knobs and the model service.

    `seconds` counts the wall time since the run began except the time spent
    waiting in `ask`, which is replaced by each answer's measured generation
    time (memoized answers cost what they cost when they really ran, and
    answers generated side by side are counted one after another).
    """

    def __init__(
        self, pipeline: Pipeline, library: runtime.NativeLibrary, models: Optional[ModelClient], parallel_requests: int
    ):
        self.pipeline = pipeline
        self.library = library
        self.models = models
        self.parallel_requests = max(1, parallel_requests)
        self._start = time.perf_counter()
        self._waited = 0.0
        self._model_seconds = 0.0

    def decision(self, choice: str, state: int) -> int:
        """The decision value the compiled selection knob `choice` takes at `state`."""
        stage = self._choice(choice)
        lo, hi = stage.state_range
        if not isinstance(state, numbers.Integral) or isinstance(state, (bool, np.bool_)):
            raise TypeError(f"the state of {choice!r} must be an integer, got {state!r}")
        state = min(max(int(state), lo), hi)
        self.library[stage.symbols.set_state](state)
        return int(self.library[stage.symbols.select]())

    def choose(self, choice: str, state: int) -> Optional[str]:
        """The model variant (or None) that the knob `choice` picks at `state` (clamped to its range)."""
        return self._choice(choice).variants[self.decision(choice, state)]

    def ask(self, requests: Sequence[Optional[Request]]) -> list[Optional[Answer]]:
        """The answers to `requests`, in order (None for None), `parallel_requests` at a time."""
        if self.models is None:
            raise ValueError("this run has no model service: pass models= to Pipeline.run")
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(self.parallel_requests) as pool:
            answers = list(pool.map(lambda r: None if r is None else self.models.answer(r), requests))
        self._waited += time.perf_counter() - start
        self._model_seconds += sum(a.seconds for a in answers if a is not None)
        return answers

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self._start - self._waited + self._model_seconds

    def _choice(self, name: str) -> ModelChoice:
        choices = self.pipeline.choices
        if name not in choices:
            raise KeyError(f"no model choice {name!r} in the pipeline (have {sorted(choices)})")
        return choices[name]
