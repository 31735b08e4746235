"""The model service's local backend: spawned worker processes behind AF_UNIX sockets.

Loading a model (and its IREE artifacts) takes seconds to minutes, and the
tuner runs each evaluation in its own forked process, so the models live in
worker processes started with "spawn" that answer requests over local
(AF_UNIX) sockets; nothing listens on the network. Each worker holds every
model variant the factory returns and generates one answer at a time on one
thread, so an answer's measured seconds are single-job; a client takes
whichever worker is free (an flock per worker), so N requests from N threads
or processes run at once on N workers.

A worker that dies (killed, out of memory) is restarted by a supervisor
thread and the request it was serving is retried; a request whose worker
dies MAX_ATTEMPTS times fails with ModelServiceError.
"""

from __future__ import annotations

import dataclasses
import fcntl
import logging
import multiprocessing
import multiprocessing.connection
import os
import secrets
import tempfile
import threading
import time
from typing import Any, Mapping

from approxmlir.compound.generators import MAX_ATTEMPTS, Generator, ModelServiceError, generate, load_generators
from approxmlir.compound.memo import Answer, AnswerMemo, Request, open_memo

_LOG = logging.getLogger(__name__)


class LocalModels:
    """The models in this process, memoized: for tests and single-process runs."""

    def __init__(self, generators: Mapping[str, Generator], memo: AnswerMemo):
        self.generators = dict(generators)
        self.memo = memo
        self._lock = threading.Lock()

    def answer(self, request: Request) -> Answer:
        found = self.memo.get(request)
        if found is not None:
            return found
        with self._lock:  # one generation at a time: timings stay single-job
            text, seconds, confidence = generate(self.generators, request)
        self.memo.put(request, text, seconds, confidence)
        return Answer(text, seconds, False, confidence)


def _serve(address: str, authkey: bytes, factory: str, factory_kwargs: dict, ready: Any) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        generators = load_generators(factory, factory_kwargs)
    except BaseException as error:  # report why the worker cannot start, then stop
        ready.send(f"{type(error).__name__}: {error}")
        raise
    if os.path.exists(address):  # left by a worker that was killed
        os.unlink(address)
    with multiprocessing.connection.Listener(address, family="AF_UNIX", authkey=authkey) as listener:
        ready.send("ok")
        while True:
            with listener.accept() as connection:
                try:
                    request = connection.recv()
                except EOFError:
                    continue
                if request == "stop":
                    return
                try:
                    connection.send(("ok", *generate(generators, request)))
                except Exception as error:  # sent back: the evaluation reports it
                    connection.send(("error", error))


@dataclasses.dataclass
class _Worker:
    address: str
    process: Any = None
    ready: Any = None  # the parent's end of the pipe the worker reports its start on
    restarts: int = 0


