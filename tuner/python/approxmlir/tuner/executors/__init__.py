"""Evaluation executors: run `evaluate_fn(config, **kwargs)` in isolation.

Every evaluation runs in its own fresh process, so a segfault, an `os._exit`,
a hang or a leak only affects that evaluation. The child process:

- becomes the leader of a new process group (the compilers and tools it
  starts join it, so a timeout kills them too) and asks the kernel to kill it
  if the thread that started it dies (Linux `PR_SET_PDEATHSIG`), so neither a
  killed tuner nor a lost Dask worker leaves evaluations behind;
- changes directory to `workdir` (created if missing) and redirects its
  stdin from /dev/null and its stdout/stderr, at the file-descriptor level, to
  `workdir/evaluation.log` (output of native code and of subprocesses lands
  there too; `faulthandler` writes the Python stack of a crash there);
- sends `("ok", time_ms, accuracy)`, `("error", text)` or `("invalid", text)`
  back through a pipe, flushes Python's and C's stdio, and leaves with
  `os._exit(0)` (no atexit handlers, no waiting for threads it started).

The parent turns that into an `Outcome`: a child that exits without a result
is a "crash" (with the signal's name), one that is still running after
`timeout` seconds is a "timeout" (its process group gets SIGTERM, then SIGKILL
after `kill_grace` seconds). When an evaluation ends, whatever is left in its
process group is killed and the child is reaped, so no zombie or stray
process remains.

Failures of the executor itself (it was shut down, it could not create the
workdir or start a process, the Dask task was lost) are not outcomes of the
configuration: the future raises `EvaluationCancelled` or `ExecutorError`
instead, and the tuner should not record the configuration as failed.

Executors:
- `LocalProcessExecutor(parallelism, start_method)`: `parallelism` threads
  each supervise one child at a time. "fork" (default) runs closures and
  lambdas; "spawn"/"forkserver" send `(evaluate_fn, config, kwargs)` pickled
  (with cloudpickle when it is installed), which `submit` does at once so that
  an unpicklable function fails there.
- `DaskExecutor(address, n_workers, timeout_grace)`: the same on Dask
  distributed (optional dependency). Each Dask task runs `run_isolated` on its
  worker, so crash and timeout isolation are those of the local executor.
  Without an address it starts a LocalCluster on 127.0.0.1
  (`dask.connect`).
- `make_executor(kind, parallelism, **options)`.

Modules: `base` (Outcome, the Executor interface, the errors), `child` (the
evaluation process's side: `_child_main`, `validate_result`), `sandbox` (one
isolated evaluation: `run_isolated`, its supervision, `cancel_evaluations`),
`local` (LocalProcessExecutor), `dask` (DaskExecutor and `connect`, which
makes the Dask client and local cluster). This package re-exports their
public names.
"""

from __future__ import annotations

from typing import Any

from approxmlir.tuner.executors.base import (
    LOG_NAME,
    STATUSES,
    EvaluateFn,
    EvaluationCancelled,
    Executor,
    ExecutorError,
    Outcome,
)
from approxmlir.tuner.executors.child import validate_result
from approxmlir.tuner.executors.dask import DaskConnection, DaskExecutor, connect
from approxmlir.tuner.executors.local import LocalProcessExecutor
from approxmlir.tuner.executors.sandbox import cancel_evaluations, run_isolated

__all__ = [
    "LOG_NAME",
    "STATUSES",
    "DaskConnection",
    "DaskExecutor",
    "EvaluateFn",
    "EvaluationCancelled",
    "Executor",
    "ExecutorError",
    "LocalProcessExecutor",
    "Outcome",
    "cancel_evaluations",
    "connect",
    "make_executor",
    "run_isolated",
    "validate_result",
]


def make_executor(kind: str = "local", parallelism: int = 1, **options: Any) -> Executor:
    """ "local": LocalProcessExecutor(parallelism, **options); "dask":
    DaskExecutor(n_workers=parallelism, **options) (n_workers only matters
    for the LocalCluster it starts without `address`/`client`)."""
    if kind == "local":
        return LocalProcessExecutor(parallelism, **options)
    if kind == "dask":
        return DaskExecutor(n_workers=parallelism, **options)
    raise ValueError(f"unknown executor kind {kind!r}; expected 'local' or 'dask'")
