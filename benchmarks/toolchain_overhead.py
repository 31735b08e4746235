"""Toolchain overhead: build time of one configuration, and exact-kernel speed vs clang -O2.

Three builds of each kernel run side by side: the MLIR kernel (approx knobs)
through approx-opt and the native backend, the C kernel through the C
frontend (approx-cc) and the same backend, and the C kernel compiled by
`clang-22 -O2` directly.

    bazel run //benchmarks:toolchain_overhead [-- --repeats=7]

For each kernel in benchmarks/kernels/ (MLIR with approx knobs, and the same
algorithm in C): the approx-opt + native build time of the exact
configuration, cold (empty cache) and cached, and the run time of the compiled
exact kernel next to the C version compiled with `clang-22 -O2`, both called
through ctypes in the same process, single-threaded, alternating, best of
--repeats. Prints a table; ratios above 1 mean the approxmlir build is faster.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import os
import pathlib
import subprocess
import tempfile
import time
from typing import Callable

import numpy as np
from absl import app, flags

from approxmlir.compiler import build_native, find_llvm_tool
from approxmlir.compiler.native import toolchain_fingerprint
from approxmlir.frontends.c import translate_file

REPEATS = flags.DEFINE_integer("repeats", 7, "Timed calls per kernel and side (best is kept).")
SCALE = flags.DEFINE_float("scale", 1.0, "Multiplies the problem sizes.")

_KERNELS = pathlib.Path(os.path.abspath(__file__)).parent / "kernels"
_LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class Kernel:
    name: str
    # Builds the inputs; returns (args for the MLIR and frontend-built
    # functions, args for the clang-built C function through ctypes).
    make_args: Callable[[float], tuple[tuple, tuple]]


def _ptr(array: np.ndarray) -> ctypes.c_void_p:
    # data_as keeps `array` alive as long as the pointer is.
    return array.ctypes.data_as(ctypes.c_void_p)


def _dot_args(scale: float):
    n = int(4_000_000 * scale)
    rng = np.random.default_rng(0)
    a, b = rng.random(n), rng.random(n)
    return (a, b, n), (_ptr(a), _ptr(b), ctypes.c_long(n))


def _matmul_args(scale: float):
    n = int(256 * scale ** (1 / 3))
    rng = np.random.default_rng(0)
    a, b, c_mlir, c_c = rng.random((n, n)), rng.random((n, n)), np.zeros((n, n)), np.zeros((n, n))
    return (a, b, c_mlir, n), (_ptr(a), _ptr(b), _ptr(c_c), ctypes.c_long(n))


def _flat(args: tuple) -> tuple:
    """The C kernels take row-major matrices as flat pointers."""
    return tuple(a.reshape(-1) if isinstance(a, np.ndarray) else a for a in args)


def _logsumexp_args(scale: float):
    rows, cols = int(1000 * scale), 1000
    rng = np.random.default_rng(0)
    x, out_mlir, out_c = rng.random((rows, cols)), np.zeros(rows), np.zeros(rows)
    return (x, out_mlir, rows, cols), (_ptr(x), _ptr(out_c), ctypes.c_long(rows), ctypes.c_long(cols))


KERNELS = [
    Kernel("dot", _dot_args),
    Kernel("matmul", _matmul_args),
    Kernel("logsumexp", _logsumexp_args),
]


def _build_c(kernel: str, out_dir: pathlib.Path) -> ctypes.CDLL:
    library = out_dir / f"{kernel}_clang.so"
    subprocess.run(
        [find_llvm_tool("clang"), "-O2", "-fPIC", "-shared", _KERNELS / f"{kernel}.c", "-lm", "-o", library],
        check=True,
    )
    return ctypes.CDLL(str(library))


def _seconds(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure(kernel: Kernel, work: pathlib.Path, repeats: int, scale: float) -> dict[str, float]:
    source = _KERNELS / f"{kernel.name}.mlir"
    cache = work / "cache"
    start = time.perf_counter()
    artifact = build_native(source, cache_dir=cache)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    cached_artifact = build_native(source, cache_dir=cache)
    cached = time.perf_counter() - start
    assert cached_artifact.from_cache

    mlir_fn = artifact.load()[kernel.name]
    c_fn = getattr(_build_c(kernel.name, work), kernel.name)
    c_fn.restype = ctypes.c_double if kernel.name == "dot" else None
    mlir_args, c_args = kernel.make_args(scale)
    mlir_result, c_result = mlir_fn(*mlir_args), c_fn(*c_args)
    if kernel.name == "dot":
        np.testing.assert_allclose(mlir_result, c_result, rtol=1e-12)

    frontend_start = time.perf_counter()
    frontend_mlir = translate_file(_KERNELS / f"{kernel.name}.c")
    translate = time.perf_counter() - frontend_start
    frontend_artifact = build_native(frontend_mlir, cache_dir=cache)
    frontend_build = time.perf_counter() - frontend_start
    frontend_fn = frontend_artifact.load()[kernel.name]
    frontend_args = _flat(mlir_args)
    frontend_result = frontend_fn(*frontend_args)
    if kernel.name == "dot":
        np.testing.assert_allclose(frontend_result, c_result, rtol=1e-12)

    mlir_time = c_time = frontend_time = float("inf")
    for _ in range(repeats):  # alternate so that machine noise hits every side
        mlir_time = min(mlir_time, _seconds(lambda: mlir_fn(*mlir_args)))
        frontend_time = min(frontend_time, _seconds(lambda: frontend_fn(*frontend_args)))
        c_time = min(c_time, _seconds(lambda: c_fn(*c_args)))
    return {
        "build_cold_s": cold,
        "build_cached_s": cached,
        "stages": artifact.stage_seconds,
        "mlir_ms": mlir_time * 1e3,
        "clang_ms": c_time * 1e3,
        "speed_vs_clang": c_time / mlir_time,
        "frontend_translate_s": translate,
        "frontend_build_s": frontend_build,
        "frontend_ms": frontend_time * 1e3,
        "frontend_speed_vs_clang": c_time / frontend_time,
    }


def main(argv: list[str]) -> int:
    del argv
    # Single-threaded on both sides: numpy only builds inputs, but keep BLAS quiet.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # Identifying the toolchain (hashing approx-opt, asking tools their
    # versions) happens once per process; it is not part of a build.
    print(f"toolchain fingerprint (once per process): {_seconds(toolchain_fingerprint) * 1e3:.0f} ms")
    with tempfile.TemporaryDirectory(prefix="approxmlir-overhead-") as tmp:
        print(
            f"{'kernel':<10} {'build cold':>10} {'cached':>9} {'exact kernel':>13} {'clang -O2':>10} "
            f"{'speed vs clang':>15} {'C frontend':>11} {'speed vs clang':>15}"
        )
        for kernel in KERNELS:
            work = pathlib.Path(tmp) / kernel.name
            work.mkdir()
            row = measure(kernel, work, REPEATS.value, SCALE.value)
            stages = ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in row["stages"].items())
            print(
                f"{kernel.name:<10} {row['build_cold_s']:>9.3f}s {row['build_cached_s'] * 1e3:>7.2f}ms "
                f"{row['mlir_ms']:>11.2f}ms {row['clang_ms']:>8.2f}ms {row['speed_vs_clang']:>14.3f}x "
                f"{row['frontend_ms']:>9.2f}ms {row['frontend_speed_vs_clang']:>14.3f}x"
            )
            print(
                f"{'':<10} stages: {stages}; C frontend: translate {row['frontend_translate_s'] * 1e3:.0f} ms, "
                f"translate + build {row['frontend_build_s'] * 1e3:.0f} ms"
            )
    return 0


if __name__ == "__main__":
    app.run(main)
