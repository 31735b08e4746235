"""ParticleFilter (HPAC-ML Table I): tracks a disk through noisy video.

C: benchmarks/hpacml/particlefilter.c (its header documents the filter and
the HPAC-ML region: the filter over one video, each frame's whole 64 x 64
image -> the object's estimated (x, y)). QoI: the estimate of every frame, (frames, 2) in pixels;
metric: RMSE.

Inputs: short videos in the style of Rodinia's videoSequence: a disk of
radius 5 (intensity 228) on a background of 100, plus Gaussian noise of
sigma 5, in 64 x 64 frames. Each video's object starts uniformly in
[24, 40]^2 and moves with a constant velocity uniform in [-1, 1]^2 pixels
per frame (so it stays in the image for 20 frames); its true position is
`inputs["truth"]`, which the paper trains the surrogate on (the collected
outputs are the filter's estimates: pair the collected frames with `truth`,
row for row, to train on the ground truth). Training and evaluation videos
differ by seed. "train": 120 videos of 20 frames, "eval" 80, with 16384
particles; "test": 2 videos of 3 frames with 64 particles.
"""

from __future__ import annotations

import math

import numpy as np

from approxbench.hpacml.app import HpacApp, Inputs, check_size
from approxmlir import runtime

HEIGHT = WIDTH = 64
RADIUS = 5
BACKGROUND, OBJECT, NOISE = 100.0, 228.0, 5.0
MOVE_SIGMA, VELOCITY_SIGMA, INITIAL_VELOCITY_SIGMA = 1.0, 0.1, 0.5
LCG_A, LCG_C = np.uint64(6364136223846793005), np.uint64(1442695040888963407)
STREAM_STRIDE = np.uint64(0x9E3779B97F4A7C15)
TWO_PI = 6.283185307179586476925286766559

VIDEOS = {"test": 2, "train": 120, "eval": 80}
FRAMES = {"test": 3, "train": 20, "eval": 20}
PARTICLES = {"test": 64, "train": 16384, "eval": 16384}


def make_inputs(size: str, seed: int) -> Inputs:
    check_size(size)
    rng = np.random.default_rng(seed)
    videos, frames = VIDEOS[size], FRAMES[size]
    start = rng.uniform(24.0, 40.0, (videos, 2))
    velocity = rng.uniform(-1.0, 1.0, (videos, 2))
    truth = start[:, None, :] + np.arange(frames)[None, :, None] * velocity[:, None, :]
    truth = truth.reshape(-1, 2)
    rows, cols = np.mgrid[0:HEIGHT, 0:WIDTH]
    inside = (cols[None] - truth[:, 0, None, None]) ** 2 + (rows[None] - truth[:, 1, None, None]) ** 2 <= RADIUS**2
    video = np.where(inside, OBJECT, BACKGROUND) + rng.normal(0.0, NOISE, inside.shape)
    return {
        "video": video,
        "start": start,
        "truth": truth,
        "frames": frames,
        "particles": PARTICLES[size],
        "seed": int(rng.integers(0, 1 << 62)),
    }


def call(lib: runtime.NativeLibrary, inputs: Inputs, use_model: bool) -> np.ndarray:
    estimate = np.zeros((len(inputs["video"]), 2))
    lib["particle_filter"](
        inputs["video"],
        inputs["start"],
        len(inputs["start"]),
        inputs["frames"],
        inputs["particles"],
        inputs["seed"],
        estimate,
        int(use_model),
    )
    return estimate


# The reference calls the C library's log, cos, sin and exp (math) so that it
# follows the C bit for bit: numpy's SIMD versions differ in the last bit for
# some arguments, which would flip resampling decisions now and then.
_log, _cos, _sin, _exp = (np.frompyfunc(f, 1, 1) for f in (math.log, math.cos, math.sin, math.exp))


def _libm(f, x: np.ndarray) -> np.ndarray:
    return f(x).astype(np.float64)


