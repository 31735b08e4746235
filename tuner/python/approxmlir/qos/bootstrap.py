"""Confidence intervals for QoS estimated on a sample of inputs.

A QoS loss measured on n questions is an estimate: `paired_loss_interval`
resamples the inputs (the same inputs answered by the exact and the
approximate system, so their differences are what is resampled) and returns
the loss with a percentile interval. Per-input scores are what an
evaluate_fn returns as its third value (e.g. 1.0 / 0.0 per question for QA
accuracy), whose mean is the QoS.

A speedup measured from a few repeated timings is an estimate too:
`speedup_interval` resamples the timing rounds (round r timed the exact and
the approximate configuration one after the other, so a round is the pairing
unit) and returns median(baseline) / median(times) with a percentile interval;
`speedup_difference_interval` does the same for the difference of two
speedups (rounds resampled jointly when both were timed in the same rounds,
independently when they come from separate runs).
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

DEFAULT_RESAMPLES = 2000


@dataclasses.dataclass(frozen=True)
class Interval:
    """An estimate and its confidence interval, from `n` inputs."""

    estimate: float
    low: float
    high: float
    n: int
    confidence: float = 0.95

    def __str__(self) -> str:
        return f"{self.estimate:.3f} [{self.low:.3f}, {self.high:.3f}] (n={self.n})"


def paired_loss_interval(
    exact: Sequence[float],
    approx: Sequence[float],
    *,
    confidence: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> Interval:
    """The QoS loss mean(exact) - mean(approx) with a paired percentile-bootstrap interval.

    `exact[i]` and `approx[i]` score the same input i. Deterministic for a
    given `seed`.
    """
    exact_scores, approx_scores = np.asarray(exact, dtype=np.float64), np.asarray(approx, dtype=np.float64)
    if exact_scores.ndim != 1 or exact_scores.shape != approx_scores.shape:
        raise ValueError(
            f"paired scores need two equally long lists, got {exact_scores.shape} and {approx_scores.shape}"
        )
    if len(exact_scores) == 0:
        raise ValueError("no scores to resample")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    differences = exact_scores - approx_scores
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, len(differences), size=(resamples, len(differences)))
    means = differences[samples].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return Interval(float(differences.mean()), float(low), float(high), len(differences), confidence)


def _check(confidence: float, resamples: int) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")


def _timings(baseline_times: Sequence[float], times: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Two equally long arrays of positive times, one entry per round."""
    base, approx = np.asarray(baseline_times, dtype=np.float64), np.asarray(times, dtype=np.float64)
    if base.ndim != 1 or base.shape != approx.shape:
        raise ValueError(
            f"paired timings need two equally long lists (one time per round), got {base.shape} and {approx.shape}"
        )
    if len(base) == 0:
        raise ValueError("no timing rounds to resample")
    if not (np.all(np.isfinite(base)) and np.all(np.isfinite(approx)) and np.all(base > 0) and np.all(approx > 0)):
        raise ValueError("timings must be finite positive numbers")
    return base, approx


def _ratio_samples(base: np.ndarray, approx: np.ndarray, rounds: np.ndarray) -> np.ndarray:
    """median(base) / median(approx) of each resample of rounds (rows of `rounds`)."""
    return np.median(base[rounds], axis=1) / np.median(approx[rounds], axis=1)


def _percentiles(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(samples, [tail, 1.0 - tail])
    return float(low), float(high)


def speedup_interval(
    baseline_times: Sequence[float],
    times: Sequence[float],
    *,
    confidence: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> Interval:
    """The speedup median(baseline_times) / median(times) with a paired percentile-bootstrap interval.

    `baseline_times[r]` and `times[r]` were measured in the same round r (one
    after the other), so rounds are resampled with both of their times: what
    slows a whole round (another process, a frequency change) cancels.
    Deterministic for a given `seed`; constant times give a zero-width
    interval at the exact ratio. The percentile interval is widened to hold
    the estimate where (with few rounds) it would not.
    """
    _check(confidence, resamples)
    base, approx = _timings(baseline_times, times)
    rng = np.random.default_rng(seed)
    samples = _ratio_samples(base, approx, rng.integers(0, len(base), size=(resamples, len(base))))
    low, high = _percentiles(samples, confidence)
    estimate = float(np.median(base) / np.median(approx))
    return Interval(estimate, min(low, estimate), max(high, estimate), len(base), confidence)


def speedup_difference_interval(
    first: tuple[Sequence[float], Sequence[float]],
    second: tuple[Sequence[float], Sequence[float]],
    *,
    paired: bool,
    confidence: float = 0.95,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> Interval:
    """speedup(second) - speedup(first), each (baseline_times, times), with a bootstrap interval over rounds.

    `paired`: both were timed in the same rounds (equally many), so one
    resample of rounds serves both; otherwise (separate timing runs) each
    side's rounds are resampled independently. `n` is the smaller number of
    rounds.
    """
    _check(confidence, resamples)
    base_a, approx_a = _timings(*first)
    base_b, approx_b = _timings(*second)
    if paired and len(base_a) != len(base_b):
        raise ValueError(f"paired speedups need the same rounds, got {len(base_a)} and {len(base_b)}")
    rng = np.random.default_rng(seed)
    rounds_a = rng.integers(0, len(base_a), size=(resamples, len(base_a)))
    rounds_b = rounds_a if paired else rng.integers(0, len(base_b), size=(resamples, len(base_b)))
    samples = _ratio_samples(base_b, approx_b, rounds_b) - _ratio_samples(base_a, approx_a, rounds_a)
    low, high = _percentiles(samples, confidence)
    estimate = float(np.median(base_b) / np.median(approx_b) - np.median(base_a) / np.median(approx_a))
    return Interval(estimate, min(low, estimate), max(high, estimate), min(len(base_a), len(base_b)), confidence)
