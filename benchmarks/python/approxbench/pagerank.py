"""PageRank (paper Appendix B.5): the driver of benchmarks/c/pagerank.c.

Input: a directed power-law graph (Chung-Lu style: every edge draws its
destination and its source from Zipf-like node weights, so in- and
out-degrees follow power laws; self-loops removed, a few nodes have no
out-edges), generated with numpy from a fixed seed per split and stored as
in-neighbor CSR. Output: the 1000 highest-ranked nodes, best first.
QoS: rank-biased overlap with the exact ranking (equation 3, p = 0.95).

Sizes at scale 1.0: the benchmark is instanced (harness.py): "tune" is
TUNE_INSTANCES graphs of 100k nodes / 1.6M edges (10 iterations), "eval"
EVAL_FACTOR times as many graphs of that size, each seeded by split and
instance; the split's QoS is the mean RBO over its graphs.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from approxbench.harness import TUNE_INSTANCES, KernelBenchmark, instance_seed
from approxmlir import runtime
from approxmlir.qos import rbo

SEEDS = {"tune": 20240501, "eval": 20240502}
TUNE_NODES = 400_000  # scale 1.0, over the tuning split's TUNE_INSTANCES graphs
AVG_DEGREE = 16
IN_EXPONENT = 0.8  # P(popularity rank k) ~ k ** -exponent: Zipf-like degrees
OUT_EXPONENT = 0.5
ITERATIONS = 10  # the knobs' threshold range is [0, 10]
TOP_K = 1000
RBO_P = 0.95


@dataclasses.dataclass(frozen=True)
class Graph:
    """In-neighbor CSR: node v's in-neighbors are in_src[in_ptr[v]:in_ptr[v + 1]]."""

    in_ptr: np.ndarray  # int64 [n + 1]
    in_src: np.ndarray  # int64 [m]
    out_deg: np.ndarray  # int64 [n]
    iterations: int

    @property
    def n(self) -> int:
        return len(self.out_deg)

    @property
    def m(self) -> int:
        return len(self.in_src)


def _power_law_nodes(rng: np.random.Generator, n: int, size: int, exponent: float) -> np.ndarray:
    """`size` nodes drawn with P(the node of popularity rank k) ~ k ** -exponent
    (inverse-CDF sampling of the continuous law on [1, n + 1)); which node has
    which popularity rank is a random permutation."""
    u = rng.random(size)
    power = 1.0 - exponent
    x = (1.0 + u * ((n + 1.0) ** power - 1.0)) ** (1.0 / power)
    popularity = np.minimum(x.astype(np.int64) - 1, n - 1)
    return rng.permutation(n)[popularity]


def power_law_graph(n: int, avg_degree: int, seed: int, iterations: int = ITERATIONS) -> Graph:
    """About n * avg_degree edges whose endpoints are drawn from power-law node weights."""
    if n < 2:
        raise ValueError(f"the graph needs at least 2 nodes, got {n}")
    rng = np.random.default_rng(seed)
    m = n * avg_degree
    dst = _power_law_nodes(rng, n, m, IN_EXPONENT)
    src = _power_law_nodes(rng, n, m, OUT_EXPONENT)
    keep = src != dst
    key = dst[keep] * n + src[keep]
    key.sort()  # grouped by destination, sources ascending
    dst, in_src = np.divmod(key, n)
    in_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(dst, minlength=n), out=in_ptr[1:])
    out_deg = np.bincount(in_src, minlength=n).astype(np.int64)
    return Graph(in_ptr, np.ascontiguousarray(in_src, dtype=np.int64), out_deg, iterations)


def top_ranking(ranks: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """The k highest-ranked nodes, best first (ties by node id)."""
    k = min(k, len(ranks))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = -np.partition(-ranks, k - 1)[k - 1]
    candidates = np.flatnonzero(ranks >= kth)  # the top k and whatever ties with the k-th
    return candidates[np.lexsort((candidates, -ranks[candidates]))][:k]


class PageRank(KernelBenchmark):
    name = "pagerank"
    entry = "pagerank"

    instanced = True

    def make_inputs(self, split: str, scale: float, instance: int = 0) -> Graph:
        """Graph `instance` of the split: TUNE_NODES * scale / TUNE_INSTANCES nodes."""
        nodes = max(2, round(TUNE_NODES * scale / TUNE_INSTANCES))
        return power_law_graph(nodes, AVG_DEGREE, instance_seed(SEEDS, split, instance))

    def ranks(self, library: runtime.NativeLibrary, inputs: Graph) -> np.ndarray:
        """Every node's PageRank, from the kernel."""
        rank = np.empty(inputs.n, dtype=np.float64)
        contrib = np.empty(inputs.n, dtype=np.float64)
        library[self.entry](inputs.in_ptr, inputs.in_src, inputs.out_deg, inputs.n, inputs.iterations, rank, contrib)
        return rank

    def run(self, library: runtime.NativeLibrary, inputs: Graph) -> np.ndarray:
        return top_ranking(self.ranks(library, inputs))

    def qos(self, output: np.ndarray, exact: np.ndarray) -> float:
        return rbo(exact.tolist(), output.tolist(), p=RBO_P)


BENCHMARK = PageRank()
