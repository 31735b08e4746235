"""kmeans (Appendix B.4 of the ApproxMLIR paper): Lloyd's k-means in annotated C.

The kernel is benchmarks/c/kmeans.c (its header documents the signature and
the three knobs: point_assignment and centroid_selection loop perforation,
distance function substitution, all decided by the iteration number).

Inputs: `n` points in `D` dimensions drawn around `K` cluster centres placed
uniformly in [15, 85]^D (Gaussian noise, coordinates clipped to the paper's
range [0, 100]). The initial centroids are `K` of the points chosen at
random, one from each generating cluster: B.4.1 picks any `K` points of
uniform data, but then the exact run lands in one of many local optima and a
slightly perturbed (approximate) run often in another, so that the QoS would
measure which optimum was found rather than how well the clusters are
estimated. The benchmark is instanced (harness.py): "tune" is
TUNE_INSTANCES independent problems of TUNE_POINTS / TUNE_INSTANCES points
each, "eval" EVAL_FACTOR times as many problems of the same size (seeded by
split and instance, so the splits do not overlap); a split's QoS is the mean
over its problems, each a per-input score. The output is the final
centroids; QoS is the normalized L2 accuracy (eq. 2) after matching the
approximate centroids to the exact ones by the permutation that minimizes the
summed distance (Appendix D.2; scipy's linear_sum_assignment instead of D.2's
enumeration of all K! permutations).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.optimize import linear_sum_assignment

from approxbench.harness import TUNE_INSTANCES, KernelBenchmark, instance_seed
from approxmlir import runtime
from approxmlir.qos import normalized_l2_accuracy

TUNE_POINTS = 40_000  # at scale 1.0, over the tuning split's TUNE_INSTANCES problems
DIMENSIONS = 32
CLUSTERS = 16  # k, also the number of generating clusters
ITERATIONS = 20  # the decision trees' threshold_range is [0, ITERATIONS]
NOISE = 14.0  # standard deviation of a coordinate around its cluster centre
LOW, HIGH = 0.0, 100.0
SEEDS = {"tune": 20250101, "eval": 20250202}


@dataclasses.dataclass(frozen=True)
class KMeansInputs:
    points: np.ndarray  # (n, d) float64, C-contiguous
    centroids: np.ndarray  # (k, d) float64: the initial centroids
    iterations: int


def make_points(n: int, seed: int) -> KMeansInputs:
    """`n` points around CLUSTERS centres and one initial centroid from each generating cluster."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(LOW + 15.0, HIGH - 15.0, size=(CLUSTERS, DIMENSIONS))
    labels = rng.integers(0, CLUSTERS, size=n)
    points = centres[labels] + rng.normal(0.0, NOISE, size=(n, DIMENSIONS))
    points = np.ascontiguousarray(np.clip(points, LOW, HIGH))
    # One random member of each generating cluster (a cluster without
    # points, possible only at tiny scales, gives a random point).
    first = [
        int(rng.choice(np.flatnonzero(labels == c))) if np.any(labels == c) else int(rng.integers(n))
        for c in range(CLUSTERS)
    ]
    initial = np.ascontiguousarray(points[first])
    return KMeansInputs(points, initial, ITERATIONS)


class KMeans(KernelBenchmark):
    name = "kmeans"
    entry = "kmeans"
    instanced = True

    def make_inputs(self, split: str, scale: float, instance: int = 0) -> KMeansInputs:
        """Problem `instance` of the split: TUNE_POINTS * scale / TUNE_INSTANCES points."""
        n = max(4 * CLUSTERS, int(round(TUNE_POINTS * scale / TUNE_INSTANCES)))
        return make_points(n, instance_seed(SEEDS, split, instance))

    def run(self, library: runtime.NativeLibrary, inputs: KMeansInputs) -> np.ndarray:
        return self.cluster(library, inputs)[0]

    def cluster(self, library: runtime.NativeLibrary, inputs: KMeansInputs) -> tuple[np.ndarray, np.ndarray]:
        """The kernel's final centroids and each point's cluster."""
        n, d = inputs.points.shape
        k = inputs.centroids.shape[0]
        centroids = inputs.centroids.copy()  # in/out
        assignment = np.empty(n, dtype=np.int64)  # out
        sums = np.empty(k * d, dtype=np.float64)  # scratch
        counts = np.empty(k, dtype=np.int64)  # scratch
        library[self.entry](
            inputs.points.reshape(-1), n, d, centroids.reshape(-1), k, inputs.iterations, assignment, sums, counts
        )
        return centroids, assignment

    def qos(self, output: np.ndarray, exact: np.ndarray) -> float:
        output, exact = np.asarray(output, dtype=np.float64), np.asarray(exact, dtype=np.float64)
        if output.shape != exact.shape:
            raise ValueError(f"shape mismatch: {output.shape} vs exact {exact.shape}")
        if not np.all(np.isfinite(output)):
            return normalized_l2_accuracy(output, exact)  # -inf
        # Appendix D.2: compare each exact centroid with the approximate one the
        # best permutation maps it to (the summed Euclidean distance is minimal).
        cost = np.linalg.norm(exact[:, None, :] - output[None, :, :], axis=2)
        rows, cols = linear_sum_assignment(cost)
        matched = np.empty_like(output)
        matched[rows] = output[cols]
        return normalized_l2_accuracy(matched, exact)


BENCHMARK = KMeans()
