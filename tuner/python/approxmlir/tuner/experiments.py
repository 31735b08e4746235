"""What one does with tuning results: re-measure, compare search spaces.

- `reevaluate(result, evaluate_fn, split="eval")`: the frontier's
  configurations measured again on another data split (held-out data),
  timed repeatedly with the exact configuration (medians and intervals).
- `compare_search_spaces(...)`: `tune` on the static-only and the dynamic
  (decision tree) search spaces, the dynamic search seeded with the static
  frontier, both frontiers on one plot.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import pathlib
from typing import Callable, Optional, Sequence, Union

from approxmlir.compiler import export_knobs
from approxmlir.compiler.approx_opt import MlirInput
from approxmlir.tuner import pareto, timing
from approxmlir.tuner.database import Record
from approxmlir.tuner.executors import Executor, make_executor
from approxmlir.tuner.options import DEFAULT_TIMING_REPEATS, TuneOptions
from approxmlir.tuner.space import DYNAMIC, STATIC, Configuration, config_from_json
from approxmlir.tuner.tuning import EvaluateFn, TuningError, TuningResult, tune

_LOG = logging.getLogger(__name__)


def reevaluate(
    result: TuningResult,
    evaluate_fn: EvaluateFn,
    split: str = "eval",
    *,
    parallelism: int = 1,
    executor: Union[str, Executor] = "local",
    evaluation_timeout: Optional[float] = None,
    output_dir: Optional[Union[str, os.PathLike]] = None,
    min_speedup: float = 0.0,
    loss_levels: Optional[Sequence[float]] = None,
    guarded: bool = False,
    repeats: int = DEFAULT_TIMING_REPEATS,
    progress: bool = True,
) -> list[pareto.Point]:
    """Runs the exact baseline and the frontier's configurations again with
    `evaluate_fn(config, split=split)` (e.g. the held-out evaluation set) and
    returns the frontier points measured there, relative to the exact run on
    that split.

    Points below `min_speedup` on the tuning split (e.g. a point slightly more
    accurate than exact and no faster) are not measured again: where a
    held-out evaluation is expensive, they cannot pay for it. With
    `loss_levels`, only the points the tuning split selects at those QoS
    losses (the fastest within each) are: the configurations one would
    deploy, chosen without looking at the held-out data; with `guarded`, also
    the guarded choices (`pareto.speedup_at(guarded=True)`).

    Each configuration is timed `repeats` times, interleaved in rounds with
    the exact configuration and one at a time (`timing.time_interleaved`):
    a point's time is its median, its speedup median(exact) / median(time)
    with a bootstrap interval over the rounds, and it keeps the raw times.
    With `repeats=1` and `parallelism` > 1, the single round runs in
    parallel (timings then suffer). A configuration that fails is left out.
    `progress` shows a bar of the evaluations on stderr.
    """
    out = pathlib.Path(output_dir or result.paths["frontier_json"].parent) / f"reevaluate_{split}"
    picks = None
    if loss_levels is not None:
        guards = (False, True) if guarded else (False,)
        picks = [pareto.speedup_at(result.frontier, level, guard) for level in loss_levels for guard in guards]
    frontier = [
        p for p in result.frontier if p.speedup >= min_speedup and (picks is None or any(p is pick for pick in picks))
    ]
    if len(frontier) < len(result.frontier):
        _LOG.info(
            "re-measuring %d of %d frontier points on split %r (at least %.2fx on the tuning split%s)",
            len(frontier),
            len(result.frontier),
            split,
            min_speedup,
            "" if picks is None else f", selected at QoS loss {', '.join(map(str, loss_levels))}",
        )
    own_executor = not isinstance(executor, Executor)
    pool = make_executor(executor, parallelism=parallelism) if own_executor else executor
    try:
        run = timing.time_interleaved(
            evaluate_fn,
            result.baseline.config,
            [p.config for p in frontier],
            executor=pool,
            repeats=repeats,
            workdir=out,
            timeout=evaluation_timeout,
            kwargs={"split": split},
            parallel=repeats == 1 and parallelism > 1,
            progress=progress,
        )
    except timing.TimingError as error:
        raise TuningError(str(error)) from error
    finally:
        if own_executor:
            pool.shutdown()
    base = run.baseline
    _LOG.info(
        "exact configuration on split %r: %.4g ms (median of %d), accuracy %.4f",
        split,
        base.median_ms,
        repeats,
        base.outcome.accuracy,
    )
    return [run.point(t) for t in run.candidates if t is not None]


def compare_search_spaces(
    mlir_source: Optional[MlirInput],
    evaluate_fn: EvaluateFn,
    accuracy_threshold: float = 0.9,
    time_budget: Optional[float] = None,
    result_callback: Optional[Callable[[Record], None]] = None,
    *,
    options: Optional[TuneOptions] = None,
    dynamic_seed_configs: Sequence[Configuration] = (),
) -> dict[str, TuningResult]:
    """Tunes the static-only and the dynamic (decision tree) search spaces and
    plots both frontiers on one figure (`compare_static_dynamic.png` in
    `options.output_dir`).

    The arguments are `tune`'s, for each of the two runs (`time_budget` is
    each run's). `options.mode` is set per run; the dynamic run's
    `seed_configs` are `options.seed_configs`, then `dynamic_seed_configs`
    (configurations with decision trees, e.g. a known good threshold), then the
    static frontier's configurations. The dynamic space contains the static one (a
    knob may keep one decision), so its search starts from the static
    frontier: its frontier is at or above the static one, and its budget goes
    to the decision trees.
    """
    options = TuneOptions() if options is None else options
    if not isinstance(options, TuneOptions):
        raise TypeError(f"compare_search_spaces() takes options=TuneOptions(...), got {type(options).__name__}")
    if options.knobs is None:
        if mlir_source is None:
            raise TypeError("compare_search_spaces() needs mlir_source or TuneOptions(knobs=...)")
        options = dataclasses.replace(options, knobs=export_knobs(mlir_source))
    results = {
        "static": tune(
            mlir_source,
            evaluate_fn,
            accuracy_threshold,
            time_budget,
            result_callback,
            options=dataclasses.replace(options, mode=STATIC),
        )
    }
    seeds = (
        tuple(options.seed_configs)
        + tuple(dynamic_seed_configs)
        + tuple(config_from_json(p.config) for p in results["static"].frontier)
    )
    results["dynamic"] = tune(
        mlir_source,
        evaluate_fn,
        accuracy_threshold,
        time_budget,
        result_callback,
        options=dataclasses.replace(options, mode=DYNAMIC, seed_configs=seeds),
    )
    baseline = results["static"].baseline.time_ms
    path = pareto.plot(
        {mode: (r.points, r.frontier) for mode, r in results.items()},
        baseline,
        pathlib.Path(options.output_dir) / "compare_static_dynamic.png",
        title="Static versus dynamic approximation",
    )
    for r in results.values():
        r.paths["comparison_plot"] = path
    return results
