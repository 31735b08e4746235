"""Model factories for the model service: the QA readers of approxmlir.frontends.llm.qa.

`qa_readers` runs in the service's workers: it loads each GGUF file the
variants need once and returns an `approxmlir.frontends.llm.qa.QAModel` per
variant (question, passage -> short answer), generating greedily through
IREE by default (artifacts cached in `cache_dir`). Needs the `ml` extra.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import Mapping, Optional, Sequence

_LOG = logging.getLogger(__name__)


def qa_readers(
    variants: Sequence[str] = ("pro", "fast"),
    *,
    cache_dir: Optional[str] = None,
    backend: str = "iree",
    model_files: Optional[Mapping[str, str]] = None,
) -> dict:
    """{variant: QAModel} for `variants` (names in approxmlir.frontends.llm.qa.VARIANTS).

    `model_files` maps a model name (e.g. "gemma3-270m") to a GGUF file to
    use instead of the packaged one (a fine-tuned or a tiny test model).
    """
    from approxmlir.frontends.llm import qa  # pylint: disable=import-outside-toplevel
    from approxmlir.frontends.llm.gguf_loader import load_gguf, packaged_gguf_path  # pylint: disable=import-outside-toplevel
    from approxmlir.frontends.llm.tokenizer import GGUFTokenizer  # pylint: disable=import-outside-toplevel
    from approxmlir.runtime.llm.iree_backend import IreeDecoder, warm_up_engines  # pylint: disable=import-outside-toplevel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    unknown = sorted(set(variants) - set(qa.VARIANTS))
    if unknown:
        raise ValueError(f"unknown QA variants {unknown}; choose from {sorted(qa.VARIANTS)}")
    files = dict(model_files or {})
    models: dict[str, qa.QAModel] = {}
    engines: dict[tuple, object] = {}  # variants that differ only in their prompt share an engine
    start = time.perf_counter()
    # One model at a time, and one worker at a time: a model's float32 weights
    # (7 GB for Qwen 1.5B) live only until its engines hold their own
    # precision's copy (a memory-mapped parameter archive once warmed up;
    # loading Qwen 1.5B beside a loaded worker ran out of 24 GB otherwise), so
    # workers starting side by side do not add their loading peaks. The
    # second worker finds the modules compiled.
    with _loading_lock(cache_dir):
        for model_name in dict.fromkeys(qa.VARIANTS[name].model for name in variants):
            path = files.get(model_name) or packaged_gguf_path(model_name)
            config, params = load_gguf(path)
            tokenizer = GGUFTokenizer.from_gguf(path)
            _LOG.info("loaded %s (%d layers)", os.path.basename(path), config.num_layers)
            for name in (n for n in variants if qa.VARIANTS[n].model == model_name):
                variant = qa.VARIANTS[name]
                models[name] = qa.QAModel(
                    config,
                    params,
                    tokenizer,
                    name,
                    backend=backend,
                    iree_cache_dir=cache_dir,
                    shared_engine=engines.get(variant.engine_key),
                )
                engines.setdefault(variant.engine_key, models[name].engine)
            # The engines hold their own precision's weights: the float32 copy can go before the
            # modules are loaded (which packs the weights once more).
            del params
            # Compile (or load) the engines now: generation times are measured
            # (and memoized), and must not include compiling. All of the
            # model's engines at once, so that the compiler keeps every core busy.
            warm_up_engines([e for e in engines.values() if isinstance(e, IreeDecoder)])
    for model in models.values():
        model.answer("What is the capital of France?", "Paris is the capital of France.")  # first touch
    _LOG.info(
        "compiled and loaded %d engines for %d variants in %.1f s",
        len(engines),
        len(models),
        time.perf_counter() - start,
    )
    return models


def _loading_lock(cache_dir: Optional[str]):
    """A lock that the workers sharing `cache_dir` take while loading (none without a cache directory)."""
    if cache_dir is None:
        return contextlib.nullcontext()
    import filelock  # pylint: disable=import-outside-toplevel

    os.makedirs(cache_dir, exist_ok=True)
    return filelock.FileLock(os.path.join(cache_dir, "loading.lock"))
