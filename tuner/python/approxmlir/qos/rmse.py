"""Root-mean-square error, one of the QoS metrics of the tuner's library:

RMSE = sqrt(1/n * sum_i (approx_i - exact_i)^2)
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from approxmlir.qos._arrays import as_float_pair, l2_norm


def rmse(approx: ArrayLike, exact: ArrayLike) -> float:
    """`sqrt(mean((approx - exact)^2))` over all elements; 0.0 for identical outputs.

    An error, not an accuracy (lower is better, in the outputs' units).
    A NaN or infinity in `approx` gives inf. Raises ValueError for empty
    inputs (the mean of nothing), a shape mismatch or a non-finite `exact`;
    TypeError on non-real data.
    """
    a, e = as_float_pair(approx, exact)
    if e.size == 0:
        raise ValueError("rmse of empty arrays is undefined")
    # ||d||_2 / sqrt(n), through the overflow-safe norm.
    with np.errstate(over="ignore"):  # an overflowing difference is an infinite error
        return l2_norm(a - e) / math.sqrt(e.size)
