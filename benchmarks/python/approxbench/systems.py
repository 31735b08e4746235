"""The compound systems of `//benchmarks`: LLM + RAG (bm25, kb) and LLM + tool invocation.

What the tune targets (`<system>_tune`, rag_tune.py), the run targets
(`<system>`, system_run.py) and the Bazel build of a system's native library
(build_system_library.py) share: the systems by name, and the model service
that answers them (its factory, its variants and its answer memo in the
output directory, so that a run after a tuning run replays the tuning run's
memoized answers; the compiled engines and their weight archives, 4.5 GB,
in the user's IREE cache, so that a fresh output directory does not compile
them again).
"""

from __future__ import annotations

import pathlib
from typing import Optional, Union

from approxbench import rag, tool_system
from approxmlir.compiler.iree import default_cache_dir
from approxmlir.compound import ModelClient, ModelService

SYSTEMS = ("bm25_rag", "kb_rag", "tools")
FACTORIES = {
    "bm25_rag": "approxmlir.compound.models:qa_readers",
    "kb_rag": "approxmlir.compound.models:qa_readers",
    "tools": "approxbench.agents:tool_agents",
}
MODEL_VARIANTS = {"bm25_rag": rag.MODEL_VARIANTS, "kb_rag": rag.MODEL_VARIANTS, "tools": tool_system.MODEL_VARIANTS}
MEMO_NAME = "llm_answers.sqlite"

System = Union[rag.RagSystem, tool_system.ToolSystem]


def new_system(
    name: str,
    models: Optional[ModelClient],
    questions: int = 20,
    cache_dir: Optional[str] = None,
    llm_workers: int = 1,
) -> System:
    """The system `name` with nothing computed yet (its pipeline needs no models: `models` may be None)."""
    if name not in SYSTEMS:
        raise ValueError(f"unknown compound system {name!r} (have {', '.join(SYSTEMS)})")
    if name == "tools":
        return tool_system.ToolSystem(models, tune_questions=questions, cache_dir=cache_dir, llm_workers=llm_workers)
    return rag.RagSystem(
        name.removesuffix("_rag"), models, tune_questions=questions, cache_dir=cache_dir, llm_workers=llm_workers
    )


def make_system(name: str, models: ModelClient, questions: int, cache_dir: str, llm_workers: int) -> System:
    """`new_system`, with what its evaluations share computed before they fork."""
    system = new_system(name, models, questions, cache_dir, llm_workers)
    if isinstance(system, tool_system.ToolSystem):
        for split in ("tune", "eval"):
            system.questions(split)  # gold answers from the exact kernels, once, before evaluations fork
    return system


def model_service(
    name: str, out: pathlib.Path, workers: int, backend: str = "local", address: Optional[str] = None
) -> ModelService:
    """The model service of system `name`: its answer memo in `out`; its engines in the user's IREE
    cache (content-addressed, like the GGUF files in ~/.cache/approxmlir; $APPROXMLIR_IREE_CACHE_DIR)."""
    return ModelService(
        FACTORIES[name],
        out / MEMO_NAME,
        factory_kwargs={"cache_dir": str(default_cache_dir()), "variants": MODEL_VARIANTS[name]},
        workers=workers,
        backend=backend,
        address=address,
    )