def _disk() -> tuple[np.ndarray, np.ndarray]:
    offsets = [
        (dy, dx)
        for dy in range(-RADIUS, RADIUS + 1)
        for dx in range(-RADIUS, RADIUS + 1)
        if dx * dx + dy * dy <= RADIUS * RADIUS
    ]
    dy, dx = np.array(offsets).T
    return dy, dx


class _Filter:
    """The C's filter, vectorized over the particles."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        with np.errstate(over="ignore"):
            self.streams = np.uint64(seed) + np.arange(n, dtype=np.uint64) * STREAM_STRIDE
        self.dy, self.dx = _disk()

    def uniform(self, particles: slice = slice(None)) -> np.ndarray:
        """One draw from each of the `particles`' streams."""
        self.streams[particles] = self.streams[particles] * LCG_A + LCG_C
        return ((self.streams[particles] >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)

    @staticmethod
    def normals(u1: np.ndarray, u2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = np.sqrt(-2.0 * _libm(_log, u1))
        return r * _libm(_cos, TWO_PI * u2), r * _libm(_sin, TWO_PI * u2)

    def start(self, position: np.ndarray) -> None:
        u1, u2 = self.uniform(), self.uniform()
        nx, ny = self.normals(u1, u2)
        self.x, self.y = np.full(self.n, position[0]), np.full(self.n, position[1])
        self.vx, self.vy = INITIAL_VELOCITY_SIGMA * nx, INITIAL_VELOCITY_SIGMA * ny
        self.w = np.full(self.n, 1.0 / self.n)

    def track(self, frame: np.ndarray) -> tuple[float, float]:
        u1, u2, u3, u4 = (self.uniform() for _ in range(4))
        mx, my = self.normals(u1, u2)
        nvx, nvy = self.normals(u3, u4)
        self.x = self.x + self.vx + MOVE_SIGMA * mx
        self.y = self.y + self.vy + MOVE_SIGMA * my
        self.vx = self.vx + VELOCITY_SIGMA * nvx
        self.vy = self.vy + VELOCITY_SIGMA * nvy

        row = np.floor(self.y + 0.5).astype(np.int64)[:, None] + self.dy
        col = np.floor(self.x + 0.5).astype(np.int64)[:, None] + self.dx
        v = frame[np.clip(row, 0, HEIGHT - 1), np.clip(col, 0, WIDTH - 1)]
        terms = ((v - BACKGROUND) * (v - BACKGROUND) - (v - OBJECT) * (v - OBJECT)) / 50.0
        likelihood = np.cumsum(terms, axis=1)[:, -1]  # sequential, like the C
        self.w = self.w * _libm(_exp, likelihood / len(self.dy))
        self.w = self.w / np.cumsum(self.w)[-1]
        xe, ye = np.cumsum(self.x * self.w)[-1], np.cumsum(self.y * self.w)[-1]

        cdf = np.cumsum(self.w)
        targets = (self.uniform(slice(0, 1))[0] + np.arange(self.n)) / self.n
        index = np.minimum(np.searchsorted(cdf, targets, side="left"), self.n - 1)
        self.x, self.y, self.vx, self.vy = self.x[index], self.y[index], self.vx[index], self.vy[index]
        self.w = np.full(self.n, 1.0 / self.n)
        return xe, ye


def reference(inputs: Inputs) -> np.ndarray:
    pf = _Filter(inputs["particles"], inputs["seed"])
    frames = inputs["frames"]
    estimate = np.zeros((len(inputs["video"]), 2))
    for v, position in enumerate(inputs["start"]):
        pf.start(position)
        for k in range(frames):
            estimate[v * frames + k] = pf.track(inputs["video"][v * frames + k])
    return estimate


APP = HpacApp(
    name="particlefilter",
    source="hpacml/particlefilter.c",
    entry="particle_filter",
    metric="rmse",
    make_inputs=make_inputs,
    call=call,
    reference=reference,
)
