"""The compound systems' LLM variants: Gemma 3 270M (approxmlir.ml), "pro" and "fast".

`gemma3_variants` is the LLM service's factory (approxbench/llm_service.py):
it runs in the service process, loads the packaged GGUF once and returns a
text-in, text-out generator per variant. Generation is greedy, through IREE
by default (artifacts cached in `cache_dir`), one short answer line.
"""

from __future__ import annotations

import logging
import os
from typing import Optional

from approxmlir.ml import qa
from approxmlir.ml.gguf_loader import load_gguf, packaged_gguf_path
from approxmlir.ml.tokenizer import GemmaTokenizer

_LOG = logging.getLogger(__name__)


class PromptGenerator:
    """A QA model variant answering a complete prompt (approxmlir.ml.qa.build_prompt)."""

    def __init__(self, model: qa.QAModel):
        self.model = model

    def generate(self, prompt: str) -> str:
        ids = self.model.tokenizer.encode(prompt)
        result = self.model.engine.generate(ids, qa.MAX_ANSWER_TOKENS, self.model.stop_ids)
        return self.model.tokenizer.decode(result.tokens).split("\n", 1)[0].strip()


def gemma3_variants(cache_dir: Optional[str] = None, backend: str = "iree",
                    variants: tuple[str, ...] = ("pro", "fast")) -> dict[str, PromptGenerator]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    path = packaged_gguf_path()
    config, params = load_gguf(path)
    tokenizer = GemmaTokenizer.from_gguf(path)
    _LOG.info("loaded %s (%d layers); variants %s on %s", path.name, config.num_layers, variants, backend)
    return {name: PromptGenerator(qa.QAModel(config, params, tokenizer, name, backend=backend,
                                             iree_cache_dir=cache_dir))
            for name in variants}
