"""Dynamic versus static: is one search space's choice better beyond the noise?

`compare_choices(static_front, dynamic_front, levels)` takes each front's
choice at each QoS-loss level (unguarded and guarded, `pareto.speedup_at`),
optionally looks the chosen configurations up among their held-out
re-measurements (so the choice is made without the held-out data), and
reports

- the difference in speedup (dynamic - static) with a 95 % bootstrap
  interval over the repeated timing rounds of both (`approxmlir.qos.
  speedup_difference_interval`: rounds resampled jointly when both points
  were timed in the same rounds, independently when they come from separate
  runs);
- the difference in QoS loss (dynamic - static) with a paired bootstrap
  interval over the inputs both were scored on;
- a verdict: "dynamic ahead", "static ahead", "trade-off: ..." (one
  faster, the other more accurate, both beyond their intervals), "no
  difference beyond the interval", or "same configuration" (both chose it:
  the differences are measurement noise, a check on the intervals).

With few timing rounds (the default 3) the percentile bootstrap's speedup
intervals are too narrow (three rounds cannot give a distribution-free 95 %
interval of a median); verdicts on speedup want more rounds
(`timing_repeats`, `reevaluate(repeats=)`).

`heldout_report` is what the benchmark drivers print after
`compare_search_spaces` and `reevaluate`: speedup tables, transfer tables
and this comparison.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Mapping, Optional, Sequence

from approxmlir.qos.bootstrap import Interval, paired_loss_interval, speedup_difference_interval
from approxmlir.tuner import pareto
from approxmlir.tuner.tuning import TuningResult

DYNAMIC_AHEAD = "dynamic ahead"
STATIC_AHEAD = "static ahead"
NO_DIFFERENCE = "no difference beyond the interval"
# Both spaces chose one configuration: its differences are measurement noise (a check of the intervals).
SAME_CONFIGURATION = "same configuration"


@dataclasses.dataclass(frozen=True)
class ChoiceComparison:
    """The static and the dynamic choice at one level, and their differences (dynamic - static)."""

    level: float
    guarded: bool
    static: Optional[pareto.Point]
    dynamic: Optional[pareto.Point]
    speedup_difference: Optional[float]
    speedup_interval: Optional[Interval]  # None without repeated timings of both
    loss_difference: Optional[float]
    loss_interval: Optional[Interval]  # None without per-input scores of both
    verdict: str


def _lookup(point: Optional[pareto.Point], heldout: Optional[Sequence[pareto.Point]]) -> Optional[pareto.Point]:
    if point is None or heldout is None:
        return point
    key = json.dumps(point.config, sort_keys=True)
    return next((p for p in heldout if json.dumps(p.config, sort_keys=True) == key), None)


def _speedup_difference(static: pareto.Point, dynamic: pareto.Point) -> Optional[Interval]:
    sides = [(p.baseline_times_ms, p.times_ms) for p in (static, dynamic)]
    if any(base is None or times is None or len(times) < 2 or len(base) != len(times) for base, times in sides):
        return None
    paired = static.timing_run is not None and static.timing_run == dynamic.timing_run
    return speedup_difference_interval(sides[0], sides[1], paired=paired)


def _loss_difference(static: pareto.Point, dynamic: pareto.Point) -> Optional[Interval]:
    """mean over inputs of (dynamic's loss - static's loss), each against its own exact run's score."""
    series = (static.scores, static.baseline_scores, dynamic.scores, dynamic.baseline_scores)
    if any(s is None for s in series) or len({len(s) for s in series}) != 1 or not series[0]:
        return None
    static_loss = [b - s for s, b in zip(static.scores, static.baseline_scores)]
    dynamic_loss = [b - s for s, b in zip(dynamic.scores, dynamic.baseline_scores)]
    return paired_loss_interval(dynamic_loss, static_loss)


def verdict(speedup: Optional[Interval], loss: Optional[Interval]) -> str:
    """Which side is ahead beyond the intervals (differences are dynamic - static; no interval: no call)."""
    faster = speedup is not None and speedup.low > 0
    slower = speedup is not None and speedup.high < 0
    less_loss = loss is not None and loss.high < 0
    more_loss = loss is not None and loss.low > 0
    if (faster and not more_loss) or (less_loss and not slower):
        return DYNAMIC_AHEAD
    if (slower and not less_loss) or (more_loss and not faster):
        return STATIC_AHEAD
    if faster and more_loss:
        return "trade-off: dynamic faster, static more accurate"
    if slower and less_loss:
        return "trade-off: static faster, dynamic more accurate"
    return NO_DIFFERENCE


