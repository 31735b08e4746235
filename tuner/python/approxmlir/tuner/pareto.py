"""Pareto frontiers of QoS loss versus time: computing, exporting, plotting.

QoS loss is the accuracy lost relative to the exact configuration
(`baseline accuracy - accuracy`, so the exact point has loss 0); speedup is
`baseline time / time`. A point re-timed in interleaved rounds with the exact
configuration (`approxmlir.tuner.timing`) has the medians as its time and
speedup, the raw times of each round and a bootstrap interval of its speedup.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import pathlib
from typing import Iterable, Mapping, Optional, Sequence

from approxmlir.qos.bootstrap import Interval, paired_loss_interval
from approxmlir.tuner.database import Record


@dataclasses.dataclass(frozen=True)
class Point:
    config: dict
    time_ms: float
    accuracy: float
    qos_loss: float
    speedup: float
    # The QoS loss's paired-bootstrap interval against the exact run on the same
    # inputs, when evaluate_fn returned per-input scores.
    loss_interval: Optional[Interval] = None
    # The speedup's bootstrap interval over timing rounds, when the point was re-timed.
    speedup_interval: Optional[Interval] = None
    # Its time and the exact configuration's in each round (round r: both, one after the other).
    times_ms: Optional[tuple[float, ...]] = None
    baseline_times_ms: Optional[tuple[float, ...]] = None
    # Points timed in the same rounds share this id (their speedups are paired).
    timing_run: Optional[str] = None
    # Per-input QoS scores of this configuration and of the exact one, when evaluate_fn gives them.
    scores: Optional[tuple[float, ...]] = None
    baseline_scores: Optional[tuple[float, ...]] = None

    @property
    def loss_high(self) -> float:
        """The interval's upper bound, or the estimate without an interval."""
        return self.qos_loss if self.loss_interval is None else self.loss_interval.high

    @property
    def speedup_low(self) -> float:
        """The speedup interval's lower bound, or the estimate without an interval."""
        return self.speedup if self.speedup_interval is None else self.speedup_interval.low

    @property
    def timing_repeats(self) -> int:
        """How many times the point was timed (1 unless re-timed)."""
        return len(self.times_ms) if self.times_ms else 1


def loss_interval(baseline_scores: Optional[Sequence[float]], scores: Optional[Sequence[float]]) -> Optional[Interval]:
    """The paired interval of the loss, or None without two equally long score lists."""
    if baseline_scores is None or scores is None or len(baseline_scores) != len(scores):
        return None
    return paired_loss_interval(baseline_scores, scores)


def points(records: Sequence[Record], baseline_time: float, baseline_accuracy: float) -> list[Point]:
    """The successful evaluations as points relative to the baseline."""
    return [
        Point(r.config, r.time_ms, r.accuracy, baseline_accuracy - r.accuracy, baseline_time / r.time_ms)
        for r in records
        if r.ok and r.time_ms and r.time_ms > 0
    ]


def with_loss_intervals(
    front: Sequence[Point], records: Sequence[Record], baseline_scores: Optional[Sequence[float]]
) -> list[Point]:
    """`front` with each point's loss interval from its record's scores (bootstrapped for these points only)."""
    scores = {json.dumps(r.config, sort_keys=True): r.scores for r in records}
    front = [(p, scores.get(json.dumps(p.config, sort_keys=True))) for p in front]
    return [
        dataclasses.replace(
            p,
            loss_interval=loss_interval(baseline_scores, own),
            scores=own,
            baseline_scores=None if own is None else baseline_scores,
        )
        for p, own in front
    ]


def approximates(decisions: Sequence[int]) -> bool:
    """Whether a knob with these decisions picks a non-exact value anywhere."""
    return any(d != 0 for d in decisions)


def approximated_knobs(config: Mapping) -> int:
    """How many knobs of a configuration (JSON form) pick a non-exact decision anywhere."""
    return sum(1 for params in config.values() if approximates(params.get("decisions", ())))


