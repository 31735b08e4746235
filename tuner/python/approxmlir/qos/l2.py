"""Normalized L2 accuracy, equation 2 of the ApproxMLIR paper (section 6):

    Accuracy_L2 = 1 - ||y_exact - y_approx||_2 / ||y_exact||_2

used for kmeans (centroids, Appendix D.2) and lavaMD.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from approxmlir.qos._arrays import as_float_pair, l2_norm


def normalized_l2_accuracy(approx: ArrayLike, exact: ArrayLike, *, clip: bool = False) -> float:
    """Equation 2: `1 - ||exact - approx||_2 / ||exact||_2`.

    The norms run over all elements (the Frobenius norm for matrices), as
    Appendix D.2 flattens the centroids into one vector. Matching the
    approximate output to the exact one (D.2's centroid permutation) is the
    caller's job.

    - Not clipped, as in the paper: an error larger than the exact output's
      norm gives a negative accuracy, which still orders configurations by
      their error. `clip=True` returns `max(0, accuracy)` for a score in [0, 1].
    - `||exact|| == 0` (eq. 2 is undefined): 1.0 when `approx` is zero too,
      else 0.0. (Appendix D.2's code returns 1.0 whatever `approx` is; an
      approximation that outputs garbage where the answer is zero should not
      score perfectly.) Two empty arrays give 1.0 by this rule.
    - A NaN or infinity in `approx` is an infinite error: -inf (0.0 if `clip`).

    Raises ValueError on a shape mismatch or a non-finite `exact`, TypeError
    on non-real data.
    """
    a, e = as_float_pair(approx, exact)
    exact_norm = l2_norm(e)
    if exact_norm == 0.0:
        return 1.0 if not np.any(a) else 0.0
    with np.errstate(over="ignore"):  # an overflowing difference is an infinite error
        accuracy = 1.0 - l2_norm(a - e) / exact_norm
    return max(0.0, accuracy) if clip else accuracy