def compare_choices(
    static_front: Sequence[pareto.Point],
    dynamic_front: Sequence[pareto.Point],
    levels: Sequence[float],
    *,
    static_heldout: Optional[Sequence[pareto.Point]] = None,
    dynamic_heldout: Optional[Sequence[pareto.Point]] = None,
) -> list[ChoiceComparison]:
    """Each front's choice at each level (unguarded, then guarded) compared, dynamic - static.

    With `static_heldout`/`dynamic_heldout` (`reevaluate`'s points), the
    choices are made on the fronts and compared as re-measured held out; a
    choice missing there (not re-measured, or failed) counts as no choice.
    Without them, the fronts' own points are compared (pass held-out fronts
    to compare choices made on held-out data).
    """
    comparisons = []
    for level in levels:
        for guarded in (False, True):
            static = _lookup(pareto.speedup_at(static_front, level, guarded), static_heldout)
            dynamic = _lookup(pareto.speedup_at(dynamic_front, level, guarded), dynamic_heldout)
            if static is None or dynamic is None:
                text = {
                    (True, True): "no choice",
                    (True, False): "only dynamic chooses",
                    (False, True): "only static chooses",
                }
                comparisons.append(
                    ChoiceComparison(
                        level, guarded, static, dynamic, None, None, None, None, text[static is None, dynamic is None]
                    )
                )
                continue
            speedup, loss = _speedup_difference(static, dynamic), _loss_difference(static, dynamic)
            call = SAME_CONFIGURATION if static.config == dynamic.config else verdict(speedup, loss)
            comparisons.append(
                ChoiceComparison(
                    level,
                    guarded,
                    static,
                    dynamic,
                    dynamic.speedup - static.speedup,
                    speedup,
                    dynamic.qos_loss - static.qos_loss,
                    loss,
                    call,
                )
            )
    return comparisons


def _difference(estimate: Optional[float], interval: Optional[Interval], scale: float, unit: str) -> str:
    if estimate is None:
        return "-"
    if interval is None:
        return f"{estimate * scale:+.2f}{unit}"
    return f"{estimate * scale:+.2f}{unit} [{interval.low * scale:+.2f}, {interval.high * scale:+.2f}]"


def comparison_table(comparisons: Sequence[ChoiceComparison]) -> str:
    """A text table of `compare_choices`: both choices, the differences with their intervals, the verdict."""
    rows = [("QoS loss", "choice", "static", "dynamic", "speedup diff", "loss diff (pt)", "verdict")]
    for c in comparisons:
        rows.append(
            (
                f"{c.level * 100:.0f} %",
                "guarded" if c.guarded else "unguarded",
                pareto.describe(c.static),
                pareto.describe(c.dynamic),
                _difference(c.speedup_difference, c.speedup_interval, 1.0, "x"),
                _difference(c.loss_difference, c.loss_interval, 100.0, ""),
                c.verdict,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def heldout_report(
    results: Mapping[str, TuningResult],
    heldout: Mapping[str, Sequence[pareto.Point]],
    levels: Sequence[float],
    heldout_name: str = "evaluation split",
    comparison_levels: Optional[Sequence[float]] = None,
) -> str:
    """The benchmark drivers' report after `compare_search_spaces` and `reevaluate`.

    `results`: {mode: TuningResult}; `heldout`: {mode: reevaluate's points}.
    Speedup at each level on the tuning and the held-out split (with speedup
    and loss intervals where known), per mode the tuning split's unguarded
    and guarded choices held out with their tune-to-eval gaps
    (`pareto.transfer_table`), and, with both a static and a dynamic result,
    their choices compared held out (`compare_choices`, at
    `comparison_levels`, default `levels`).
    """
    sections = [
        "speedup at QoS loss, tuning split (median of repeated timings, 95 % intervals):\n"
        + pareto.speedup_table({mode: r.frontier for mode, r in results.items()}, levels),
        f"speedup at QoS loss, {heldout_name}:\n" + pareto.speedup_table(dict(heldout), levels),
    ]
    for mode, result in results.items():
        if mode in heldout:
            sections.append(
                f"{mode}: the tuning split's choice at each level, on the {heldout_name} "
                "(time gap: relative speedup change; loss gap: QoS-loss points):\n"
                + pareto.transfer_table(result.frontier, heldout[mode], levels)
            )
    if {"static", "dynamic"} <= set(results) and {"static", "dynamic"} <= set(heldout):
        comparisons = compare_choices(
            results["static"].frontier,
            results["dynamic"].frontier,
            levels if comparison_levels is None else comparison_levels,
            static_heldout=heldout["static"],
            dynamic_heldout=heldout["dynamic"],
        )
        sections.append(
            f"dynamic versus static, the tuning split's choices on the {heldout_name} "
            "(differences dynamic - static, 95 % bootstrap intervals):\n" + comparison_table(comparisons)
        )
    return "\n\n".join(sections)