class LocalWorkers:
    """`workers` spawned worker processes, restarted when they die (at most `max_restarts` times each)."""

    def __init__(
        self, factory: str, factory_kwargs: Mapping[str, Any], workers: int, start_timeout: float, max_restarts: int = 3
    ):
        self._dir = tempfile.TemporaryDirectory(prefix="approx-models-")
        self.authkey = secrets.token_bytes(16)
        self.factory, self.factory_kwargs = factory, dict(factory_kwargs)
        self.max_restarts = max_restarts
        self._context = multiprocessing.get_context("spawn")
        self._workers = [_Worker(os.path.join(self._dir.name, f"worker{i}.socket")) for i in range(workers)]
        self._closing = threading.Event()
        pipes = [self._start(worker) for worker in self._workers]
        deadline = time.monotonic() + start_timeout
        for pipe in pipes:
            if not pipe.poll(max(0.0, deadline - time.monotonic())):
                self.close()
                raise ModelServiceError(f"the model service did not start within {start_timeout:.0f} s")
            status = pipe.recv()
            if status != "ok":
                self.close()
                raise ModelServiceError(f"the model service could not load its models: {status}")
        self._supervisor = threading.Thread(target=self._supervise, name="approx-model-supervisor", daemon=True)
        self._supervisor.start()

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(w.address for w in self._workers)

    def _start(self, worker: _Worker) -> Any:
        parent, child = self._context.Pipe()
        worker.process = self._context.Process(
            target=_serve, args=(worker.address, self.authkey, self.factory, self.factory_kwargs, child), daemon=True
        )
        worker.process.start()
        worker.ready = parent  # kept open: a worker whose report finds no reader dies of SIGPIPE
        return parent

    def _supervise(self) -> None:
        while not self._closing.is_set():
            multiprocessing.connection.wait([w.process.sentinel for w in self._workers], timeout=0.5)
            if self._closing.is_set():
                return
            for worker in self._workers:
                if worker.process.is_alive() or os.path.exists(f"{worker.address}.failed"):
                    continue
                if worker.restarts >= self.max_restarts:
                    _LOG.error("model worker %s died %d times; not restarting it", worker.address, worker.restarts + 1)
                    with open(f"{worker.address}.failed", "w") as marker:
                        marker.write(f"died {worker.restarts + 1} times, last with exit code {worker.process.exitcode}")
                    continue
                worker.restarts += 1
                _LOG.warning(
                    "model worker %s exited with code %s; restarting it (%d/%d)",
                    worker.address,
                    worker.process.exitcode,
                    worker.restarts,
                    self.max_restarts,
                )
                self._start(worker)  # clients wait until its socket accepts

    def process(self, index: int) -> Any:
        """Worker `index`'s process (for tests that kill it)."""
        return self._workers[index].process

    def close(self) -> None:
        self._closing.set()
        for worker in self._workers:
            process = worker.process
            if process is None or not process.is_alive():
                continue
            try:
                with multiprocessing.connection.Client(
                    worker.address, family="AF_UNIX", authkey=self.authkey
                ) as connection:
                    connection.send("stop")
            except OSError:
                pass
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        self._dir.cleanup()


@dataclasses.dataclass(frozen=True)
class LocalClient:
    """Sends requests to LocalWorkers; picklable, usable from threads and forked processes."""

    addresses: tuple[str, ...]
    authkey: bytes
    memo_path: str
    request_timeout: float = 3600.0
    poll_seconds: float = 0.005

    def answer(self, request: Request) -> Answer:
        memo = open_memo(self.memo_path)
        found = memo.get(request)
        if found is not None:
            return found
        attempts = 0
        deadline = time.monotonic() + self.request_timeout
        while True:
            for address in self.addresses:
                try:
                    reply = self._ask_if_free(address, request)
                except (EOFError, ConnectionResetError, BrokenPipeError) as error:
                    attempts += 1
                    _LOG.warning("model worker %s died while answering %s (%s)", address, request.variant, error)
                    if attempts >= MAX_ATTEMPTS:
                        raise ModelServiceError(
                            f"request to model variant {request.variant!r} failed {attempts} times: its worker died"
                        ) from error
                    continue
                if reply is None:
                    continue
                status, *result = reply
                if status == "error":
                    raise result[0]
                text, seconds, confidence = result
                memo.put(request, text, seconds, confidence)
                return Answer(text, seconds, False, confidence)
            failed = [a for a in self.addresses if os.path.exists(f"{a}.failed")]
            if len(failed) == len(self.addresses):
                raise ModelServiceError(
                    "every model worker failed: " + "; ".join(open(f"{a}.failed").read() for a in failed)
                )
            if time.monotonic() > deadline:
                raise ModelServiceError(f"no model worker answered within {self.request_timeout:.0f} s")
            time.sleep(self.poll_seconds)

    def _ask_if_free(self, address: str, request: Request) -> Any:
        """The worker's reply, or None when the worker is busy or (re)starting."""
        with open(f"{address}.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            try:
                connection = multiprocessing.connection.Client(address, family="AF_UNIX", authkey=self.authkey)
            except (FileNotFoundError, ConnectionRefusedError):
                return None  # restarting: its socket is not listening yet
            with connection:
                connection.send(request)
                return connection.recv()
