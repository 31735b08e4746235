"""The `//benchmarks:<system>` targets: a compound system's tuned configuration against the exact one.

`benchmarks/tuned/<system>.json` holds the configuration, in the form that
approx-apply-config reads and the kernels' tuned files have:
`{"knobs": {knob id: {"transform", "decisions", "thresholds"}}}` (a tuning
run's frontier point's "config" goes under "knobs"; a knob not named keeps
its exact params). `load_tuned_config` checks it against the system's knob
space, `build_configured` builds the pipeline's native library with it (the
rest of the validation is approx-apply-config's); Bazel does both at build
time (build_system_library.py), and `PrebuiltPipeline` serves those
libraries to the system's evaluation.

`compare` runs the exact and the tuned system on a split with the tuner's
repeated interleaved timing (`approxmlir.tuner.timing.time_interleaved`:
every evaluation in its own process, the order rotated per round) and
returns the accuracies, the QoS loss with its paired-bootstrap interval over
the questions and the speedup (median over the rounds) with its bootstrap
interval over the rounds (`approxmlir.qos.bootstrap`, through the tuner's
`TimingRun.point`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import pathlib
from typing import Mapping, Optional, Sequence

from approxmlir.compiler import CompilerError, KnobSpace, NativeArtifact
from approxmlir.compiler.knobs import ConfigEntry, config_entries
from approxmlir.compound import Pipeline, PipelineEvaluation
from approxmlir.errors import ApproxError
from approxmlir.qos.bootstrap import Interval
from approxmlir.tuner import Executor, make_executor, pareto
from approxmlir.tuner.space import Configuration, config_from_json, config_key
from approxmlir.tuner.timing import time_interleaved

_LOG = logging.getLogger(__name__)

# Interleaved timing rounds of the exact and the tuned system (3 rounds, the
# tuner's default, give too narrow percentile intervals of a median).
DEFAULT_REPEATS = 5
FORM = '{"knobs": {knob id: {"transform": ..., "decisions": [...], "thresholds": [...]}}}'


class TunedConfigError(ApproxError, ValueError):
    """A tuned configuration file that is unreadable, malformed or outside the system's knob space."""


class SystemRunError(ApproxError, RuntimeError):
    """The tuned system failed while being compared with the exact one."""


def load_tuned_config(path: os.PathLike, knobs: Sequence[KnobSpace]) -> Configuration:
    """The configuration in `path`, its knob ids checked against `knobs` (errors name the file)."""
    path = pathlib.Path(path)
    try:
        document = json.loads(path.read_text())
    except OSError as error:
        raise TunedConfigError(f"{path}: cannot read the tuned configuration: {error}") from error
    except json.JSONDecodeError as error:
        raise TunedConfigError(f"{path}: not valid JSON: {error}") from error
    entries = document.get("knobs") if isinstance(document, dict) else None
    if not isinstance(entries, dict):
        raise TunedConfigError(f"{path}: expected {FORM}")
    known = {knob.id for knob in knobs}
    unknown = sorted(set(entries) - known)
    if unknown:
        raise TunedConfigError(
            f"{path}: unknown knob{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(the system's knobs: {', '.join(sorted(known))})"
        )
    try:
        return config_from_json(entries)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise TunedConfigError(
            f"{path}: malformed knob params ({type(error).__name__}: {error}); expected {FORM}"
        ) from error


def build_configured(
    pipeline: Pipeline, config: Optional[Configuration], path: Optional[os.PathLike]
) -> NativeArtifact:
    """`pipeline.build(config)`; approx-apply-config's rejection of `config` names the file it came from."""
    try:
        return pipeline.build(config)
    except CompilerError as error:
        if path is None:
            raise
        raise TunedConfigError(f"{path}: the configuration does not apply to the system: {error}") from error


def _key(config: Optional[Mapping[str, ConfigEntry]]) -> str:
    return config_key(config_from_json(config_entries(config or {})))


