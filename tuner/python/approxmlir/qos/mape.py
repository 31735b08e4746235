"""Mean absolute percentage error, one of the QoS metrics of the tuner's library:

    MAPE = 1/n * sum_i |exact_i - approx_i| / |exact_i|

as a fraction (0.05 means 5%), like scikit-learn's
`mean_absolute_percentage_error`, so that `1 - MAPE` is an accuracy.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from approxmlir.qos._arrays import as_float_pair

ZeroPolicy = Literal["raise", "skip"]


def mape(approx: ArrayLike, exact: ArrayLike, *, zeros: ZeroPolicy = "raise") -> float:
    """`mean(|exact - approx| / |exact|)` over all elements, as a fraction (not x100).

    The relative error is undefined where `exact` is 0. `zeros="raise"` (the
    default) raises ValueError there, so that no error is dropped silently;
    `zeros="skip"` averages over the elements whose exact value is nonzero
    only (and still raises if that leaves none).

    A NaN or infinity in `approx` (at an element that counts) gives inf.
    Raises ValueError for empty inputs, a shape mismatch or a non-finite
    `exact`; TypeError on non-real data.
    """
    if zeros not in ("raise", "skip"):
        raise ValueError(f"zeros must be 'raise' or 'skip', got {zeros!r}")
    a, e = as_float_pair(approx, exact)
    if e.size == 0:
        raise ValueError("mape of empty arrays is undefined")
    nonzero = e != 0.0
    if not np.all(nonzero):
        if zeros == "raise":
            count = int(e.size - np.count_nonzero(nonzero))
            raise ValueError(
                f"exact output has {count} zero element(s), where the relative error is "
                "undefined; pass zeros='skip' to leave them out"
            )
        if not np.any(nonzero):
            raise ValueError("every element of the exact output is zero: mape is undefined")
        a, e = a[nonzero], e[nonzero]
    if not np.all(np.isfinite(a)):
        return float("inf")
    # |e - a| / |e| cannot overflow to inf for finite a, e unless the error is
    # truly enormous, in which case inf is the right answer.
    with np.errstate(over="ignore"):
        return float(np.mean(np.abs(e - a) / np.abs(e)))


def mape_accuracy(approx: ArrayLike, exact: ArrayLike, *, zeros: ZeroPolicy = "raise") -> float:
    """`1 - mape(approx, exact)`: an accuracy (1.0 for identical outputs) for
    `evaluate_fn`, so that `accuracy_threshold=0.95` means a MAPE of at most 5%.

    Not clipped: below 0 when the mean relative error exceeds 100%; -inf for
    a non-finite `approx`. Same errors as `mape`.
    """
    return 1.0 - mape(approx, exact, zeros=zeros)
