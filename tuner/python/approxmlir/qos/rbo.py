"""Rank-biased overlap, equation 3 of the ApproxMLIR paper (section 6) and the
`compute_similarity` code of its Appendix D.1:

    Accuracy_RBO = (1-p) sum_{d=1}^{D} p^(d-1) A_d / ((1-p) sum_{d=1}^{D} p^(d-1))

with A_d = |S_d ∩ T_d| / d, S_d and T_d the sets of the top d items of the
exact ranking S and the approximate ranking T, and D = min(1000, max(|S|, |T|)).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable

import numpy as np

DEFAULT_P = 0.95
DEFAULT_MAX_DEPTH = 1000


def _prefix(ranking: Iterable[Hashable], name: str, max_depth: int) -> list[Hashable]:
    if isinstance(ranking, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of items, not a {type(ranking).__name__}")
    return list(itertools.islice(ranking, max_depth))


def _first_positions(ranking: list[Hashable]) -> dict[Hashable, int]:
    first: dict[Hashable, int] = {}
    for position, item in enumerate(ranking):
        first.setdefault(item, position)
    return first


def rbo(
    exact_ranking: Iterable[Hashable],
    approx_ranking: Iterable[Hashable],
    p: float = DEFAULT_P,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> float:
    """Equation 3, with the semantics of Appendix D.1's `compute_similarity`.

    - Depth D = min(max_depth, max(|S|, |T|)), max_depth = 1000 as in the paper;
      items below depth D are ignored. When one list is shorter, its top-d set
      stops growing after its end while d keeps growing, so the missing items
      count as misses.
    - Normalized by the sum of the weights p^(d-1) over the D depths (the
      (1-p) factors cancel): identical lists score 1.0 at every p and depth.
      This is not Webber et al.'s RBO, whose finite-prefix value never
      reaches 1; it is the paper's "maximum possible RBO for depth D" scaling.
    - Symmetric in its arguments; the result is in [0, 1], 0.0 for disjoint
      lists.
    - 0 <= p <= 1. p = 0 weighs only the top item (D.1 evaluates 0**0 as 1).
      p = 1 weighs all depths equally (the average overlap); D.1's code
      returns 0.0 there only because its norm (1-p) * sum(...) is 0, and this
      function returns the limit p -> 1 instead.
    - Both rankings empty: 1.0 (two identical rankings; D.1 returns 0.0 from
      its `norm == 0` guard). One empty, the other not: 0.0.
    - Duplicates: as in D.1, which adds items to sets, an item counts at its
      first position only; a later repeat occupies a depth without adding to
      the overlap, so a ranking with duplicates scores below 1.0 even against
      itself. Rankings should not have duplicates.
    - Ties do not exist for rankings: the order given is the ranking.

    Items must be hashable (document ids, indices; numpy integers compare
    equal to Python ints). Raises ValueError for p outside [0, 1] or
    max_depth < 1, TypeError for a string passed as a ranking.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
        raise ValueError(f"max_depth must be a positive integer, got {max_depth!r}")
    s = _prefix(exact_ranking, "exact_ranking", max_depth)
    t = _prefix(approx_ranking, "approx_ranking", max_depth)
    depth = max(len(s), len(t))  # = min(max_depth, max(|S|, |T|))
    if depth == 0:
        return 1.0

    # An item is in S_d ∩ T_d exactly when it appears in the top d of both
    # lists, i.e. when d > max(its first position in S, its first in T) (0-based).
    first_t = _first_positions(t)
    joins = np.zeros(depth, dtype=np.int64)  # joins[k]: items entering the overlap at d = k+1
    for item, position_s in _first_positions(s).items():
        position_t = first_t.get(item)
        if position_t is not None:
            joins[max(position_s, position_t)] += 1
    d = np.arange(1, depth + 1, dtype=np.float64)
    agreement = np.cumsum(joins) / d  # A_d
    weights = np.float64(p) ** (d - 1.0)  # p^(d-1); 0.0**0.0 == 1.0
    # dot and sum round differently: clip so that identical lists give exactly 1.0.
    return float(min(1.0, np.dot(weights, agreement) / np.sum(weights)))
