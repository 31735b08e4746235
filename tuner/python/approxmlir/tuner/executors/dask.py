"""DaskExecutor: isolated evaluations as Dask distributed tasks.

`connect` makes (or wraps) the Dask client and, without an address, the local
cluster; DaskExecutor uses it, and so can other components that want a Dask
cluster of their own started the same way. `distributed` is an optional
dependency, imported only when a connection is made.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import logging
import os
import pathlib
import reprlib
import threading
import time
import types
import uuid
from typing import Any, Mapping, Optional

from approxmlir.tuner.executors.base import (
    _EMPTY,
    LOG_NAME,
    EvaluateFn,
    EvaluationCancelled,
    Executor,
    ExecutorError,
    Outcome,
    _check_timeout,
)
from approxmlir.tuner.executors.sandbox import _dumps, _Job, cancel_evaluations, run_isolated

__all__ = ["DaskConnection", "DaskExecutor", "connect"]

_LOG = logging.getLogger(__name__)

# Where a LocalCluster started by `connect` listens: this machine only. The
# dashboard's ":0" picks a free port.
LOCAL_HOST = "127.0.0.1"


def _import_distributed(user: str = "approxmlir's Dask support") -> types.ModuleType:
    try:
        import distributed  # pylint: disable=import-outside-toplevel
    except ImportError as e:
        raise ImportError(
            f"{user} needs the optional 'distributed' package (Dask distributed); "
            "install it with `pip install distributed` or use the local executor"
        ) from e
    return distributed


@dataclasses.dataclass
class DaskConnection:
    """A Dask client and, if `connect` started one, its LocalCluster.

    owns_client: whether `close()` closes `client` (False for a client the
        caller passed in, which stays theirs).
    cluster: the LocalCluster that `connect` started, closed by `close()`;
        None when connecting to an address or wrapping a client.
    """

    client: Any
    cluster: Any = None
    owns_client: bool = True

    def close(self) -> None:
        """Closes the client (if owned), then the cluster (if any); idempotent."""
        client, self.client = self.client, None
        cluster, self.cluster = self.cluster, None
        try:
            if client is not None and self.owns_client:
                client.close()
        finally:
            if cluster is not None:
                cluster.close()

    def __enter__(self) -> "DaskConnection":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def connect(
    address: Optional[str] = None,
    n_workers: int = 2,
    *,
    client: Any = None,
    cluster_options: Optional[Mapping[str, Any]] = None,
) -> DaskConnection:
    """A Dask client: `client` as given, connected to `address`, or on a new LocalCluster.

    - `client` (a `distributed.Client`): used as is and not owned (it wins
      over `address`).
    - `address` (e.g. "tcp://host:8786"): a new owned client of that scheduler.
    - neither: starts `LocalCluster(n_workers, threads_per_worker=1,
      processes=True)` with non-daemonic workers (so that they may start
      processes of their own), the scheduler, workers and dashboard on
      127.0.0.1 (dashboard on a free port); `cluster_options` adds or
      overrides LocalCluster arguments (e.g. `host`, `dashboard_address`,
      `memory_limit`). Its client is owned.

    The client is never made Dask's default client. `close()` the result (or
    use it as a context manager) to release what was created here.
    """
    distributed = _import_distributed("approxmlir.tuner.executors.dask.connect")
    if client is not None:
        return DaskConnection(client, None, owns_client=False)
    if address is not None:
        return DaskConnection(distributed.Client(address, set_as_default=False))
    if n_workers < 1:
        raise ValueError(f"n_workers must be at least 1, got {n_workers}")
    import dask  # pylint: disable=import-outside-toplevel

    options = dict(
        n_workers=n_workers, threads_per_worker=1, processes=True, host=LOCAL_HOST, dashboard_address=f"{LOCAL_HOST}:0"
    )
    options.update(cluster_options or {})
    # Non-daemonic workers may start evaluation processes.
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = distributed.LocalCluster(**options)
    try:
        new_client = distributed.Client(cluster, set_as_default=False)
    except BaseException:
        cluster.close()
        raise
    return DaskConnection(new_client, cluster)


def _dask_task(
    job: _Job, workdir: str, timeout: Optional[float], start_method: str, kill_grace: float, tag: str
) -> Outcome:
    """Runs on a Dask worker: one isolated evaluation, like the local executor."""
    return run_isolated(
        None, None, workdir=workdir, timeout=timeout, start_method=start_method, kill_grace=kill_grace, tag=tag, job=job
    )


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
    `LocalCluster(n_workers, threads_per_worker=1, processes=True)` that
    listens on 127.0.0.1 only (see `connect`; `cluster_options` adds or
    overrides LocalCluster arguments; its dashboard, if bokeh is installed,
    is at `executor.client.dashboard_link`).

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
        _import_distributed("DaskExecutor")
        self.timeout_grace = timeout_grace
        self.start_method = start_method
        self.kill_grace = kill_grace
        self._tag = f"dask-{uuid.uuid4().hex}"
        self._connection = connect(address, n_workers, client=client, cluster_options=cluster_options)
        self._client = self._connection.client
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
                        _dask_task,
                        pending.job,
                        pending.workdir,
                        pending.timeout,
                        self.start_method,
                        self.kill_grace,
                        self._tag,
                        key=key,
                        pure=False,
                        retries=0,
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
                    _LOG.warning(
                        "no outcome from Dask for %s within timeout + grace; counting a timeout", pending.workdir
                    )
                    try:
                        self._client.cancel([pending.dask_future], force=True)
                    except Exception:  # pylint: disable=broad-except
                        _LOG.debug("cancelling a Dask task failed", exc_info=True)
                    log_path = os.path.join(pending.workdir, LOG_NAME)
                    pending.future.set_result(
                        Outcome(
                            "timeout",
                            None,
                            None,
                            f"timed out after {pending.timeout:g} s (no outcome from the Dask worker within "
                            f"{pending.timeout:g} s + {self.timeout_grace:g} s grace)",
                            started=pending.dispatched,
                            finished=now,
                            workdir=pending.workdir,
                            log_path=log_path if os.path.exists(log_path) else None,
                        )
                    )
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
        self._connection.close()
