"""One process that owns the LLMs, shared by every evaluation of a tuning run.

The tuner runs each evaluation in its own forked process; loading a model
(and its IREE artifacts) in each of them would cost seconds per evaluation,
and forking a process whose runtime already runs threads is unsafe. So the
models live in a server process started with "spawn", and evaluations send
it (variant, question, passage) requests over a local socket; each variant
builds its own prompt from them.

Answers are memoized by (variant, question, passage) in SQLite next to the
tuning results, with the seconds the generation took when it really ran: a
configuration that retrieves a passage seen before for a question gets the
same answer and is charged the same measured time, so tuning spends its
time on what changed. Clients read the memo themselves; only new prompts
reach a server.

With `workers=N` the service runs N server processes, each with its own
copy of the models, each generating one answer at a time on one thread
(the measured seconds stay single-threaded); a client takes whichever
worker is free (an flock per worker), so N requests from N threads or
processes run at once.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import importlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import pathlib
import secrets
import sqlite3
import tempfile
import threading
import time
from typing import Any, Callable, Mapping, Optional, Protocol

_LOG = logging.getLogger(__name__)


class Generator(Protocol):
    """What a model variant offers: a short answer to a question about a passage."""

    def answer(self, question: str, passage: str) -> str:
        ...


@dataclasses.dataclass(frozen=True)
class Answer:
    text: str
    seconds: float  # of the generation when it really ran
    cached: bool


class AnswerCache:
    """(variant, question, passage) -> (answer, seconds), persistent and process-safe (SQLite, WAL)."""

    def __init__(self, path: os.PathLike):
        self.path = pathlib.Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=60.0, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, variant TEXT, question TEXT, "
                         "passage TEXT, answer TEXT, seconds REAL)")
        self._db.commit()
        self._lock = threading.Lock()

    @staticmethod
    def key(variant: str, question: str, passage: str) -> str:
        return hashlib.sha256(f"{variant}\0{question}\0{passage}".encode("utf-8")).hexdigest()

    def get(self, variant: str, question: str, passage: str) -> Optional[Answer]:
        with self._lock:
            row = self._db.execute("SELECT answer, seconds FROM answers WHERE key = ?",
                                   (self.key(variant, question, passage),)).fetchone()
        return Answer(row[0], row[1], True) if row else None

    def put(self, variant: str, question: str, passage: str, answer: str, seconds: float) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                             (self.key(variant, question, passage), variant, question, passage, answer, seconds))
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]


class LocalLLMs:
    """The models in this process, memoized: for tests and single-process runs."""

    def __init__(self, generators: Mapping[str, Generator], cache: AnswerCache):
        self.generators = dict(generators)
        self.cache = cache
        self._lock = threading.Lock()

    def answer(self, variant: str, question: str, passage: str) -> Answer:
        if variant not in self.generators:
            raise ValueError(f"unknown model variant {variant!r} (have {sorted(self.generators)})")
        found = self.cache.get(variant, question, passage)
        if found is not None:
            return found
        with self._lock:  # one generation at a time: timings stay single-job
            start = time.perf_counter()
            text = self.generators[variant].answer(question, passage)
            seconds = time.perf_counter() - start
        self.cache.put(variant, question, passage, text, seconds)
        return Answer(text, seconds, False)


def _load_factory(factory: str) -> Callable[..., Mapping[str, Generator]]:
    module, _, name = factory.partition(":")
    return getattr(importlib.import_module(module), name)


def _serve(address: str, authkey: bytes, factory: str, factory_kwargs: dict, cache_path: str,
           ready: Any) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        llms = LocalLLMs(_load_factory(factory)(**factory_kwargs), AnswerCache(cache_path))
    except BaseException as error:  # report why the service cannot start, then stop
        ready.send(f"{type(error).__name__}: {error}")
        raise
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
                    connection.send(llms.answer(*request))
                except Exception as error:  # sent back: the evaluation reports it
                    connection.send(error)


class LLMService:
    """Starts the servers; `client()` objects may be used from threads and forked evaluations.

    `factory` is "module:function"; the function gets `factory_kwargs` and
    returns {variant name: Generator}. It runs in the servers only. The
    workers start side by side: their model loading overlaps, and they share
    the compiling through the IREE module cache (approxmlir.compiler.iree).
    """

    def __init__(self, factory: str, cache_path: os.PathLike, factory_kwargs: Optional[dict] = None,
                 start_timeout: float = 1800.0, workers: int = 1):
        if workers < 1:
            raise ValueError(f"the LLM service needs at least one worker, got {workers}")
        self._dir = tempfile.TemporaryDirectory(prefix="approx-llm-")
        self.addresses = tuple(os.path.join(self._dir.name, f"worker{i}.socket") for i in range(workers))
        self.authkey = secrets.token_bytes(16)
        self.cache_path = str(cache_path)
        # Create the memo (and switch it to WAL) before the workers open it: two
        # workers switching a new database's journal mode at once fail with
        # "database is locked", which the busy timeout does not cover.
        AnswerCache(self.cache_path)
        self._processes: list = []
        context = multiprocessing.get_context("spawn")
        ready = []
        for address in self.addresses:
            parent, child = context.Pipe()
            process = context.Process(
                target=_serve, args=(address, self.authkey, factory, dict(factory_kwargs or {}),
                                     self.cache_path, child), daemon=True)
            process.start()
            self._processes.append((address, process))
            ready.append(parent)
        deadline = time.monotonic() + start_timeout
        for parent in ready:
            if not parent.poll(max(0.0, deadline - time.monotonic())):
                self.close()
                raise TimeoutError(f"the LLM service did not start within {start_timeout:.0f} s")
            status = parent.recv()
            if status != "ok":
                self.close()
                raise RuntimeError(f"the LLM service could not load its models: {status}")

    def client(self) -> "LLMClient":
        return LLMClient(self.addresses, self.authkey, self.cache_path)

    def close(self) -> None:
        for address, process in self._processes:
            if process.is_alive():
                try:
                    with multiprocessing.connection.Client(address, family="AF_UNIX",
                                                           authkey=self.authkey) as connection:
                        connection.send("stop")
                except OSError:
                    pass
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()
        self._dir.cleanup()

    def __enter__(self) -> "LLMService":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclasses.dataclass(frozen=True)
class LLMClient:
    addresses: tuple[str, ...]
    authkey: bytes
    cache_path: str
    poll_seconds: float = 0.005

    def answer(self, variant: str, question: str, passage: str) -> Answer:
        found = self._cache().get(variant, question, passage)
        if found is not None:
            return found
        while True:
            for address in self.addresses:
                reply = self._ask_if_free(address, (variant, question, passage))
                if reply is not None:
                    if isinstance(reply, Exception):
                        raise reply
                    return reply
            time.sleep(self.poll_seconds)

    def _ask_if_free(self, address: str, request: tuple) -> Any:
        """The worker's reply, or None when another request holds the worker."""
        with open(f"{address}.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            with multiprocessing.connection.Client(address, family="AF_UNIX", authkey=self.authkey) as connection:
                connection.send(request)
                return connection.recv()

    def _cache(self) -> AnswerCache:
        # One SQLite connection per process: a connection must not cross a fork.
        caches = _CLIENT_CACHES.setdefault(os.getpid(), {})
        if self.cache_path not in caches:
            caches[self.cache_path] = AnswerCache(self.cache_path)
        return caches[self.cache_path]


_CLIENT_CACHES: dict[int, dict[str, AnswerCache]] = {}
