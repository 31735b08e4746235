"""Binomial Options (HPAC-ML Table I): American puts on a CRR binomial tree.

C++: benchmarks/hpacml/binomial.cpp (its header documents the entry point and the
HPAC-ML region: per option (S, K, T, R, V) -> price). QoI: the n prices;
metric: RMSE (in currency units).

Inputs (every option independent, uniform draws): spot S in [10, 100],
strike K = S * [0.7, 1.3] (30 % out of / in the money at most, where the
early-exercise premium matters), expiry T in [0.25, 2] years, rate R in
[0.01, 0.08], volatility V in [0.1, 0.6]. The training and evaluation sets
come from the same distribution with different seeds (the paper's fixed
option data set, split); "train" has 32768 options, "eval" 24576, both on a
1024-step tree; "test" 16 options on a 64-step tree.
"""

from __future__ import annotations

import numpy as np

from approxbench.hpacml.app import HpacApp, Inputs, check_size
from approxmlir import runtime

OPTIONS = {"test": 16, "train": 32768, "eval": 24576}
STEPS = {"test": 64, "train": 1024, "eval": 1024}


def make_inputs(size: str, seed: int) -> Inputs:
    check_size(size)
    rng = np.random.default_rng(seed)
    n = OPTIONS[size]
    spot = rng.uniform(10.0, 100.0, n)
    return {
        "S": spot,
        "K": spot * rng.uniform(0.7, 1.3, n),
        "T": rng.uniform(0.25, 2.0, n),
        "R": rng.uniform(0.01, 0.08, n),
        "V": rng.uniform(0.1, 0.6, n),
        "steps": STEPS[size],
    }


def call(lib: runtime.NativeLibrary, inputs: Inputs, use_model: bool) -> np.ndarray:
    price = np.zeros_like(inputs["S"])
    lib["binomial_options"](
        inputs["S"],
        inputs["K"],
        inputs["T"],
        inputs["R"],
        inputs["V"],
        price,
        len(price),
        inputs["steps"],
        int(use_model),
    )
    return price


def reference(inputs: Inputs) -> np.ndarray:
    """The same tree, all options at once (one row each)."""
    s, k, t, r, v = (inputs[name][:, None] for name in "SKTRV")
    steps = inputs["steps"]
    dt = t / steps
    vsdt = v * np.sqrt(dt)
    u = np.exp(vsdt)
    d = np.exp(-vsdt)
    pu = (np.exp(r * dt) - d) / (u - d)
    disc = np.exp(-r * dt)
    disc_up, disc_down = disc * pu, disc * (1.0 - pu)
    spots = s * np.exp(vsdt * (2.0 * np.arange(steps + 1) - steps))
    values = np.maximum(k - spots, 0.0)
    for level in range(steps - 1, -1, -1):
        spots = spots[:, : level + 1] * u
        hold = disc_up * values[:, 1 : level + 2] + disc_down * values[:, : level + 1]
        values = np.maximum(hold, k - spots)
    return values[:, 0]


APP = HpacApp(
    name="binomial",
    source="hpacml/binomial.cpp",
    entry="binomial_options",
    metric="rmse",
    make_inputs=make_inputs,
    call=call,
    reference=reference,
)
