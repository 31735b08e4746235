"""One isolated evaluation: start the child, supervise it, clean up.

`run_isolated` is the building block of both executors (DaskExecutor runs it
on a worker). It starts `child._child_main` in a fresh process, waits for its
message, its exit, the timeout or a cancellation (`_supervise`), kills what
is left of the child's process group, reaps the child and turns all that into
an Outcome. `cancel_evaluations(tag)` kills this process's running
evaluations of one executor.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import multiprocessing.connection
import os
import pathlib
import pickle
import signal
import threading
import time
from typing import Any, Mapping, Optional

from approxmlir.tuner.executors.base import (
    _EMPTY,
    _EXIT_AFTER_RESULT_SECONDS,
    _POLL_SECONDS,
    LOG_NAME,
    EvaluateFn,
    EvaluationCancelled,
    ExecutorError,
    Outcome,
    _check_timeout,
)
from approxmlir.tuner.executors.child import _child_main, _flush_c_stdio, _Job, validate_result

__all__ = ["cancel_evaluations", "run_isolated", "validate_result"]

_LOG = logging.getLogger(__name__)


def _dumps(obj: Any) -> bytes:
    try:
        import cloudpickle  # pylint: disable=import-outside-toplevel
    except ImportError:
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def _make_job(evaluate_fn: EvaluateFn, config: Mapping, kwargs: Mapping, start_method: str) -> _Job:
    if start_method == "fork":
        return _Job(evaluate_fn, config, dict(kwargs))
    try:
        payload = _dumps((evaluate_fn, config, dict(kwargs)))
    except Exception as e:
        raise TypeError(
            f"start method {start_method!r} sends evaluate_fn, config and kwargs to a new "
            f"interpreter, but they cannot be pickled: {type(e).__name__}: {e}"
        ) from e
    return _Job(None, None, None, payload)


# Running evaluations of this process, so that shutdown() (locally, or through
# Client.run on a Dask worker) can kill them.
_REGISTRY_LOCK = threading.Lock()
_LIVE: dict = {}  # id -> _Live
_CANCELLED_TAGS: set = set()
# multiprocessing refuses children in a daemonic process (Dask's nanny starts
# workers as daemons); see _children_allowed.
_DAEMON_LOCK = threading.Lock()


@dataclasses.dataclass
class _Live:
    tag: Optional[str]
    process: multiprocessing.process.BaseProcess
    cancelled: threading.Event


def cancel_evaluations(tag: str) -> int:
    """Kills the running evaluations started with `tag`, and refuses new ones.

    Runs in the tuner's process for LocalProcessExecutor and on every worker
    (Client.run) for DaskExecutor. Returns how many were killed.
    """
    with _REGISTRY_LOCK:
        _CANCELLED_TAGS.add(tag)
        victims = [live for live in _LIVE.values() if live.tag == tag]
        for live in victims:
            live.cancelled.set()
            _signal_group(live.process, signal.SIGKILL)
    return len(victims)


def _signal_group(process: multiprocessing.process.BaseProcess, sig: int) -> None:
    pid = process.pid
    if pid is None:
        return
    try:
        if os.getpgid(pid) == pid and pid != os.getpgrp():
            os.killpg(pid, sig)
            return
    except (ProcessLookupError, PermissionError):
        pass
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _sweep_group(pgid: int) -> None:
    """Kills what is left of a finished evaluation's process group."""
    if pgid == os.getpgrp():
        return
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _has_exited(process: multiprocessing.process.BaseProcess) -> bool:
    """Whether the child exited, without reaping it (its pid stays reserved)."""
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:  # forkserver: not our child
        return process.exitcode is not None
    except AttributeError:  # no waitid (not Linux)
        return process.exitcode is not None


@contextlib.contextmanager
def _children_allowed():
    """Lets a daemonic process (a Dask worker under a nanny) start children.

    multiprocessing forbids it because a daemon's children outlive it when it
    is terminated; here every child asks the kernel to die with its parent.
    """
    current = multiprocessing.current_process()
    config = getattr(current, "_config", None)
    if not (isinstance(config, dict) and config.get("daemon")):
        yield
        return
    with _DAEMON_LOCK:
        config["daemon"] = False
        try:
            yield
        finally:
            config["daemon"] = True


def _describe_exit(exitcode: Optional[int]) -> str:
    if exitcode is None:
        return "died without returning a result"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by signal {name}"
    return f"exited with status {exitcode} without returning a result"


