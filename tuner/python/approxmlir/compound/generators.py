"""Model variants as the model service sees them: generators made by a factory.

A factory is a module-level function, named "module:function", that a
worker process (spawned locally or on a Dask worker) imports and calls with
keyword arguments; it returns {variant name: Generator}.
"""

from __future__ import annotations

import importlib
import time
from typing import Any, Callable, Mapping, Optional, Protocol, Union

from approxmlir.compound.memo import Request
from approxmlir.errors import ApproxError

# A request that failed this many times (its worker died, or its task was lost) fails for good.
MAX_ATTEMPTS = 2


class ModelServiceError(ApproxError, RuntimeError):
    """The model service cannot answer: it did not start, or a request failed twice."""


class Generator(Protocol):
    """What a model variant offers: a short answer to a question given a context.

    A generator that can say how sure it is also offers
    `answer_with_confidence(question, context) -> (answer, confidence)`, e.g.
    the answer tokens' mean log-probability; the service then uses it, and
    the Answer carries the confidence (a cascade's state).
    """

    def answer(self, question: str, context: str) -> str: ...


# "module:function" naming a function that returns {variant name: Generator}.
Factory = Union[str, Callable[..., Mapping[str, Generator]]]


def factory_name(factory: Factory) -> str:
    """`factory` as "module:function", which a spawned or remote worker can import."""
    if isinstance(factory, str):
        module, _, name = factory.partition(":")
        if not module or not name:
            raise ValueError(f"model factory {factory!r} is not 'module:function'")
        return factory
    module, name = getattr(factory, "__module__", None), getattr(factory, "__qualname__", "")
    if not module or module == "__main__" or "<" in name:
        raise ValueError(
            f"model factory {factory!r} must be a module-level function of an importable module "
            "(workers import it by name)"
        )
    return f"{module}:{name}"


def load_generators(factory: str, kwargs: Mapping[str, Any]) -> dict[str, Generator]:
    module, _, name = factory.partition(":")
    generators = dict(getattr(importlib.import_module(module), name)(**kwargs))
    if not generators:
        raise ModelServiceError(f"model factory {factory} returned no model variants")
    return generators


def generate(generators: Mapping[str, Generator], request: Request) -> tuple[str, float, Optional[float]]:
    """(answer, seconds, confidence or None) of one generation."""
    if request.variant not in generators:
        raise ValueError(f"unknown model variant {request.variant!r} (have {sorted(generators)})")
    generator = generators[request.variant]
    start = time.perf_counter()
    if hasattr(generator, "answer_with_confidence"):
        text, confidence = generator.answer_with_confidence(request.question, request.context)
        return text, time.perf_counter() - start, float(confidence)
    text = generator.answer(request.question, request.context)
    return text, time.perf_counter() - start, None
