"""Confidence intervals for QoS estimated on a sample of inputs.

A QoS loss measured on n questions is an estimate: `paired_loss_interval`
resamples the inputs (the same inputs answered by the exact and the
approximate system, so their differences are what is resampled) and returns
the loss with a percentile interval. Per-input scores are what an
evaluate_fn returns as its third value (e.g. 1.0 / 0.0 per question for QA
accuracy), whose mean is the QoS.
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
