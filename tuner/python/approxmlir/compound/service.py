"""ModelService: the memoizing model service, on local worker processes or a Dask cluster.

    with ModelService("my_models:load", "answers.sqlite", workers=2) as service:
        client = service.client()         # picklable: pass it to evaluations
        client.answer(Request("fast", "Who wrote Hamlet?", passage))

Every answer is memoized with the seconds its generation measured (memo.py);
only requests missing from the memo reach a worker.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Protocol

from approxmlir.compound.dask_workers import DaskClient, DaskWorkers
from approxmlir.compound.generators import Factory, factory_name
from approxmlir.compound.local_workers import LocalClient, LocalWorkers
from approxmlir.compound.memo import Answer, AnswerMemo, Request

BACKENDS = ("local", "dask")


class ModelClient(Protocol):
    """What evaluations use: a memoized answer to a request."""

    def answer(self, request: Request) -> Answer: ...


class ModelService:
    """Starts the model workers; `client()` objects may be used from threads and forked evaluations.

    `factory` ("module:function" or such a function) gets `factory_kwargs`
    and returns {variant name: Generator}; it runs in the workers only.
    `backend` "local" spawns `workers` processes on this machine (the
    workers start side by side, so their model loading and compiling
    overlap); "dask" loads the models on the workers of the Dask cluster at
    `address`, or of a LocalCluster of `workers` workers on localhost.
    A request waits at most `request_timeout` seconds for a free worker.
    """

    def __init__(
        self,
        factory: Factory,
        memo: os.PathLike,
        *,
        factory_kwargs: Optional[Mapping[str, Any]] = None,
        workers: int = 1,
        backend: str = "local",
        address: Optional[str] = None,
        start_timeout: float = 1800.0,
        request_timeout: float = 3600.0,
    ):
        if backend not in BACKENDS:
            raise ValueError(f"unknown model service backend {backend!r} (choose from {', '.join(BACKENDS)})")
        if workers < 1:
            raise ValueError(f"the model service needs at least one worker, got {workers}")
        if address is not None and backend != "dask":
            raise ValueError("an address is for the dask backend; the local one uses local sockets only")
        self.factory = factory_name(factory)
        self.factory_kwargs = dict(factory_kwargs or {})
        self.memo_path = os.path.abspath(memo)  # evaluations run in their own working directories
        self.backend = backend
        self.request_timeout = request_timeout
        # Create the memo (and switch it to WAL) before anyone else opens it:
        # two processes switching a new database's journal mode at once fail.
        AnswerMemo(self.memo_path)
        if backend == "local":
            self.workers: Any = LocalWorkers(self.factory, self.factory_kwargs, workers, start_timeout)
        else:
            self.workers = DaskWorkers(self.factory, self.factory_kwargs, workers, address)

    def client(self) -> ModelClient:
        if self.backend == "local":
            return LocalClient(self.workers.addresses, self.workers.authkey, self.memo_path, self.request_timeout)
        return DaskClient(
            self.workers.scheduler_address, self.factory, self.factory_kwargs, self.memo_path, self.request_timeout
        )

    def close(self) -> None:
        self.workers.close()

    def __enter__(self) -> "ModelService":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