def frontier(candidates: Sequence[Point], time_tolerance: float = 0.0) -> list[Point]:
    """The non-dominated points (less time and less loss), fastest first.

    With `time_tolerance` t > 0, a point first gives way to any point that is
    at least as accurate, at most a factor 1 + t slower, and approximates
    fewer knobs: where timings are that noisy, an approximation that buys
    less than t is as likely noise as speed, and it may cost accuracy that
    the tuning inputs do not show.
    """
    if time_tolerance > 0:
        counts = [approximated_knobs(p.config) for p in candidates]
        candidates = [
            p
            for p, count in zip(candidates, counts)
            if not any(
                q.accuracy >= p.accuracy and q.time_ms <= p.time_ms * (1 + time_tolerance) and q_count < count
                for q, q_count in zip(candidates, counts)
            )
        ]
    best: list[Point] = []
    for point in sorted(candidates, key=lambda p: (p.time_ms, p.qos_loss)):
        if not best or point.qos_loss < best[-1].qos_loss:
            best.append(point)
    return best


def speedup_at(front: Sequence[Point], max_loss: float, guarded: bool = False) -> Optional[Point]:
    """The frontier point one would deploy at QoS loss `max_loss`.

    Unguarded: the fastest point whose QoS loss is at most `max_loss`.
    `guarded`: among the points whose loss interval's upper bound is within
    `max_loss` and whose speedup interval's lower bound is above 1 (points
    without an interval count their estimate), the one with the highest
    speedup lower bound; None when no point is confidently both accurate
    enough and faster than exact (deploy the exact configuration).
    """
    if not guarded:
        admissible = [p for p in front if p.qos_loss <= max_loss + 1e-12]
        return min(admissible, key=lambda p: p.time_ms) if admissible else None
    admissible = [p for p in front if p.loss_high <= max_loss + 1e-12 and p.speedup_low > 1.0]
    return max(admissible, key=lambda p: (p.speedup_low, p.speedup)) if admissible else None


def deployable(fronts: Iterable[Sequence[Point]], max_loss: float) -> Optional[Point]:
    """Of several searches' frontiers (e.g. static and dynamic, on the tuning split), the
    guarded choice at `max_loss` with the highest speedup lower bound (None: keep exact)."""
    picks = [p for p in (speedup_at(front, max_loss, guarded=True) for front in fronts) if p is not None]
    return max(picks, key=lambda p: (p.speedup_low, p.speedup)) if picks else None


def describe_speedup(point: Point) -> str:
    """ "3.46x", with the speedup interval when there is one: "3.46x [3.10, 3.80]"."""
    i = point.speedup_interval
    return f"{point.speedup:.2f}x" if i is None else f"{point.speedup:.2f}x [{i.low:.2f}, {i.high:.2f}]"


def describe(point: Optional[Point]) -> str:
    """ "3.46x [3.10, 3.80], loss 3.0 [-1.0, 7.0] %": the speedup and the loss, each with its interval when known."""
    if point is None:
        return "-"
    if point.loss_interval is None:
        return describe_speedup(point)
    i = point.loss_interval
    return f"{describe_speedup(point)}, loss {i.estimate * 100:.1f} [{i.low * 100:.1f}, {i.high * 100:.1f}] %"


def speedup_table(fronts: Mapping[str, Sequence[Point]], levels: Sequence[float], guarded: bool = False) -> str:
    """A text table: speedup at each QoS-loss level, one column per frontier (speedup and loss intervals where known)."""
    names = list(fronts)
    cells = {(level, name): describe(speedup_at(fronts[name], level, guarded)) for level in levels for name in names}
    width = max([14, *(len(c) for c in cells.values()), *(len(n) for n in names)])
    header = f"{'QoS loss':>9} " + " ".join(f"{name:>{width}}" for name in names)
    lines = [header, "-" * len(header)]
    for level in levels:
        lines.append(f"{level * 100:>8.1f}% " + " ".join(f"{cells[level, name]:>{width}}" for name in names))
    return "\n".join(lines)


