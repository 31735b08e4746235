"""TorchScript export (what `libapprox_ml` loads) and its inference cost."""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import time
import warnings
from collections.abc import Iterator
from typing import Any

import torch

from approxmlir.surrogates.models import Surrogate

# Extra file inside the .pt archive: shapes and provenance, for tools (the
# runtime's torch::jit::load ignores it unless asked).
METADATA_FILE = "approxmlir.json"


@contextlib.contextmanager
def _torchscript() -> Iterator[None]:
    """Silences torch's "torch.jit.* is deprecated" warnings: TorchScript is
    the format the C++ runtime's `torch::jit::load` reads, a deliberate choice
    rather than something callers could act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.", category=DeprecationWarning)
        yield


def script(model: Surrogate) -> torch.jit.ScriptModule:
    """The model in eval mode, compiled by `torch.jit.script` (no tracing, so
    no shape is baked in: any leading dims work)."""
    with _torchscript():
        return torch.jit.script(model.eval())


def to_bytes(model: Surrogate, metadata: dict[str, Any] | None = None) -> bytes:
    """The serialized TorchScript archive (as `torch.jit.save` writes it)."""
    buffer = io.BytesIO()
    extra = {METADATA_FILE: json.dumps(metadata or {}, sort_keys=True)}
    module = script(model)
    with _torchscript():
        torch.jit.save(module, buffer, _extra_files=extra)
    return buffer.getvalue()


def from_bytes(data: bytes) -> torch.jit.ScriptModule:
    with _torchscript():
        return torch.jit.load(io.BytesIO(data), map_location="cpu")


def save(model: Surrogate, path: str | os.PathLike[str], metadata: dict[str, Any] | None = None) -> None:
    write_bytes(to_bytes(model, metadata), path)


def write_bytes(data: bytes, path: str | os.PathLike[str]) -> None:
    """Writes through a temporary file and a rename, so that a runtime
    loading the model never sees a half-written archive."""
    path = os.fspath(path)
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def load_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    extra = {METADATA_FILE: ""}
    with _torchscript():
        torch.jit.load(os.fspath(path), map_location="cpu", _extra_files=extra)
    return json.loads(extra[METADATA_FILE] or "{}")


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Sets torch's intra-op thread count for the block, then restores it
    (the setting is process-wide)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def inference_seconds_per_row(
    module: torch.nn.Module,
    batch: torch.Tensor,
    runs: int = 5,
    warmup: int = 3,
    min_run_seconds: float = 0.005,
) -> float:
    """Median over `runs` of the seconds per row of `module(batch)`, on one thread.

    One thread because that is the comparison that matters on a shared
    2-core machine (and keeps timings independent of the other core's load).
    The warm-up calls let TorchScript's profiling executor specialise the
    graph; each run repeats the call until it lasts `min_run_seconds`, so
    that tiny models are not measured at the timer's resolution; the median
    discards runs hit by a context switch.
    """
    if batch.ndim < 1 or batch.numel() == 0:
        raise ValueError("the timing batch is empty")
    rows = batch.numel() // batch.shape[-1]
    with torch_threads(1), torch.inference_mode():
        start = time.perf_counter()
        for _ in range(warmup):
            module(batch)
        per_call = (time.perf_counter() - start) / max(1, warmup)
        repeats = max(1, int(min_run_seconds / max(per_call, 1e-9)))
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            for _ in range(repeats):
                module(batch)
            samples.append((time.perf_counter() - start) / repeats)
    return statistics.median(samples) / rows