def run_isolated(
    evaluate_fn: Optional[EvaluateFn],
    config: Optional[Mapping],
    *,
    workdir: "os.PathLike[str] | str",
    timeout: Optional[float],
    kwargs: Mapping = _EMPTY,
    start_method: str = "fork",
    kill_grace: float = 1.0,
    tag: Optional[str] = None,
    job: Optional[_Job] = None,
) -> Outcome:
    """Runs one evaluation in a fresh child process and waits for it.

    The building block of both executors (DaskExecutor runs it on a worker).
    Raises EvaluationCancelled if `cancel_evaluations(tag)` stops it and
    ExecutorError if the workdir or the process cannot be created.
    """
    _check_timeout(timeout)
    if job is None:
        job = _make_job(evaluate_fn, config, kwargs, start_method)
    workdir_path = pathlib.Path(workdir).absolute()
    try:
        workdir_path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExecutorError(f"cannot create the workdir {workdir_path}: {e}") from e
    log_path = workdir_path / LOG_NAME
    context = multiprocessing.get_context(start_method)
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main,
        # A forkserver child's parent is the server, not this process.
        args=(writer, job, str(workdir_path), str(log_path), None if start_method == "forkserver" else os.getpid()),
        name=f"approxmlir-evaluation:{workdir_path.name}",
        daemon=False,
    )
    live = _Live(tag, process, threading.Event())
    key = id(live)
    with _REGISTRY_LOCK:
        if tag is not None and tag in _CANCELLED_TAGS:
            reader.close()
            writer.close()
            raise EvaluationCancelled("the executor was shut down")
        _LIVE[key] = live
    started = time.time()
    try:
        if start_method == "fork":
            _flush_c_stdio()  # or the child would repeat the parent's C output
        try:
            with _children_allowed():
                process.start()
        except OSError as e:
            raise ExecutorError(f"cannot start an evaluation process: {e}") from e
        finally:
            writer.close()
        try:  # also from here, in case the child has not run setpgid yet
            os.setpgid(process.pid, process.pid)
        except OSError:
            pass
        if live.cancelled.is_set():
            _signal_group(process, signal.SIGKILL)
        message, timed_out = _supervise(process, reader, started, timeout, kill_grace, live.cancelled)
        _sweep_group(process.pid)
        # Unregistered before reaping, so cancel_evaluations never signals a
        # reaped (possibly reused) pid.
        with _REGISTRY_LOCK:
            _LIVE.pop(key, None)
        process.join()
        finished = time.time()
        exitcode = process.exitcode
    finally:
        reader.close()
        with _REGISTRY_LOCK:
            _LIVE.pop(key, None)
        if process.pid is not None and process.exitcode is None:
            _signal_group(process, signal.SIGKILL)
            process.join()
        try:
            process.close()
        except ValueError:
            pass

    if live.cancelled.is_set():
        raise EvaluationCancelled("the executor was shut down while the evaluation ran")
    common = dict(
        started=started,
        finished=finished,
        workdir=str(workdir_path),
        log_path=str(log_path) if log_path.exists() else None,
    )
    if timed_out:
        return Outcome("timeout", None, None, f"timed out after {timeout:g} s", **common)
    if message is None:
        return Outcome("crash", None, None, _describe_exit(exitcode), **common)
    if message[0] == "ok":
        return Outcome("ok", message[1], message[2], None, **common, scores=message[3])
    return Outcome(message[0], None, None, message[1], **common)


def _supervise(process, reader, started, timeout, kill_grace, cancelled) -> "tuple[Optional[tuple], bool]":
    """Waits for the child's message or exit; returns (message, timed_out)."""
    deadline = None if timeout is None else started + timeout
    reader_open = True
    while True:
        if reader_open and reader.poll():
            try:
                message = reader.recv()
            except (EOFError, OSError, pickle.UnpicklingError):
                # The pipe closed without a message (evaluate_fn closed the
                # fd?): wait for the exit or the deadline.
                reader_open = False
                continue
            if not _wait_exit(process, _EXIT_AFTER_RESULT_SECONDS):
                _LOG.warning("evaluation pid %s sent its result but did not exit; killing it", process.pid)
            return message, False
        if _has_exited(process):
            if reader_open and reader.poll():  # a result sent just before exiting
                continue
            return None, False
        if cancelled.is_set():
            _signal_group(process, signal.SIGKILL)
            _wait_exit(process, None)
            return None, False
        now = time.time()
        if deadline is not None and now >= deadline:
            _LOG.info("evaluation pid %s timed out after %g s", process.pid, timeout)
            _signal_group(process, signal.SIGTERM)
            if not _wait_exit(process, kill_grace):
                _signal_group(process, signal.SIGKILL)
                _wait_exit(process, None)
            return None, True
        wait_for = _POLL_SECONDS if deadline is None else min(_POLL_SECONDS, deadline - now)
        waitables = [reader, process.sentinel] if reader_open else [process.sentinel]
        multiprocessing.connection.wait(waitables, timeout=max(wait_for, 0.0))


def _wait_exit(process: multiprocessing.process.BaseProcess, timeout: Optional[float]) -> bool:
    """Waits (without reaping) until the child exits; False on timeout."""
    deadline = None if timeout is None else time.time() + timeout
    while not _has_exited(process):
        if deadline is not None and time.time() >= deadline:
            return False
        multiprocessing.connection.wait([process.sentinel], timeout=_POLL_SECONDS / 4)
    return True
