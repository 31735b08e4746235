"""`TuneOptions`: everything `tune` takes besides the paper's five arguments.

```python
import approxmlir as ar

options = ar.TuneOptions(parallelism=2, output_dir="tuning", max_evaluations=200)
result = ar.tune(mlir, evaluate_fn, 0.9, 600, options=options)
```

The options are checked when they are made (and again by
`dataclasses.replace`); `tune` checks what needs the program (seed
configurations against its knobs).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
from typing import Mapping, Optional, Sequence, Union

from approxmlir.compiler import KnobSpace
from approxmlir.tuner.engines import ENGINES
from approxmlir.tuner.executors import Executor
from approxmlir.tuner.space import DYNAMIC, STATIC, Configuration

DEFAULT_LOSS_LEVELS = (0.01, 0.03, 0.05, 0.10)
# Timings per configuration when the reported points are re-timed (tune, reevaluate).
DEFAULT_TIMING_REPEATS = 3
EXECUTOR_KINDS = ("local", "dask")


@dataclasses.dataclass(frozen=True)
class TuneOptions:
    """How `tune` searches, evaluates and reports; every field has a default.

    Search space:
        knobs: the program's knobs; None exports them from `mlir_source`
            (`approx-opt --approx-export-knobs`).
        mode: "dynamic" (knobs with a state may get decision trees) or
            "static" (one decision per knob).
        seed_configs: configurations evaluated right after the exact one
            (within the time budget), so that the frontier holds them or what
            beats them (e.g. the static frontier when tuning the dynamic space).

    Search engine:
        engine: "opentuner" or "random".
        technique: an OpenTuner technique name instead of its default ensemble.
        seed: the engine's random seed.
        max_evaluations: stop after this many evaluations in the study
            (finished ones of earlier runs count).

    Evaluation:
        parallelism: evaluations at a time (the executor's worker count when
            `executor` is a kind).
        executor: "local" (a process per evaluation on this machine), "dask",
            or an Executor that the caller owns (and shuts down).
        evaluation_timeout: seconds per evaluation, None for no limit; an
            evaluation past it is recorded as a "timeout".

    Storage and reporting:
        output_dir: where the database, frontier JSON/CSV, plot and each
            evaluation's working directory go.
        database: the results database; None puts `results.db` in output_dir.
        study: the study's name in the database (a rerun with the same name
            and search space resumes it); None derives it from mode and space.
        progress: show a progress bar on stderr.
        loss_levels: the QoS losses of the summary's speedup table.

    Frontier:
        frontier_tolerance: pareto.frontier's time_tolerance: a point within
            this relative time of a point with fewer approximated knobs gives
            way to it.
        simplify_evaluations: after the search (outside the budget), up to
            this many evaluations try the frontier's configurations with one
            approximated knob set back to exact.
        timing_repeats: after the search (outside the budget), the final
            frontier's choices at `loss_levels` (guarded and unguarded; the
            whole frontier when it has at most 8 points) are timed this many
            times each, interleaved in rounds with the exact configuration
            and one at a time (`approxmlir.tuner.timing`); their time and
            speedup become the medians, with a bootstrap interval of the
            speedup. 1 keeps the search's single timings.
    """

    # Search space
    knobs: Optional[Sequence[KnobSpace]] = None
    mode: str = DYNAMIC
    seed_configs: Sequence[Configuration] = ()
    # Search engine
    engine: str = "opentuner"
    technique: Optional[str] = None
    seed: int = 0
    max_evaluations: int = 100
    # Evaluation
    parallelism: int = 1
    executor: Union[str, Executor] = "local"
    evaluation_timeout: Optional[float] = None
    # Storage and reporting
    output_dir: Union[str, os.PathLike] = "approxmlir-tuning"
    database: Optional[Union[str, os.PathLike]] = None
    study: Optional[str] = None
    progress: bool = True
    loss_levels: Sequence[float] = DEFAULT_LOSS_LEVELS
    # Frontier
    frontier_tolerance: float = 0.0
    simplify_evaluations: int = 0
    timing_repeats: int = DEFAULT_TIMING_REPEATS

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValueError("invalid TuneOptions: " + "; ".join(problems))
        # Sequences given as lists are kept as tuples: the options are frozen.
        for name in ("knobs", "seed_configs", "loss_levels"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _problems(o: TuneOptions) -> list[str]:
    """What is wrong with `o`, one clause per field."""
    problems = []
    if o.knobs is not None:
        if isinstance(o.knobs, (str, bytes)) or not isinstance(o.knobs, Sequence):
            problems.append(f"knobs must be a sequence of KnobSpace or None, got {type(o.knobs).__name__}")
        elif not all(isinstance(k, KnobSpace) for k in o.knobs):
            bad = next(k for k in o.knobs if not isinstance(k, KnobSpace))
            problems.append(f"knobs must hold KnobSpace objects, got a {type(bad).__name__}")
    if o.mode not in (STATIC, DYNAMIC):
        problems.append(f"mode must be {STATIC!r} or {DYNAMIC!r}, got {o.mode!r}")
    if isinstance(o.seed_configs, (str, bytes, Mapping)) or not isinstance(o.seed_configs, Sequence):
        problems.append(
            "seed_configs must be a sequence of configurations ({knob id: KnobParams}), "
            f"got {type(o.seed_configs).__name__}"
        )
    elif not all(isinstance(c, Mapping) for c in o.seed_configs):
        problems.append("seed_configs must hold configurations ({knob id: KnobParams})")
    if o.engine not in ENGINES:
        problems.append(f"engine must be one of {', '.join(map(repr, ENGINES))}, got {o.engine!r}")
    if o.technique is not None and not isinstance(o.technique, str):
        problems.append(f"technique must be an OpenTuner technique name or None, got {o.technique!r}")
    if not _is_int(o.seed):
        problems.append(f"seed must be an integer, got {o.seed!r}")
    if not _is_int(o.max_evaluations) or o.max_evaluations < 1:
        problems.append(f"max_evaluations must be an integer of at least 1, got {o.max_evaluations!r}")
    if not _is_int(o.parallelism) or o.parallelism < 1:
        problems.append(f"parallelism must be an integer of at least 1, got {o.parallelism!r}")
    if not (isinstance(o.executor, Executor) or o.executor in EXECUTOR_KINDS):
        problems.append(f"executor must be {' or '.join(map(repr, EXECUTOR_KINDS))} or an Executor, got {o.executor!r}")
    if o.evaluation_timeout is not None and not (_is_real(o.evaluation_timeout) and o.evaluation_timeout > 0):
        problems.append(
            f"evaluation_timeout must be a positive number of seconds or None, got {o.evaluation_timeout!r}"
        )
    if not isinstance(o.output_dir, (str, os.PathLike)):
        problems.append(f"output_dir must be a path, got {o.output_dir!r}")
    if o.database is not None and not isinstance(o.database, (str, os.PathLike)):
        problems.append(f"database must be a path or None, got {o.database!r}")
    if o.study is not None and not (isinstance(o.study, str) and o.study):
        problems.append(f"study must be a non-empty name or None, got {o.study!r}")
    if not isinstance(o.progress, bool):
        problems.append(f"progress must be True or False, got {o.progress!r}")
    if (
        isinstance(o.loss_levels, (str, bytes))
        or not isinstance(o.loss_levels, Sequence)
        or not all(_is_real(level) and level >= 0 for level in o.loss_levels)
    ):
        problems.append(f"loss_levels must be a sequence of QoS losses >= 0, got {o.loss_levels!r}")
    if not (_is_real(o.frontier_tolerance) and o.frontier_tolerance >= 0):
        problems.append(f"frontier_tolerance must be a number >= 0, got {o.frontier_tolerance!r}")
    if not _is_int(o.simplify_evaluations) or o.simplify_evaluations < 0:
        problems.append(f"simplify_evaluations must be an integer >= 0, got {o.simplify_evaluations!r}")
    if not _is_int(o.timing_repeats) or o.timing_repeats < 1:
        problems.append(f"timing_repeats must be an integer of at least 1, got {o.timing_repeats!r}")
    return problems
