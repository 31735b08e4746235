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
- `make_executor(kind, parallelism, **options)`.
"""

from __future__ import annotations

import abc
import atexit
import collections
import concurrent.futures
import contextlib
import ctypes
import dataclasses
import faulthandler
import io
import logging
import math
import multiprocessing
import multiprocessing.connection
import multiprocessing.util  # noqa: F401  (its atexit hook must run after ours)
import os
import pathlib
import pickle
import queue
import reprlib
import signal
import sys
import threading
import time
import traceback
import types
import uuid
import weakref
from typing import Any, Callable, Mapping, Optional

_LOG = logging.getLogger(__name__)

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
    """

    status: str
    time_ms: Optional[float]
    accuracy: Optional[float]
    error: Optional[str]
    started: float
    finished: float
    workdir: str
    log_path: Optional[str]

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def duration(self) -> float:
        return self.finished - self.started


class ExecutorError(RuntimeError):
    """The executor could not run an evaluation (not a verdict on the config)."""


class EvaluationCancelled(concurrent.futures.CancelledError):
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


# --------------------------------------------------------------------------
# One isolated evaluation.
# --------------------------------------------------------------------------


@dataclasses.dataclass
class _Job:
    """What the child needs; `payload` replaces the first three for spawn."""

    evaluate_fn: Optional[EvaluateFn]
    config: Optional[Mapping]
    kwargs: Optional[Mapping]
    payload: Optional[bytes] = None


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


def validate_result(result: Any) -> "tuple[float, float] | str":
    """(time_ms, accuracy) as floats, or why `result` is not a valid result."""
    problem = f"evaluate_fn returned {reprlib.repr(result)}; expected (time_ms, accuracy), two finite numbers"
    if isinstance(result, (str, bytes, Mapping)):
        return problem
    try:
        items = tuple(result)
    except TypeError:
        return problem
    if len(items) != 2:
        return problem
    time_ms, accuracy = (_as_finite_float(v) for v in items)
    if time_ms is None or accuracy is None:
        return problem
    return time_ms, accuracy


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


def _check_timeout(timeout: Optional[float]) -> None:
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be positive or None, got {timeout!r}")


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
    common = dict(started=started, finished=finished, workdir=str(workdir_path),
                  log_path=str(log_path) if log_path.exists() else None)
    if timed_out:
        return Outcome("timeout", None, None, f"timed out after {timeout:g} s", **common)
    if message is None:
        return Outcome("crash", None, None, _describe_exit(exitcode), **common)
    if message[0] == "ok":
        return Outcome("ok", message[1], message[2], None, **common)
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


# --------------------------------------------------------------------------
# LocalProcessExecutor
# --------------------------------------------------------------------------

_LOCAL_EXECUTORS: "weakref.WeakSet[LocalProcessExecutor]" = weakref.WeakSet()


@atexit.register
def _shutdown_local_executors() -> None:
    for executor in list(_LOCAL_EXECUTORS):
        executor.shutdown()


