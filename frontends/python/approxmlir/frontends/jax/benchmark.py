"""Measures the per-call dispatch overhead of a JAX knob.

    python -m approxmlir.frontends.jax.benchmark [--size 16] [--calls 1000] [--rounds 60]

For a tiny kernel (x * 2 + 1 on float32[size], size 16 by default) built
once per IREE driver, it times, per call (the best of `--rounds` rounds of
`--calls` calls):

- `iree raw`: the loaded IREE function alone (device arrays out);
- `iree direct`: the same plus the outputs copied to numpy, i.e. calling
  the variant's artifact directly (`CompiledKnob.variants[v]`);
- `knob`: a full call of a dynamic knob: state function, state check,
  `set_state` + `select` in the native selector, argument checks, IREE;
- `static knob`: a knob without a decision tree (`select` only);
- the dynamic knob's parts: `state` (function + check), `select` (state +
  selector calls), `argument checks` (flatten + dtype/shape checks).

The state function returns a constant so that the numbers are the
frontend's own cost; a real state function adds its own time.
Not a test: timings on a shared machine vary, so compare rows of one run.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from approxmlir.frontends.jax.iree_backend import IreeOptions
from approxmlir.frontends.jax.knob import Knob
from approxmlir.frontends.jax.spec import DecisionTree


def exact(x):
    return x * 2.0 + 1.0


def variant(x):
    return x * 2.0


def constant_state(x):
    return 42


def per_call_us(candidates: Mapping[str, Callable[[], object]], calls: int, rounds: int) -> dict[str, float]:
    """The time of one call of each candidate in microseconds: the best of `rounds`
    means over `calls` calls. Rounds interleave the candidates, so that load
    from other processes hits them alike; the best round is the least disturbed."""
    for fn in candidates.values():
        fn()  # warm up (the first IREE invocation allocates)
    best = {name: float("inf") for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / calls * 1e6)
    return best


def measure(driver: str, size: int, calls: int, rounds: int, cache_dir: str, native_cache_dir: str) -> dict[str, float]:
    x = np.linspace(0.0, 1.0, size, dtype=np.float32)
    options = IreeOptions(driver=driver)
    common = dict(
        decision_values=[0, 1],
        variants={1: variant},
        example_args=(x,),
        cache_dir=cache_dir,
        native_cache_dir=native_cache_dir,
        iree_options=options,
    )
    dynamic = Knob("tiny", exact, decision_tree=DecisionTree(constant_state, (0, 100)), **common).compile(
        {"tiny": {"thresholds": [50], "decisions": [0, 1]}}
    )
    static = Knob("tiny_static", exact, **common).compile({"tiny_static": {"decisions": [0]}})
    artifact = dynamic.variants[0]
    np.testing.assert_allclose(dynamic(x), np.asarray(exact(x)), rtol=1e-6)
    args = (x,)
    return per_call_us(
        {
            "iree raw": lambda: artifact.raw(x),
            "iree direct": lambda: artifact(x),
            "knob": lambda: dynamic(x),
            "static knob": lambda: static(x),
            "state": lambda: dynamic.state(x),
            "select": lambda: dynamic.select(x),
            "argument checks": lambda: dynamic.flat_inputs(args),
        },
        calls,
        rounds,
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="JAX knob dispatch overhead")
    parser.add_argument("--size", type=int, default=16, help="elements of the kernel's float32 vector")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--drivers", nargs="+", default=["local-sync", "local-task"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as native, tempfile.TemporaryDirectory() as iree:
        results = {d: measure(d, args.size, args.calls, args.rounds, iree, native) for d in args.drivers}
    rows = ["| per call (us) | " + " | ".join(args.drivers) + " |", "|---|" + "---:|" * len(args.drivers)]
    for name in next(iter(results.values())):
        rows.append(f"| {name} | " + " | ".join(f"{results[d][name]:.1f}" for d in args.drivers) + " |")
    for label, left, right in (
        ("knob - iree direct", "knob", "iree direct"),
        ("static knob - iree direct", "static knob", "iree direct"),
    ):
        rows.append(
            f"| **{label}** | "
            + " | ".join(f"**{results[d][left] - results[d][right]:.1f}**" for d in args.drivers)
            + " |"
        )
    sys.stdout.write("\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
