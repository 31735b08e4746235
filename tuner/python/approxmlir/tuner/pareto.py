"""Pareto frontiers of QoS loss versus time: computing, exporting, plotting.

QoS loss is the accuracy lost relative to the exact configuration
(`baseline accuracy - accuracy`, so the exact point has loss 0); speedup is
`baseline time / time`.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import pathlib
from typing import Mapping, Optional, Sequence

from approxmlir.tuner.database import Record


@dataclasses.dataclass(frozen=True)
class Point:
    config: dict
    time_ms: float
    accuracy: float
    qos_loss: float
    speedup: float


def points(records: Sequence[Record], baseline_time: float, baseline_accuracy: float) -> list[Point]:
    """The successful evaluations as points relative to the baseline."""
    return [
        Point(r.config, r.time_ms, r.accuracy, baseline_accuracy - r.accuracy, baseline_time / r.time_ms)
        for r in records
        if r.ok and r.time_ms and r.time_ms > 0
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


def speedup_at(front: Sequence[Point], max_loss: float) -> Optional[Point]:
    """The fastest frontier point whose QoS loss is at most `max_loss`."""
    admissible = [p for p in front if p.qos_loss <= max_loss + 1e-12]
    return min(admissible, key=lambda p: p.time_ms) if admissible else None


def speedup_table(fronts: Mapping[str, Sequence[Point]], levels: Sequence[float]) -> str:
    """A text table: speedup at each QoS-loss level, one column per frontier."""
    names = list(fronts)
    header = f"{'QoS loss':>9} " + " ".join(f"{name:>14}" for name in names)
    lines = [header, "-" * len(header)]
    for level in levels:
        cells = []
        for name in names:
            point = speedup_at(fronts[name], level)
            cells.append(f"{point.speedup:>13.2f}x" if point else f"{'-':>14}")
        lines.append(f"{level * 100:>8.1f}% " + " ".join(cells))
    return "\n".join(lines)


def write_json(front: Sequence[Point], path: os.PathLike) -> pathlib.Path:
    path = pathlib.Path(path)
    path.write_text(json.dumps([dataclasses.asdict(p) for p in front], indent=2))
    return path


def write_csv(front: Sequence[Point], path: os.PathLike) -> pathlib.Path:
    path = pathlib.Path(path)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["time_ms", "accuracy", "qos_loss", "speedup", "config"])
        for p in front:
            writer.writerow([p.time_ms, p.accuracy, p.qos_loss, p.speedup, json.dumps(p.config, sort_keys=True)])
    return path


def plot(
    series: Mapping[str, tuple[Sequence[Point], Sequence[Point]]],
    baseline_time: float,
    path: os.PathLike,
    title: str = "QoS loss versus time",
) -> pathlib.Path:
    """A PNG with, per series, all evaluated points and the frontier, and the
    exact baseline. `series` maps a name to (all points, frontier)."""
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