class LocalProcessExecutor(Executor):
    """Runs at most `parallelism` evaluations at once on this machine.

    `parallelism` supervising threads take jobs in submission order; each
    starts one child per evaluation with the multiprocessing `start_method`
    ("fork" by default, so closures work; "spawn" and "forkserver" need
    evaluate_fn, config and kwargs picklable, with cloudpickle if installed).
    A timed-out evaluation's process group gets SIGTERM, then SIGKILL after
    `kill_grace` seconds. Executors not shut down are shut down at exit.
    """

    def __init__(self, parallelism: int = 1, start_method: str = "fork", *, kill_grace: float = 1.0) -> None:
        if parallelism < 1:
            raise ValueError(f"parallelism must be at least 1, got {parallelism}")
        if start_method not in multiprocessing.get_all_start_methods():
            raise ValueError(
                f"unknown start method {start_method!r}; this platform has {multiprocessing.get_all_start_methods()}"
            )
        self.max_workers = parallelism
        self.start_method = start_method
        self.kill_grace = kill_grace
        self._tag = f"local-{uuid.uuid4().hex}"
        self._queue: "queue.SimpleQueue[Optional[tuple]]" = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"approxmlir-executor-{i}", daemon=True)
            for i in range(parallelism)
        ]
        for thread in self._threads:
            thread.start()
        _LOCAL_EXECUTORS.add(self)

    def submit(
        self,
        evaluate_fn: EvaluateFn,
        config: Mapping,
        *,
        workdir: pathlib.Path,
        timeout: Optional[float],
        kwargs: Mapping = _EMPTY,
    ) -> "concurrent.futures.Future[Outcome]":
        _check_timeout(timeout)
        job = _make_job(evaluate_fn, config, kwargs, self.start_method)
        future: "concurrent.futures.Future[Outcome]" = concurrent.futures.Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("submit() after shutdown()")
            self._queue.put((future, job, pathlib.Path(workdir), timeout))
        return future

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            future, job, workdir, timeout = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                outcome = run_isolated(
                    None, None, workdir=workdir, timeout=timeout, start_method=self.start_method,
                    kill_grace=self.kill_grace, tag=self._tag, job=job,
                )
            except BaseException as e:  # pylint: disable=broad-except
                future.set_exception(e)
            else:
                _LOG.debug("evaluation in %s: %s", workdir, outcome.status)
                future.set_result(outcome)

    def shutdown(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        killed = cancel_evaluations(self._tag)
        if killed:
            _LOG.info("shutdown killed %d running evaluation(s)", killed)
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()
        _LOCAL_EXECUTORS.discard(self)


# --------------------------------------------------------------------------
# DaskExecutor
# --------------------------------------------------------------------------


def _import_distributed() -> types.ModuleType:
    try:
        import distributed  # pylint: disable=import-outside-toplevel
    except ImportError as e:
        raise ImportError(
            "DaskExecutor needs the optional 'distributed' package (Dask distributed); "
            "install it with `pip install distributed` or use the local executor"
        ) from e
    return distributed


def _dask_task(job: _Job, workdir: str, timeout: Optional[float], start_method: str, kill_grace: float, tag: str) -> Outcome:
    """Runs on a Dask worker: one isolated evaluation, like the local executor."""
    return run_isolated(None, None, workdir=workdir, timeout=timeout, start_method=start_method,
                        kill_grace=kill_grace, tag=tag, job=job)


@dataclasses.dataclass
class _Pending:
    future: "concurrent.futures.Future[Outcome]"
    job: _Job
    workdir: str
    timeout: Optional[float]
    dask_future: Any = None
    deadline: Optional[float] = None
    dispatched: float = 0.0


class DaskExecutor(Executor):
    """Evaluations as Dask distributed tasks, each in a child of its worker.

    With no `address` (and no `client`) it starts and owns a
    `LocalCluster(n_workers, threads_per_worker=1, processes=True)`
    (`cluster_options` adds or overrides LocalCluster arguments; its
    dashboard, if bokeh is installed, is at `executor.client.dashboard_link`).

    To use an existing cluster, start a scheduler and workers where the tuner
    can reach them, with approxmlir (same version) and evaluate_fn's modules
    importable on the workers and `workdir` on a filesystem they share:

        dask scheduler                                  # tcp://host:8786
        dask worker tcp://host:8786 --nthreads 1 --nworkers 8
        DaskExecutor("tcp://host:8786")   # or make_executor("dask", address=...)

    or pass `client=` an existing `distributed.Client` (not closed by
    shutdown). One worker thread runs one evaluation, so `--nthreads 1` with
    several workers per machine is the usual layout. Workers under a nanny are
    daemonic processes; the executor starts children there anyway (each dies
    with its worker); `DASK_DISTRIBUTED__WORKER__DAEMON=False` avoids that.

    At most `max_workers` tasks are sent at a time (default: the cluster's
    worker threads when connecting), the rest wait here, so a sent task starts
    right away on a cluster that nobody else uses. If its outcome has not come
    back `timeout + timeout_grace` seconds after it was sent (a wedged or lost
    worker), its future gets a "timeout" Outcome; `timeout_grace=None` turns
    this client-side check off (the worker enforces `timeout` regardless).
    `start_method` and `kill_grace` are those of the local executor, used on
    the workers. evaluate_fn, config and kwargs travel with cloudpickle, so
    closures work.
    """

    def __init__(
        self,
        address: Optional[str] = None,
        n_workers: int = 2,
        timeout_grace: Optional[float] = 5.0,
        *,
        client: Any = None,
        max_workers: Optional[int] = None,
        start_method: str = "fork",
        kill_grace: float = 1.0,
        cluster_options: Optional[Mapping[str, Any]] = None,
    ) -> None:
        distributed = _import_distributed()
        import dask  # pylint: disable=import-outside-toplevel

        self.timeout_grace = timeout_grace
        self.start_method = start_method
        self.kill_grace = kill_grace
        self._tag = f"dask-{uuid.uuid4().hex}"
        self._cluster = None
        self._owns_client = client is None
        if client is not None:
            self._client = client
        elif address is not None:
            self._client = distributed.Client(address, set_as_default=False)
        else:
            if n_workers < 1:
                raise ValueError(f"n_workers must be at least 1, got {n_workers}")
            # ":0": the HTTP server (and the dashboard, with bokeh) on a free port.
            options = dict(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0")
            options.update(cluster_options or {})
            # Non-daemonic workers may start evaluation processes.
            with dask.config.set({"distributed.worker.daemon": False}):
                self._cluster = distributed.LocalCluster(**options)
            try:
                self._client = distributed.Client(self._cluster, set_as_default=False)
            except BaseException:
                self._cluster.close()
                raise
        if max_workers is None:
            max_workers = sum(self._client.nthreads().values())
            if max_workers < 1:
                _LOG.warning("the Dask cluster has no workers yet; sending one evaluation at a time")
                max_workers = 1
        self.max_workers = max_workers
        self._lock = threading.Condition()
        self._closed = False
        self._waiting: "collections.deque[_Pending]" = collections.deque()
        self._running: dict = {}  # dask key -> _Pending
        self._monitor = threading.Thread(target=self._watch_deadlines, name="approxmlir-dask-monitor", daemon=True)
        self._monitor.start()
        _LOG.info("DaskExecutor on %s with %d evaluation slots", self._client.scheduler.address, self.max_workers)

    @property
    def client(self) -> Any:
        return self._client

    def submit(
        self,
        evaluate_fn: EvaluateFn,
        config: Mapping,
        *,
        workdir: pathlib.Path,
        timeout: Optional[float],
        kwargs: Mapping = _EMPTY,
    ) -> "concurrent.futures.Future[Outcome]":
        _check_timeout(timeout)
        # Passed as one cloudpickled blob so that the function reaches the
        # worker intact, and the evaluation child needs nothing else.
        job = _Job(None, None, None, _dumps((evaluate_fn, config, dict(kwargs))))
        future: "concurrent.futures.Future[Outcome]" = concurrent.futures.Future()
        pending = _Pending(future, job, str(pathlib.Path(workdir).absolute()), timeout)
        with self._lock:
            if self._closed:
                raise RuntimeError("submit() after shutdown()")
            self._waiting.append(pending)
        self._dispatch()
        return future

    def _dispatch(self) -> None:
        with self._lock:
            while not self._closed and self._waiting and len(self._running) < self.max_workers:
                pending = self._waiting.popleft()
                if not pending.future.set_running_or_notify_cancel():
                    continue
                key = f"approxmlir-evaluation-{uuid.uuid4().hex}"
                try:
                    pending.dask_future = self._client.submit(
                        _dask_task, pending.job, pending.workdir, pending.timeout, self.start_method,
                        self.kill_grace, self._tag, key=key, pure=False, retries=0,
                    )
                except Exception as e:  # pylint: disable=broad-except
                    pending.future.set_exception(ExecutorError(f"cannot submit to Dask: {type(e).__name__}: {e}"))
                    continue
                pending.dispatched = time.time()
                if pending.timeout is not None and self.timeout_grace is not None:
                    pending.deadline = pending.dispatched + pending.timeout + self.timeout_grace
                self._running[key] = pending
                pending.dask_future.add_done_callback(lambda f, key=key: self._on_done(key, f))
                self._lock.notify_all()

    def _on_done(self, key: str, dask_future: Any) -> None:
        with self._lock:
            pending = self._running.pop(key, None)
            self._lock.notify_all()
        if pending is not None:
            self._resolve(pending, dask_future)
        self._dispatch()

    @staticmethod
    def _resolve(pending: _Pending, dask_future: Any) -> None:
        future = pending.future
        try:
            status = dask_future.status
            if status == "finished":
                outcome = dask_future.result()
                if not isinstance(outcome, Outcome):
                    raise ExecutorError(f"the Dask task returned {reprlib.repr(outcome)}")
                future.set_result(outcome)
                return
            if status == "cancelled":
                future.set_exception(EvaluationCancelled("the Dask task was cancelled"))
                return
            exc = dask_future.exception()
        except concurrent.futures.InvalidStateError:
            return
        except Exception as e:  # pylint: disable=broad-except
            exc = e
        if future.done():
            return
        if isinstance(exc, (EvaluationCancelled, ExecutorError)):
            future.set_exception(exc)
        else:
            future.set_exception(ExecutorError(f"the Dask task failed: {type(exc).__name__}: {exc}"))

    def _watch_deadlines(self) -> None:
        with self._lock:
            while not self._closed:
                now = time.time()
                expired = [(k, p) for k, p in self._running.items() if p.deadline is not None and p.deadline <= now]
                for key, pending in expired:
                    del self._running[key]
                    _LOG.warning("no outcome from Dask for %s within timeout + grace; counting a timeout", pending.workdir)
                    try:
                        self._client.cancel([pending.dask_future], force=True)
                    except Exception:  # pylint: disable=broad-except
                        _LOG.debug("cancelling a Dask task failed", exc_info=True)
                    log_path = os.path.join(pending.workdir, LOG_NAME)
                    pending.future.set_result(Outcome(
                        "timeout", None, None,
                        f"timed out after {pending.timeout:g} s (no outcome from the Dask worker within "
                        f"{pending.timeout:g} s + {self.timeout_grace:g} s grace)",
                        started=pending.dispatched, finished=now, workdir=pending.workdir,
                        log_path=log_path if os.path.exists(log_path) else None,
                    ))
                if expired:
                    self._lock.release()
                    try:
                        self._dispatch()
                    finally:
                        self._lock.acquire()
                    continue
                deadlines = [p.deadline for p in self._running.values() if p.deadline is not None]
                self._lock.wait(timeout=None if not deadlines else max(min(deadlines) - now, 0.01))

    def shutdown(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            waiting, self._waiting = list(self._waiting), collections.deque()
            running, self._running = list(self._running.values()), {}
            self._lock.notify_all()
        for pending in waiting:
            pending.future.cancel()
        for pending in running:
            if not pending.future.done():
                pending.future.set_exception(EvaluationCancelled("the executor was shut down"))
        try:
            # Kill this executor's evaluation processes on every worker.
            self._client.run(cancel_evaluations, self._tag)
            if running:
                self._client.cancel([p.dask_future for p in running], force=True)
        except Exception:  # pylint: disable=broad-except
            _LOG.warning("could not cancel evaluations on the Dask workers", exc_info=True)
        self._monitor.join()
        if self._owns_client:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


# --------------------------------------------------------------------------


def make_executor(kind: str = "local", parallelism: int = 1, **options: Any) -> Executor:
    """"local": LocalProcessExecutor(parallelism, **options); "dask":
    DaskExecutor(n_workers=parallelism, **options) (n_workers only matters
    for the LocalCluster it starts without `address`/`client`)."""
    if kind == "local":
        return LocalProcessExecutor(parallelism, **options)
    if kind == "dask":
        return DaskExecutor(n_workers=parallelism, **options)
    raise ValueError(f"unknown executor kind {kind!r}; expected 'local' or 'dask'")
