"""The model service's Dask backend: model variants loaded on Dask workers.

For evaluations that outgrow one machine: each Dask worker loads the models
once (a worker-local cache keyed by the factory) and answers requests sent as
Dask tasks, one at a time per worker thread. Without an address it starts a
LocalCluster that listens on localhost only (approxmlir.tuner.executors'
`connect`, which the tuner's DaskExecutor uses too); with one, it uses that
cluster, whose workers must be able to import the factory's module.

A task whose worker dies is rescheduled by Dask and retried once more on an
error; a request that still fails raises ModelServiceError. The memo stays
with the client (memo.py), so answers survive any worker.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Any, Mapping, Optional

from approxmlir.compound.generators import MAX_ATTEMPTS, ModelServiceError, generate, load_generators
from approxmlir.compound.memo import Answer, Request, open_memo

# On a Dask worker: (factory, kwargs) -> loaded generators.
_LOADED: dict[tuple[str, str], dict] = {}
_LOAD_LOCK = threading.Lock()


def _generators(factory: str, factory_kwargs: Mapping[str, Any]) -> dict:
    key = (factory, repr(sorted(factory_kwargs.items())))
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = load_generators(factory, factory_kwargs)
        return _LOADED[key]


def _load_on_worker(factory: str, factory_kwargs: Mapping[str, Any]) -> list[str]:
    return sorted(_generators(factory, factory_kwargs))


def _generate_on_worker(
    factory: str, factory_kwargs: Mapping[str, Any], request: Request
) -> tuple[str, float, Optional[float]]:
    generators = _generators(factory, factory_kwargs)
    with _LOAD_LOCK:  # one generation at a time per worker: timings stay single-job
        return generate(generators, request)


class DaskWorkers:
    """Model variants on a Dask cluster (started on localhost with `n_workers` when `address` is None)."""

    def __init__(
        self,
        factory: str,
        factory_kwargs: Mapping[str, Any],
        n_workers: int,
        address: Optional[str] = None,
        client: Any = None,
    ):
        from approxmlir.tuner.executors.dask import connect  # pylint: disable=import-outside-toplevel

        self.factory, self.factory_kwargs = factory, dict(factory_kwargs)
        self.connection = connect(address, n_workers, client=client)
        try:
            loaded = self.connection.client.run(_load_on_worker, self.factory, self.factory_kwargs)
        except Exception as error:
            self.close()
            raise ModelServiceError(f"the Dask workers could not load the models: {error}") from error
        if not loaded:
            self.close()
            raise ModelServiceError("the Dask cluster has no workers")

    @property
    def scheduler_address(self) -> str:
        return self.connection.client.scheduler.address

    def close(self) -> None:
        self.connection.close()


# One distributed.Client per process and scheduler: a client must not cross a fork.
_CLIENTS: dict[tuple[int, str], Any] = {}


def _client(address: str) -> Any:
    key = (os.getpid(), address)
    if key not in _CLIENTS:
        import distributed  # pylint: disable=import-outside-toplevel

        _CLIENTS[key] = distributed.Client(address, set_as_default=False)
    return _CLIENTS[key]


@dataclasses.dataclass(frozen=True)
class DaskClient:
    """Sends requests to DaskWorkers; picklable, usable from threads and forked processes."""

    scheduler_address: str
    factory: str
    factory_kwargs: Mapping[str, Any]
    memo_path: str
    request_timeout: float = 3600.0

    def answer(self, request: Request) -> Answer:
        memo = open_memo(self.memo_path)
        found = memo.get(request)
        if found is not None:
            return found
        future = _client(self.scheduler_address).submit(
            _generate_on_worker, self.factory, dict(self.factory_kwargs), request, pure=False, retries=MAX_ATTEMPTS - 1
        )
        try:
            text, seconds, confidence = future.result(timeout=self.request_timeout)
        except (ValueError, TypeError):
            raise  # the request itself is wrong (e.g. an unknown variant)
        except Exception as error:
            raise ModelServiceError(
                f"request to model variant {request.variant!r} failed on the Dask "
                f"cluster: {type(error).__name__}: {error}"
            ) from error
        memo.put(request, text, seconds, confidence)
        return Answer(text, seconds, False, confidence)