class PrebuiltPipeline(Pipeline):
    """A pipeline whose native libraries were built beforehand (by Bazel), one per configuration it serves."""

    def __init__(self, stages: Sequence, artifacts: Sequence[tuple[Optional[Configuration], NativeArtifact]]):
        super().__init__(stages)
        self.artifacts = {_key(config): artifact for config, artifact in artifacts}

    def build(self, config: Optional[Mapping] = None) -> NativeArtifact:
        key = _key(config)
        if key not in self.artifacts:
            raise KeyError(f"no prebuilt library for configuration {key} (have {len(self.artifacts)})")
        return self.artifacts[key]


def with_prebuilt(
    evaluation: PipelineEvaluation, artifacts: Sequence[tuple[Optional[Configuration], NativeArtifact]]
) -> PipelineEvaluation:
    """`evaluation` running on prebuilt libraries (config, artifact) instead of building them."""
    return dataclasses.replace(evaluation, pipeline=PrebuiltPipeline(evaluation.pipeline.stages, artifacts))


@dataclasses.dataclass(frozen=True)
class SystemComparison:
    """The tuned system against the exact one on the questions of a split."""

    split: str
    questions: int
    exact_accuracy: float
    tuned_accuracy: float
    loss: Interval  # exact accuracy - tuned accuracy, paired bootstrap over the questions
    speedup: float  # median(exact ms) / median(tuned ms) over the rounds
    speedup_interval: Optional[Interval]  # bootstrap over the rounds (None with one round)
    exact_ms: float  # per question, median over the rounds
    tuned_ms: float
    rounds: int


def compare(
    evaluation: PipelineEvaluation,
    tuned: Configuration,
    workdir: os.PathLike,
    *,
    split: str = "eval",
    repeats: int = DEFAULT_REPEATS,
    executor: Optional[Executor] = None,
) -> SystemComparison:
    """The exact system and `tuned` on `split`, timed in `repeats` interleaved rounds (logs under `workdir`)."""
    if evaluation.input_score is None:
        raise ValueError("the evaluation gives no per-input scores: the loss interval needs them")
    # What every round shares, before the evaluations fork: the split's inputs and both libraries.
    questions = len(evaluation.split(split).inputs)
    evaluation.pipeline.build(None)
    evaluation.pipeline.build(tuned)
    pool = make_executor("local") if executor is None else executor
    try:
        run = time_interleaved(
            evaluation,
            {},
            [config_entries(tuned)],
            executor=pool,
            repeats=repeats,
            workdir=pathlib.Path(workdir),
            kwargs={"split": split},
        )
    finally:
        if executor is None:
            pool.shutdown()
    timed = run.candidates[0]
    if timed is None:
        raise SystemRunError(
            f"the tuned configuration failed on split {split!r}; see {workdir}/round*/0001/evaluation.log"
        )
    point = run.point(timed)
    _LOG.info("tuned system on split %r: %s", split, pareto.describe_speedup(point))
    return SystemComparison(
        split=split,
        questions=questions,
        exact_accuracy=run.baseline.outcome.accuracy,
        tuned_accuracy=point.accuracy,
        loss=point.loss_interval,
        speedup=point.speedup,
        speedup_interval=point.speedup_interval,
        exact_ms=run.baseline.median_ms,
        tuned_ms=point.time_ms,
        rounds=repeats,
    )


def report(name: str, result: SystemComparison) -> str:
    """What `//benchmarks:<system>` prints."""
    loss = result.loss
    speedup = f"speedup {result.speedup:.2f}x"
    if result.speedup_interval is not None:
        interval = result.speedup_interval
        speedup += f" [{interval.low:.2f}, {interval.high:.2f}] (95 % bootstrap interval over the rounds)"
    return "\n".join(
        [
            f"{name} ({result.split} split): {result.questions} questions",
            f"  exact accuracy {result.exact_accuracy:.3f}, tuned accuracy {result.tuned_accuracy:.3f}",
            f"  QoS loss {loss.estimate * 100:.2f} % [{loss.low * 100:.2f}, {loss.high * 100:.2f}] "
            "(95 % paired-bootstrap interval over the questions)",
            f"  {speedup}; per question: exact {result.exact_ms:.1f} ms, tuned {result.tuned_ms:.1f} ms "
            f"(medians of {result.rounds} interleaved rounds)",
        ]
    )
