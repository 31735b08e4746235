"""Rankings as the retrieval benchmarks (bm25, kb) output them, and their QoS."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from approxmlir.qos import rbo

RBO_P = 0.95  # paper, section 6


def top_k(scores: np.ndarray, k: int, above: float) -> np.ndarray:
    """Indices of the k highest scores that are > `above`, best first, ties by index."""
    candidates = np.flatnonzero(scores > above)
    return candidates[np.lexsort((candidates, -scores[candidates]))][:k]


def query_rbos(output: Sequence[np.ndarray], exact: Sequence[np.ndarray], p: float = RBO_P) -> list[float]:
    """RBO of each query's ranking against the exact one."""
    if len(output) != len(exact):
        raise ValueError(f"{len(output)} rankings for {len(exact)} queries")
    return [rbo(e.tolist(), o.tolist(), p=p) for o, e in zip(output, exact)]


def mean_rbo(output: Sequence[np.ndarray], exact: Sequence[np.ndarray], p: float = RBO_P) -> float:
    """Mean RBO of per-query rankings against the exact ones."""
    return float(np.mean(query_rbos(output, exact, p)))
