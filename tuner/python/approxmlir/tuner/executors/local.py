"""LocalProcessExecutor: isolated evaluations on this machine."""

from __future__ import annotations

import atexit
import concurrent.futures
import logging
import multiprocessing
import multiprocessing.util  # noqa: F401  (its atexit hook must run after ours)
import pathlib
import queue
import threading
import uuid
import weakref
from typing import Mapping, Optional

from approxmlir.tuner.executors.base import _EMPTY, EvaluateFn, Executor, Outcome, _check_timeout
from approxmlir.tuner.executors.sandbox import _make_job, cancel_evaluations, run_isolated

_LOG = logging.getLogger(__name__)

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
                    None,
                    None,
                    workdir=workdir,
                    timeout=timeout,
                    start_method=self.start_method,
                    kill_grace=self.kill_grace,
                    tag=self._tag,
                    job=job,
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
