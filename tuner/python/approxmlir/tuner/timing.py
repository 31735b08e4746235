"""Repeated, interleaved timing of the configurations that matter.

One timing of a configuration is an estimate: another process, a frequency
change or a cold cache moves it by several percent, more than many
approximations buy. `time_interleaved` times the exact configuration and a
few candidates `repeats` times each, in rounds: round r evaluates the
baseline and every candidate once, one at a time (never in parallel: timings
taken side by side are what makes speedups not transfer), in an order
rotated by r, so that no configuration is always first or last. A round is
the pairing unit: what slows a whole round slows the baseline too.

The robust time is the median of the rounds; the speedup is median(baseline)
/ median(candidate), with a bootstrap interval over rounds
(`approxmlir.qos.speedup_interval`). `retime_front` does this for the
frontier points a tuning run reports (its choices at the loss levels, or the
whole frontier when it is small); `reevaluate` uses `time_interleaved` on
held-out data.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import logging
import pathlib
import statistics
import uuid
from typing import Mapping, Optional, Sequence

from approxmlir.errors import ApproxError
from approxmlir.qos.bootstrap import speedup_interval
from approxmlir.tuner import pareto
from approxmlir.tuner.executors import EvaluateFn, Executor, Outcome
from approxmlir.tuner.space import config_from_json

_LOG = logging.getLogger(__name__)

# A frontier this small is re-timed whole; a larger one only at its choices.
SMALL_FRONTIER = 8
# Per loss level, the guarded candidates re-timed besides the unguarded choice.
GUARDED_CANDIDATES = 2
# Selection and re-timing rounds until the choices are all re-timed.
MAX_RETIME_PASSES = 3


class TimingError(ApproxError, RuntimeError):
    """The exact configuration failed while being re-timed: there is nothing to compare with."""


@dataclasses.dataclass(frozen=True)
class Timing:
    """A configuration timed once per round, and its first round's outcome (accuracy, scores)."""

    config: dict
    times_ms: tuple[float, ...]
    outcome: Outcome

    @property
    def median_ms(self) -> float:
        return float(statistics.median(self.times_ms))


@dataclasses.dataclass(frozen=True)
class TimingRun:
    """The baseline's and the candidates' timings from the same rounds (None: a candidate failed in a round)."""

    baseline: Timing
    candidates: list[Optional[Timing]]
    run_id: str
    repeats: int

    def point(self, timing: Timing) -> pareto.Point:
        """`timing` as a point relative to the baseline of the same rounds."""
        base = self.baseline
        return pareto.Point(
            timing.config,
            timing.median_ms,
            timing.outcome.accuracy,
            base.outcome.accuracy - timing.outcome.accuracy,
            base.median_ms / timing.median_ms,
            pareto.loss_interval(base.outcome.scores, timing.outcome.scores),
            **self.timing_fields(timing),
            scores=timing.outcome.scores,
            baseline_scores=None if timing.outcome.scores is None else base.outcome.scores,
        )

    def timing_fields(self, timing: Timing) -> dict:
        """The Point fields that the rounds give: median time, speedup and its interval, raw times."""
        base = self.baseline
        return {
            "speedup_interval": speedup_interval(base.times_ms, timing.times_ms) if self.repeats > 1 else None,
            "times_ms": timing.times_ms,
            "baseline_times_ms": base.times_ms,
            "timing_run": self.run_id,
        }


def round_order(count: int, round_index: int) -> list[int]:
    """The order of configurations 0..count-1 (0: the baseline) in round `round_index`: rotated by it."""
    shift = round_index % count if count else 0
    return list(range(shift, count)) + list(range(shift))


