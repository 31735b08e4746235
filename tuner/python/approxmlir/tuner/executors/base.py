"""The executors' shared vocabulary: Outcome, the Executor interface, errors.

Everything here is imported by the other modules of the package
(`child`, `sandbox`, `local`, `dask`) and re-exported by its `__init__`.
"""

from __future__ import annotations

import abc
import concurrent.futures
import dataclasses
import pathlib
import types
from typing import Any, Callable, Mapping, Optional

from approxmlir.errors import ApproxError

LOG_NAME = "evaluation.log"
STATUSES = ("ok", "error", "crash", "timeout", "invalid")

# How often a supervising thread re-checks its child while waiting (the
# child's sentinel normally wakes it at once; polling covers a sentinel kept
# open by a grandchild that inherited it).
_POLL_SECONDS = 0.2
# How long a child that has sent its result may take to exit.
_EXIT_AFTER_RESULT_SECONDS = 5.0
# Longest traceback kept in Outcome.error.
_MAX_TRACEBACK_CHARS = 4000

_EMPTY: Mapping[str, Any] = types.MappingProxyType({})


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The result of one evaluation.

    status: "ok" | "error" (evaluate_fn raised) | "crash" (the process died,
        e.g. a segfault or os._exit) | "timeout" | "invalid" (evaluate_fn
        returned something other than two finite numbers).
    time_ms, accuracy: set only when status is "ok".
    error: for the other statuses: "<Type>: <message>" and the traceback's
        tail, "killed by signal SIGSEGV", "timed out after 5 s", ...
    started, finished: time.time() around the child process's life.
    workdir: the evaluation's working directory (absolute).
    log_path: workdir/evaluation.log (the child's stdout and stderr), or
        None if the child died before creating it.
    scores: the per-input QoS scores evaluate_fn returned as a third value.
    """

    status: str
    time_ms: Optional[float]
    accuracy: Optional[float]
    error: Optional[str]
    started: float
    finished: float
    workdir: str
    log_path: Optional[str]
    # One QoS score per input when evaluate_fn returns them (paired intervals).
    scores: Optional[tuple[float, ...]] = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def duration(self) -> float:
        return self.finished - self.started


class ExecutorError(ApproxError, RuntimeError):
    """The executor could not run an evaluation (not a verdict on the config)."""


class EvaluationCancelled(ApproxError, concurrent.futures.CancelledError):
    """The evaluation was stopped by `Executor.shutdown()` before it finished."""


EvaluateFn = Callable[..., "tuple[float, float]"]


class Executor(abc.ABC):
    """Runs evaluations in isolated processes; `submit` returns at once."""

    max_workers: int

    @abc.abstractmethod
    def submit(
        self,
        evaluate_fn: EvaluateFn,
        config: Mapping,
        *,
        workdir: pathlib.Path,
        timeout: Optional[float],
        kwargs: Mapping = _EMPTY,
    ) -> "concurrent.futures.Future[Outcome]":
        """Schedules `evaluate_fn(config, **kwargs)` in a fresh process.

        The future's result is an Outcome; it raises EvaluationCancelled if
        shutdown() stopped the evaluation, ExecutorError if the executor could
        not run it. `timeout` (seconds, None for no limit) counts from the
        start of the child process, so it includes the process's start-up.
        """

    @abc.abstractmethod
    def shutdown(self) -> None:
        """Cancels queued evaluations, kills running ones, releases resources."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


def _check_timeout(timeout: Optional[float]) -> None:
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be positive or None, got {timeout!r}")
