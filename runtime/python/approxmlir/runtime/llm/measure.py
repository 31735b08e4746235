"""Measures the numbers in this package's README.md: load, compile, JAX vs IREE speed, QA accuracy and time.

    XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" \
        python -m approxmlir.runtime.llm.measure --out /tmp/ml_measure.json

Single-threaded on both sides (IREE local-sync, XLA one thread) so that the
ratios hold on a shared 2-core machine. Compile times are measured into a
fresh cache directory unless --iree-cache-dir is given.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import tempfile
import time
from typing import Any

import numpy as np

from approxmlir.frontends.llm import gguf_loader, qa
from approxmlir.frontends.llm.decoder import DecoderModel
from approxmlir.frontends.llm.gguf_loader import GEMMA3_270M
from approxmlir.frontends.llm.tokenizer import GGUFTokenizer
from approxmlir.runtime.llm.generation import JaxDecoder
from approxmlir.runtime.llm.iree_backend import IreeDecoder

log = logging.getLogger(__name__)

_TEXT = (
    "The history of the city goes back to a small fishing village on the river, which grew into a "
    "market town in the middle ages and became an industrial centre in the nineteenth century. "
)


def _speed(engine, prompt: list[int], new_tokens: int, repeats: int) -> dict[str, float]:
    engine.generate(prompt, new_tokens)  # warm: compile/jit, first touch of the weights
    prefill, decode = [], []
    for _ in range(repeats):
        result = engine.generate(prompt, new_tokens)
        prefill.append(result.prefill_seconds)
        decode.append(result.decode_seconds / max(result.decode_steps, 1))
    return {
        "prompt_tokens": len(prompt),
        "prefill_seconds": float(np.median(prefill)),
        "prefill_tokens_per_second": len(prompt) / float(np.median(prefill)),
        "decode_seconds_per_token": float(np.median(decode)),
        "decode_tokens_per_second": 1.0 / float(np.median(decode)),
        "tokens": result.tokens,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--iree-cache-dir", help="default: a fresh temporary directory")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-qa", action="store_true")
    parser.add_argument("--variants", nargs="*",
                        default=sorted(name for name, v in qa.VARIANTS.items() if v.model == GEMMA3_270M))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    cache_dir = args.iree_cache_dir or tempfile.mkdtemp(prefix="approxmlir-iree-")
    results: dict[str, Any] = {"iree_cache_dir": cache_dir}

    start = time.perf_counter()
    path = gguf_loader.packaged_gguf_path()
    results["assemble_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    config, params = gguf_loader.load_gguf(path)
    results["gguf_load_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    tokenizer = GGUFTokenizer.from_gguf(path)
    results["tokenizer_load_seconds"] = time.perf_counter() - start

    if not args.skip_speed:
        prompt = tokenizer.encode(_TEXT * 4)[:100]
        model = DecoderModel(config, max_len=512)
        iree = IreeDecoder(model, params, cache_dir=cache_dir, prefill_buckets=(128,))
        iree.warm_up([128])
        results["compile_seconds"] = dict(iree.compile_seconds)
        results["iree"] = _speed(iree, prompt, 32, args.repeats)
        del iree
        results["jax"] = _speed(JaxDecoder(model, params, prefill_buckets=(128,)), prompt, 32, args.repeats)
        results["same_tokens"] = results["iree"]["tokens"] == results["jax"]["tokens"]

    if not args.skip_qa:
        items = qa.load_eval_set()
        results["qa"] = {}
        for name in args.variants:
            model = qa.QAModel(config, params, tokenizer, name, backend="iree", iree_cache_dir=cache_dir)
            compile_before = dict(model.engine.compile_seconds)
            report = qa.evaluate(model, items[:2])  # warm-up: compiles the prefill bucket(s)
            report = qa.evaluate(model, items)
            results["qa"][name] = {
                "variant": dataclasses.asdict(qa.VARIANTS[name]),
                "compile_seconds": {**compile_before, **model.engine.compile_seconds},
                **{k: v for k, v in dataclasses.asdict(report).items()},
                "accuracy": report.accuracy,
            }
            del model
    text = json.dumps(results, indent=1)
    if args.out:
        with open(args.out, "w") as file:
            file.write(text)
    print(text)
    return results


if __name__ == "__main__":
    main()
