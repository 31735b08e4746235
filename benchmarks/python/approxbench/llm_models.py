"""The compound systems' LLM variants: Gemma 3 270M (approxmlir.ml), "pro" and "fast".

`gemma3_variants` is the LLM service's factory (approxbench/llm_service.py):
it runs in the service process, loads the packaged GGUF once and returns a
`approxmlir.ml.qa.QAModel` per variant (question, passage -> short answer).
Generation is greedy, through IREE by default (artifacts cached in
`cache_dir`).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Optional

from approxmlir.ml import qa
from approxmlir.ml.gguf_loader import load_gguf, packaged_gguf_path
from approxmlir.ml.tokenizer import GemmaTokenizer

_LOG = logging.getLogger(__name__)


def gemma3_variants(cache_dir: Optional[str] = None, backend: str = "iree",
                    variants: tuple[str, ...] = ("pro", "fast")) -> dict[str, qa.QAModel]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    path = packaged_gguf_path()
    config, params = load_gguf(path)
    tokenizer = GemmaTokenizer.from_gguf(path)
    _LOG.info("loaded %s (%d layers); variants %s on %s", path.name, config.num_layers, variants, backend)
    models = {name: qa.QAModel(config, params, tokenizer, name, backend=backend, iree_cache_dir=cache_dir)
              for name in variants}
    for name, model in models.items():
        # Compile every prefill bucket and the decode step now: generation
        # times are measured (and memoized), and must not include compiling.
        if hasattr(model.engine, "warm_up"):
            start = time.perf_counter()
            model.engine.warm_up()
            model.answer("What is the capital of France?", "Paris is the capital of France.")  # first touch
            _LOG.info("%s: compiled and loaded in %.1f s", name, time.perf_counter() - start)
    return models
