"""One measured run of an HPAC-ML application, in a process of its own.

A phase loads the application's library, calls its entry function once and
returns the QoI with the seconds of that call. It runs in a fresh (spawned)
process because the ML runtime is per process: it caches loaded models, keeps
the HDF5 database open until exit and writes its statistics
(`APPROX_ML_STATS`) at exit.

Phases:
- `plain`: the C with the HPAC-ML pragmas removed (the application as it was
  before annotating it): the baseline of speedups and of collection overhead;
- `collect`: the annotated C with `use_model = 0`: the exact code runs and the
  runtime appends every region's inputs and outputs to the database;
- `infer`: the annotated C with `use_model = 1`: the surrogate runs. Called
  twice, timing the second call, so that loading the model is not counted.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import multiprocessing
import os
import pathlib
import time
from typing import Optional

import numpy as np

from approxbench.hpacml import APPS
from approxbench.hpacml.app import HpacApp, Inputs
from approxbench.hpacml.build import build_library
from approxmlir import runtime

PHASES = ("plain", "collect", "infer")


@dataclasses.dataclass
class PhaseResult:
    phase: str
    size: str
    seconds: float
    qoi: np.ndarray
    stats: Optional[dict]  # the ML runtime's statistics (None for `plain`)


def timed_call(
    app: HpacApp, lib: runtime.NativeLibrary, inputs: Inputs, use_model: bool, warm_up: bool
) -> tuple[float, np.ndarray]:
    """Seconds and QoI of one call of the app; `warm_up` first makes an
    untimed call (loading the model)."""
    if warm_up:
        app.call(lib, inputs, use_model=use_model)
    start = time.perf_counter()
    qoi = app.call(lib, inputs, use_model=use_model)
    return time.perf_counter() - start, qoi


def _run(app_name: str, phase: str, size: str, workdir: str, stats_path: str, cache_dir: Optional[str]):
    """The child process's side: returns (seconds, qoi)."""
    app = APPS[app_name]
    if phase != "plain":
        os.environ["APPROX_ML_STATS"] = stats_path
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # single-threaded on both sides of every ratio
    lib = build_library(app, with_pragmas=phase != "plain", cache_dir=cache_dir)
    inputs = app.inputs(size)
    os.chdir(workdir)  # the pragmas' model and database names are relative to it
    infer = phase == "infer"
    return timed_call(app, lib, inputs, use_model=infer, warm_up=infer)


def run_phase(
    app_name: str, phase: str, size: str, workdir: pathlib.Path, cache_dir: Optional[os.PathLike] = None
) -> PhaseResult:
    """Runs one phase in a spawned process with `workdir` as its working directory."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r} (expected one of {PHASES})")
    workdir.mkdir(parents=True, exist_ok=True)
    stats_path = workdir / f"stats-{phase}-{size}.json"
    stats_path.unlink(missing_ok=True)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context, max_tasks_per_child=1) as pool:
        seconds, qoi = pool.submit(
            _run, app_name, phase, size, str(workdir), str(stats_path), None if cache_dir is None else str(cache_dir)
        ).result()
    # The worker has exited: the runtime wrote its statistics and closed the database.
    stats = json.loads(stats_path.read_text()) if stats_path.is_file() else None
    if phase != "plain" and stats is None:
        raise RuntimeError(f"{app_name}: the ML runtime wrote no statistics to {stats_path}")
    return PhaseResult(phase, size, seconds, qoi, stats)
