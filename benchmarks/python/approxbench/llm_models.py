"""The compound systems' LLM variants (approxmlir.frontends.llm.qa.VARIANTS): Qwen2.5 0.5B and Gemma 3 270M readers.

`qa_variants` is the LLM service's factory (approxbench/llm_service.py): it
runs in the service process, loads each packaged GGUF the variants need once
and returns an `approxmlir.frontends.llm.qa.QAModel` per variant (question, passage ->
short answer). Generation is greedy, through IREE by default (artifacts
cached in `cache_dir`).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Optional

from approxmlir.frontends.llm import qa
from approxmlir.frontends.llm.gguf_loader import load_gguf, packaged_gguf_path
from approxmlir.frontends.llm.tokenizer import GGUFTokenizer
from approxmlir.runtime.llm.iree_backend import IreeDecoder, warm_up_engines

_LOG = logging.getLogger(__name__)


def qa_variants(cache_dir: Optional[str] = None, backend: str = "iree",
                variants: tuple[str, ...] = ("pro", "fast")) -> dict[str, qa.QAModel]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    unknown = sorted(set(variants) - set(qa.VARIANTS))
    if unknown:
        raise ValueError(f"unknown QA variants {unknown}; choose from {sorted(qa.VARIANTS)}")
    loaded = {}
    for model_name in dict.fromkeys(qa.VARIANTS[name].model for name in variants):
        path = packaged_gguf_path(model_name)
        config, params = load_gguf(path)
        loaded[model_name] = (config, params, GGUFTokenizer.from_gguf(path))
        _LOG.info("loaded %s (%d layers)", path.name, config.num_layers)
    models: dict[str, qa.QAModel] = {}
    engines: dict[tuple, object] = {}  # variants that differ only in their prompt share an engine
    for name in variants:
        variant = qa.VARIANTS[name]
        models[name] = qa.QAModel(*loaded[variant.model], name, backend=backend, iree_cache_dir=cache_dir,
                                  shared_engine=engines.get(variant.engine_key))
        engines.setdefault(variant.engine_key, models[name].engine)
    # Compile (or load) every engine's module now: generation times are
    # measured (and memoized), and must not include compiling. All engines
    # at once, so that the compiler keeps every core busy.
    iree_engines = [e for e in engines.values() if isinstance(e, IreeDecoder)]
    start = time.perf_counter()
    warm_up_engines(iree_engines)
    for name, model in models.items():
        model.answer("What is the capital of France?", "Paris is the capital of France.")  # first touch
    _LOG.info("compiled and loaded %d engines for %d variants in %.1f s", len(iree_engines), len(models),
              time.perf_counter() - start)
    return models
