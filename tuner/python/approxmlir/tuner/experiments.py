"""What one does with tuning results: re-measure, compare search spaces.

- `reevaluate(result, evaluate_fn, split="eval")`: the frontier's
  configurations measured again on another data split (held-out data).
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
from approxmlir.tuner import pareto
from approxmlir.tuner.database import Record
from approxmlir.tuner.executors import Executor, make_executor
from approxmlir.tuner.options import TuneOptions
from approxmlir.tuner.space import DYNAMIC, STATIC, config_from_json
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
    the guarded choices (the loss interval's upper bound within the level).
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
    configs = [result.baseline.config] + [p.config for p in frontier]
    own_executor = not isinstance(executor, Executor)
    pool = make_executor(executor, parallelism=parallelism) if own_executor else executor
    try:
        futures = [
            pool.submit(
                evaluate_fn,
                config_from_json(c),
                workdir=out / f"{i:04d}",
                timeout=evaluation_timeout,
                kwargs={"split": split},
            )
            for i, c in enumerate(configs)
        ]
        outcomes = [f.result() for f in futures]
    finally:
        if own_executor:
            pool.shutdown()
    base = outcomes[0]
    if base.status != "ok":
        raise TuningError(f"the exact configuration failed on split {split!r}: {base.error}")
    _LOG.info("exact configuration on split %r: %.4g ms, accuracy %.4f", split, base.time_ms, base.accuracy)
    measured = []
    for config, outcome in zip(configs[1:], outcomes[1:]):
        if outcome.status == "ok" and outcome.time_ms:
            measured.append(
                pareto.Point(
                    config,
                    outcome.time_ms,
                    outcome.accuracy,
                    base.accuracy - outcome.accuracy,
                    base.time_ms / outcome.time_ms,
                    pareto.loss_interval(base.scores, outcome.scores),
                )
            )
    return measured


def compare_search_spaces(
    mlir_source: Optional[MlirInput],
    evaluate_fn: EvaluateFn,
    accuracy_threshold: float = 0.9,
    time_budget: Optional[float] = None,
    result_callback: Optional[Callable[[Record], None]] = None,
    *,
    options: Optional[TuneOptions] = None,
) -> dict[str, TuningResult]:
    """Tunes the static-only and the dynamic (decision tree) search spaces and
    plots both frontiers on one figure (`compare_static_dynamic.png` in
    `options.output_dir`).

    The arguments are `tune`'s, for each of the two runs (`time_budget` is
    each run's). `options.mode` is set per run; the dynamic run's
    `seed_configs` are `options.seed_configs` followed by the static
    frontier's configurations. The dynamic space contains the static one (a
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
    seeds = tuple(options.seed_configs) + tuple(config_from_json(p.config) for p in results["static"].frontier)
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
