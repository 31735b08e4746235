"""The evaluation process's side of one isolated evaluation.

`_child_main` runs in the fresh process that `sandbox.run_isolated` starts:
it takes its own process group, dies with its parent (Linux), moves into the
workdir, redirects fds 0/1/2, runs `evaluate_fn(config, **kwargs)`, checks
the result (`validate_result`) and sends one message back through a pipe
before leaving with `os._exit(0)`.
"""

from __future__ import annotations

import ctypes
import dataclasses
import faulthandler
import io
import math
import multiprocessing.connection
import os
import pickle
import reprlib
import signal
import sys
import traceback
from typing import Any, Mapping, Optional

from approxmlir.tuner.executors.base import _MAX_TRACEBACK_CHARS, EvaluateFn


@dataclasses.dataclass
class _Job:
    """What the child needs; `payload` replaces the first three for spawn."""

    evaluate_fn: Optional[EvaluateFn]
    config: Optional[Mapping]
    kwargs: Optional[Mapping]
    payload: Optional[bytes] = None


_LIBC: Optional[ctypes.CDLL] = None


def _libc() -> Optional[ctypes.CDLL]:
    global _LIBC
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL(None, use_errno=True)
        except OSError:
            return None
    return _LIBC


def _flush_c_stdio() -> None:
    libc = _libc()
    if libc is not None:
        try:
            libc.fflush(None)
        except (AttributeError, OSError):
            pass


def _die_with_parent(parent_pid: int) -> None:
    """Linux: SIGKILL this process when the thread that started it exits."""
    libc = _libc()
    if libc is None or not sys.platform.startswith("linux"):
        return
    pr_set_pdeathsig = 1
    try:
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (AttributeError, OSError):
        return
    if os.getppid() != parent_pid:  # the parent died before prctl
        os._exit(1)


def _format_exception(exc: BaseException) -> str:
    try:
        message = str(exc)
    except Exception:  # pylint: disable=broad-except
        message = "<unprintable exception>"
    head = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    # Drop the child's own frame: the traceback starts in evaluate_fn.
    tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    if len(text) > _MAX_TRACEBACK_CHARS:
        text = "...\n" + text[-_MAX_TRACEBACK_CHARS:]
    return f"{head}\n{text}".rstrip("\n")


def _as_finite_float(value: Any) -> Optional[float]:
    if isinstance(value, (bool, str, bytes, complex)):
        return None
    if getattr(getattr(value, "dtype", None), "kind", None) in ("b", "c", "U", "S", "O"):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def validate_result(result: Any) -> "tuple[float, float, Optional[tuple[float, ...]]] | str":
    """(time_ms, accuracy, per-input scores or None) as floats, or why `result` is not a valid result.

    evaluate_fn returns (time_ms, accuracy), or (time_ms, accuracy, scores)
    with one finite QoS score per input (their mean is the accuracy), from
    which the tuner computes paired confidence intervals.
    """
    problem = (
        f"evaluate_fn returned {reprlib.repr(result)}; expected (time_ms, accuracy) or (time_ms, accuracy, "
        "per-input scores), finite numbers"
    )
    if isinstance(result, (str, bytes, Mapping)):
        return problem
    try:
        items = tuple(result)
    except TypeError:
        return problem
    if len(items) not in (2, 3):
        return problem
    time_ms, accuracy = (_as_finite_float(v) for v in items[:2])
    if time_ms is None or accuracy is None:
        return problem
    if len(items) == 2:
        return time_ms, accuracy, None
    try:
        scores = tuple(_as_finite_float(v) for v in items[2])
    except TypeError:
        return problem
    if not scores or any(s is None for s in scores):
        return problem
    return time_ms, accuracy, scores


def _redirect_output(log_path: str) -> None:
    """Points fds 0/1/2 at /dev/null and the log, and sys.std* at them."""
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(null_fd)
    os.close(log_fd)
    # Fresh Python streams: the inherited ones may hold the parent's unflushed
    # output, which must go neither to the log nor anywhere else (os._exit
    # drops it).
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), errors="backslashreplace", line_buffering=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), errors="backslashreplace", line_buffering=True)
    faulthandler.enable(file=sys.stderr, all_threads=True)


def _child_main(
    writer: multiprocessing.connection.Connection, job: _Job, workdir: str, log_path: str, parent_pid: Optional[int]
) -> None:
    """The evaluation process: never returns (os._exit)."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    if parent_pid is not None:
        _die_with_parent(parent_pid)
    # Handlers inherited from the parent (a tuner's SIGINT handler, a Dask
    # worker's SIGTERM handler) must not run here.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(workdir)
    _redirect_output(log_path)
    message: tuple
    try:
        if job.payload is not None:
            evaluate_fn, config, kwargs = pickle.loads(job.payload)
        else:
            evaluate_fn, config, kwargs = job.evaluate_fn, job.config, job.kwargs
        result = evaluate_fn(config, **kwargs)
    except BaseException as e:  # pylint: disable=broad-except  (SystemExit, KeyboardInterrupt too)
        message = ("error", _format_exception(e))
    else:
        checked = validate_result(result)
        message = ("invalid", checked) if isinstance(checked, str) else ("ok", *checked)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # pylint: disable=broad-except
            pass
    _flush_c_stdio()
    try:
        writer.send(message)
        writer.close()
    finally:
        os._exit(0)
