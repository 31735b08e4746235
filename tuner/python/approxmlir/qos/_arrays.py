"""Validation and numerics shared by the array metrics (L2, RMSE, MAPE)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def as_float_pair(approx: ArrayLike, exact: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Returns `approx` and `exact` as float64 arrays of the same shape.

    Raises TypeError for non-real data (strings, objects, complex numbers),
    ValueError when the shapes differ (no broadcasting: the approximate output
    must have the exact output's shape) or when `exact` is not finite (it is
    the ground truth). A non-finite `approx` is allowed: the metrics report it
    as an infinite error.
    """
    arrays = []
    for name, value in (("approx", approx), ("exact", exact)):
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
        arrays.append(array.astype(np.float64, copy=False))
    a, e = arrays
    if a.shape != e.shape:
        raise ValueError(f"shape mismatch: approx {a.shape} vs exact {e.shape}")
    if not np.all(np.isfinite(e)):
        raise ValueError("exact output has non-finite values (NaN or infinity)")
    return a, e


def l2_norm(x: np.ndarray) -> float:
    """||x||_2 over all elements, scaled so that large finite values do not overflow.

    Infinite if any element is non-finite; 0.0 for an empty array.
    """
    if x.size == 0:
        return 0.0
    if not np.all(np.isfinite(x)):
        return float("inf")
    scale = float(np.max(np.abs(x)))
    if scale == 0.0:
        return 0.0
    return scale * float(np.sqrt(np.sum(np.square(x / scale))))
