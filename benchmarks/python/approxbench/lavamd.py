"""lavaMD (benchmarks/c/lavamd.c): particles in a 3-D grid of boxes, paper Appendix B.1.

Inputs: an NX x NY x NZ grid of boxes with PARTICLES_PER_BOX particles each;
positions (v, x, y, z) and charges uniform in [0.1, 1.0] as in B.1.1. The
benchmark is instanced (harness.py): "tune" is TUNE_INSTANCES independent
grids of NX x NY x NZ / TUNE_INSTANCES boxes, "eval" EVAL_FACTOR times as
many grids of that size (seeded by split and instance); `scale` multiplies
the z extent. Output: the potential
and force of every particle (4 doubles each); QoS: normalized L2 accuracy
(paper, equation 2).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from approxbench.harness import TUNE_INSTANCES, KernelBenchmark, instance_seed
from approxmlir import runtime
from approxmlir.qos import normalized_l2_accuracy

# The grid of the tune split at scale 1.0 (the paper tunes "a grid size
# parameter of 8": an 8 x 8 base) and the particles per box. About 0.3 s for
# one exact run of the tune split on the development machine.
NX, NY, NZ = 8, 8, 8
PARTICLES_PER_BOX = 48
SEEDS = {"tune": 20250101, "eval": 20250202}


@dataclasses.dataclass(frozen=True)
class LavaMDInputs:
    rv: np.ndarray  # (4 * n,) float64: v, x, y, z per particle
    qv: np.ndarray  # (n,) float64
    nx: int
    ny: int
    nz: int
    ppb: int

    @property
    def particles(self) -> int:
        return self.nx * self.ny * self.nz * self.ppb


def make_grid(nx: int, ny: int, nz: int, seed: int) -> LavaMDInputs:
    """An nx x ny x nz grid of boxes of PARTICLES_PER_BOX particles, positions and charges uniform."""
    n = nx * ny * nz * PARTICLES_PER_BOX
    rng = np.random.default_rng(seed)
    rv = rng.uniform(0.1, 1.0, size=4 * n)
    qv = rng.uniform(0.1, 1.0, size=n)
    return LavaMDInputs(rv, qv, nx, ny, nz, PARTICLES_PER_BOX)


class LavaMD(KernelBenchmark):
    name = "lavamd"
    entry = "lavamd"
    instanced = True

    def make_inputs(self, split: str, scale: float, instance: int = 0) -> LavaMDInputs:
        """Grid `instance` of the split: NX x NY x (NZ * scale / TUNE_INSTANCES) boxes."""
        if scale <= 0:
            raise ValueError(f"scale must be positive, got {scale}")
        return make_grid(NX, NY, max(1, round(NZ * scale / TUNE_INSTANCES)), instance_seed(SEEDS, split, instance))

    def run(self, library: runtime.NativeLibrary, inputs: LavaMDInputs) -> np.ndarray:
        fv = np.zeros(4 * inputs.particles, dtype=np.float64)
        library[self.entry](inputs.rv, inputs.qv, fv, inputs.nx, inputs.ny, inputs.nz, inputs.ppb)
        return fv

    def qos(self, output: np.ndarray, exact: np.ndarray) -> float:
        return normalized_l2_accuracy(output, exact)


BENCHMARK = LavaMD()
