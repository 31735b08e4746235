"""The flags of the compound-system binaries (`<system>_tune`, `<system>`) and what they select."""

from __future__ import annotations

import os
import pathlib

from absl import flags

from approxbench import systems
from approxmlir.compound import ModelService

SYSTEM = flags.DEFINE_enum(
    "system",
    "bm25_rag",
    systems.SYSTEMS,
    "The compound system: LLM + RAG with bm25 or kb retrieval, or LLM + tool invocation.",
)
QUESTIONS = flags.DEFINE_integer(
    "tune_questions", 60, "Questions of the tuning split (evaluation: 5x; the data set has 69 and 349)."
)
LLM_WORKERS = flags.DEFINE_integer(
    "llm_workers",
    2,
    "LLM server processes, each generating one answer at a time "
    "on one thread; the RAG systems send them that many questions at once.",
)
MODEL_SERVICE = flags.DEFINE_enum(
    "model_service",
    "local",
    ["local", "dask"],
    "Where the model workers run: spawned local processes, or a Dask cluster (--dask_address, or a LocalCluster of "
    "--llm_workers workers on localhost).",
)
DASK_ADDRESS = flags.DEFINE_string("dask_address", None, "Scheduler of an existing Dask cluster for the models.")
OUTPUT_DIR = flags.DEFINE_string(
    "output_dir",
    None,
    "Where to write results, the answer memo and the caches (default: approxmlir-<system>, "
    "shared by the system's tune and run targets).",
)


def output_dir() -> pathlib.Path:
    """--output_dir (relative to where `bazel run` was called), created."""
    base = pathlib.Path(os.environ.get("BUILD_WORKING_DIRECTORY", "."))
    out = base / (OUTPUT_DIR.value or f"approxmlir-{SYSTEM.value}")
    out.mkdir(parents=True, exist_ok=True)
    return out


def model_service(out: pathlib.Path) -> ModelService:
    """The selected system's model service with the flags' workers and backend."""
    return systems.model_service(SYSTEM.value, out, LLM_WORKERS.value, MODEL_SERVICE.value, DASK_ADDRESS.value)


def make_system(service: ModelService, out: pathlib.Path) -> systems.System:
    """The selected system, answered by `service`, building in `out`."""
    return systems.make_system(
        SYSTEM.value, service.client(), QUESTIONS.value, str(out / "build-cache"), LLM_WORKERS.value
    )