def transfer_table(tuned: Sequence[Point], heldout: Sequence[Point], levels: Sequence[float]) -> str:
    """The choice at each QoS-loss level on the tuning split, unguarded and guarded, measured held out.

    Each row: the tuning split's pick (speedup and loss, with their
    intervals), the same configuration on the held-out split, and the
    tune-to-eval gap of time (held-out speedup / tuning speedup - 1, in %) and
    of QoS loss (held-out loss - tuning loss, in points). `heldout` are
    `reevaluate`'s points; with repeated timing, both speedups are medians.
    """
    by_config = {json.dumps(p.config, sort_keys=True): p for p in heldout}
    rows = [("QoS loss", "choice", "tune", "eval", "time gap", "loss gap")]
    for level in levels:
        for guard in (False, True):
            pick = speedup_at(tuned, level, guard)
            held = None if pick is None else by_config.get(json.dumps(pick.config, sort_keys=True))
            if held is None and pick is not None and approximated_knobs(pick.config) == 0:
                held = dataclasses.replace(  # exact itself
                    pick, qos_loss=0.0, speedup=1.0, loss_interval=None, speedup_interval=None, times_ms=None
                )
            gaps = ("-", "-")
            if pick is not None and held is not None:
                gaps = (f"{held.speedup / pick.speedup - 1:+.0%}", f"{(held.qos_loss - pick.qos_loss) * 100:+.1f} pt")
            rows.append(
                (f"{level * 100:.0f} %", "guarded" if guard else "unguarded", describe(pick), describe(held), *gaps)
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def write_json(front: Sequence[Point], path: os.PathLike) -> pathlib.Path:
    path = pathlib.Path(path)
    path.write_text(json.dumps([dataclasses.asdict(p) for p in front], indent=2))
    return path


def write_csv(front: Sequence[Point], path: os.PathLike) -> pathlib.Path:
    path = pathlib.Path(path)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "time_ms",
                "accuracy",
                "qos_loss",
                "loss_low",
                "loss_high",
                "inputs",
                "speedup",
                "speedup_low",
                "speedup_high",
                "timing_repeats",
                "config",
            ]
        )
        for p in front:
            i, s = p.loss_interval, p.speedup_interval
            loss = ["", "", ""] if i is None else [i.low, i.high, i.n]
            speed = ["", ""] if s is None else [s.low, s.high]
            writer.writerow(
                [
                    p.time_ms,
                    p.accuracy,
                    p.qos_loss,
                    *loss,
                    p.speedup,
                    *speed,
                    p.timing_repeats,
                    json.dumps(p.config, sort_keys=True),
                ]
            )
    return path


def plot(
    series: Mapping[str, tuple[Sequence[Point], Sequence[Point]]],
    baseline_time: float,
    path: os.PathLike,
    title: str = "QoS loss versus time",
) -> pathlib.Path:
    """A PNG of QoS loss (y) versus time (x) with, per series, all evaluated
    points and the frontier, and the exact baseline. `series` maps a name to
    (all points, frontier). Frontier points with a loss interval get vertical
    error bars; re-timed points get horizontal ones, their speedup interval
    as times (median baseline time / speedup bound)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    colors = ["tab:red", "tab:blue", "tab:green", "tab:purple"]
    for (name, (everything, front)), color in zip(series.items(), colors):
        axes.scatter(
            [p.time_ms for p in everything],
            [p.qos_loss * 100 for p in everything],
            s=12,
            alpha=0.35,
            color=color,
            label=f"{name}: evaluated ({len(everything)})",
        )
        axes.step(
            [p.time_ms for p in front],
            [p.qos_loss * 100 for p in front],
            where="post",
            color=color,
            linewidth=2,
            marker="o",
            markersize=4,
            label=f"{name}: Pareto frontier",
        )
        ranged = [p for p in front if p.loss_interval is not None]
        if ranged:  # 95 % paired-bootstrap intervals of the frontier's losses
            axes.errorbar(
                [p.time_ms for p in ranged],
                [p.qos_loss * 100 for p in ranged],
                yerr=[
                    [max(0.0, p.qos_loss - p.loss_interval.low) * 100 for p in ranged],
                    [max(0.0, p.loss_interval.high - p.qos_loss) * 100 for p in ranged],
                ],
                fmt="none",
                ecolor=color,
                capsize=3,
                alpha=0.8,
            )
        timed = [p for p in front if p.speedup_interval is not None]
        if timed:  # time is the x axis: the speedup interval as the time interval median(baseline) / speedup
            axes.errorbar(
                [p.time_ms for p in timed],
                [p.qos_loss * 100 for p in timed],
                xerr=[
                    # Clipped at 0: with few rounds the estimate may be an end of its
                    # interval, and rounding then makes a tiny negative error.
                    [max(0.0, p.time_ms - p.time_ms * p.speedup / p.speedup_interval.high) for p in timed],
                    [max(0.0, p.time_ms * p.speedup / p.speedup_interval.low - p.time_ms) for p in timed],
                ],
                fmt="none",
                ecolor=color,
                capsize=3,
                alpha=0.8,
            )
    axes.scatter([baseline_time], [0.0], marker="*", s=180, color="black", zorder=5, label="exact baseline")
    axes.set_xlabel("time (ms)")
    axes.set_ylabel("QoS loss (%)")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    path = pathlib.Path(path)
    figure.savefig(path)
    plt.close(figure)
    return path