def time_interleaved(
    evaluate_fn: EvaluateFn,
    baseline_config: Mapping,
    configs: Sequence[Mapping],
    *,
    executor: Executor,
    repeats: int,
    workdir: pathlib.Path,
    timeout: Optional[float] = None,
    kwargs: Optional[Mapping] = None,
    progress: bool = False,
    parallel: bool = False,
) -> TimingRun:
    """Times the exact configuration and `configs` (JSON form) `repeats` times each, interleaved in rounds.

    Each evaluation is `evaluate_fn(config, **kwargs)` on `executor`, in
    `workdir/round<r>/<index>` (index 0 is the baseline), one at a time
    (`parallel`: a round's evaluations at once, for a single round where
    timing does not matter). A candidate that fails in any round gets None.
    Raises TimingError when the baseline fails.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats!r}")
    everything = [dict(baseline_config), *(dict(c) for c in configs)]
    times: list[list[float]] = [[] for _ in everything]
    first: list[Optional[Outcome]] = [None] * len(everything)
    failed: list[Optional[Outcome]] = [None] * len(everything)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=repeats * len(everything), desc="timing", unit="eval", dynamic_ncols=True)

    def submit(r: int, i: int) -> concurrent.futures.Future:
        return executor.submit(
            evaluate_fn,
            config_from_json(everything[i]),
            workdir=workdir / f"round{r}" / f"{i:04d}",
            timeout=timeout,
            kwargs=dict(kwargs or {}),
        )

    try:
        for r in range(repeats):
            order = [i for i in round_order(len(everything), r) if failed[i] is None]
            started = {i: submit(r, i) for i in order} if parallel else {}
            for i in order:
                outcome = (started[i] if parallel else submit(r, i)).result()
                if bar is not None:
                    bar.update(1)
                if outcome.ok and outcome.time_ms and outcome.time_ms > 0:
                    times[i].append(outcome.time_ms)
                    first[i] = first[i] or outcome
                else:
                    failed[i] = outcome
                    if i == 0:
                        raise TimingError(
                            f"the exact configuration failed on split {(kwargs or {}).get('split', '-')!r} "
                            f"(timing round {r + 1}): {outcome.error}"
                        )
                    _LOG.warning("configuration %d failed in timing round %d (%s)", i, r + 1, outcome.status)
    finally:
        if bar is not None:
            bar.close()
    timings = [
        None if failed[i] is not None else Timing(everything[i], tuple(times[i]), first[i])
        for i in range(len(everything))
    ]
    return TimingRun(timings[0], timings[1:], uuid.uuid4().hex[:12], repeats)


def _key(point: pareto.Point) -> str:
    return json.dumps(point.config, sort_keys=True)


def points_to_retime(front: Sequence[pareto.Point], levels: Sequence[float]) -> list[pareto.Point]:
    """The whole frontier when it is small; else, per level, the unguarded and guarded choices and the
    GUARDED_CANDIDATES fastest points within the level's loss bound (the guarded choice among
    them depends on the new speedup intervals). In frontier order."""
    if len(front) <= SMALL_FRONTIER:
        return list(front)
    chosen = set()
    for level in levels:
        for guard in (False, True):  # the choices themselves
            pick = pareto.speedup_at(front, level, guard)
            if pick is not None:
                chosen.add(_key(pick))
        guarded = sorted((p for p in front if p.loss_high <= level + 1e-12), key=lambda p: p.time_ms)
        chosen.update(_key(p) for p in guarded[:GUARDED_CANDIDATES])
    return [p for p in front if _key(p) in chosen]


def retime_front(
    front: Sequence[pareto.Point],
    baseline_config: Mapping,
    evaluate_fn: EvaluateFn,
    *,
    executor: Executor,
    repeats: int,
    levels: Sequence[float],
    workdir: pathlib.Path,
    timeout: Optional[float] = None,
    kwargs: Optional[Mapping] = None,
    progress: bool = False,
) -> list[pareto.Point]:
    """`front` with the points that matter (`points_to_retime`) re-timed `repeats` times with the
    baseline: their time and speedup become the medians, with the speedup's interval and the raw
    times; their accuracy and loss stay. The other points are unchanged.

    Re-timing can change which points are the choices (a point timed fast once
    is slower in the median, and another becomes the fastest within a level),
    so the selection is repeated on the re-timed frontier, and the new choices
    are timed too, for up to MAX_RETIME_PASSES passes: every choice a report
    shows then has its median and interval."""
    current = list(front)
    if repeats <= 1:
        return current
    timed_keys: set[str] = set()
    for attempt in range(MAX_RETIME_PASSES):
        selected = [p for p in points_to_retime(current, levels) if _key(p) not in timed_keys]
        if not selected:
            break
        _LOG.info(
            "re-timing %d of %d frontier points with the exact configuration (pass %d): "
            "%d interleaved rounds, %d evaluations",
            len(selected),
            len(current),
            attempt + 1,
            repeats,
            repeats * (len(selected) + 1),
        )
        run = time_interleaved(
            evaluate_fn,
            baseline_config,
            [p.config for p in selected],
            executor=executor,
            repeats=repeats,
            workdir=workdir / f"pass{attempt}",
            timeout=timeout,
            kwargs=kwargs,
            progress=progress,
        )
        timed_keys.update(_key(p) for p in selected)
        current = _with_timings(current, selected, run)
    return current


def _with_timings(
    front: Sequence[pareto.Point], selected: Sequence[pareto.Point], run: TimingRun
) -> list[pareto.Point]:
    """`front` with the points of `selected` replaced by their medians over `run`."""
    timed = {_key(p): t for p, t in zip(selected, run.candidates) if t is not None}
    base_ms = run.baseline.median_ms
    _LOG.info("exact configuration: median %.4g ms over %d rounds", base_ms, run.repeats)
    result = []
    for p in front:
        timing = timed.get(_key(p))
        if timing is None:
            result.append(p)
            continue
        fields = run.timing_fields(timing)
        result.append(dataclasses.replace(p, time_ms=timing.median_ms, speedup=base_ms / timing.median_ms, **fields))
        _LOG.info(
            "re-timed: %s (was %.2fx from one timing), loss %.4f",
            pareto.describe_speedup(result[-1]),
            p.speedup,
            p.qos_loss,
        )
    return result
