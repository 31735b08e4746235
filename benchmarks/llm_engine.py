"""`bazel run //benchmarks:llm_engine`: the LLM engine (IREE) against XLA, per model and weight precision.

Every measurement runs in a child process pinned to one core (the same core
for all, one after another): XLA's thread flags alone still let it use both
cores. Per model (Qwen2.5-Coder 0.5B, Gemma 3 270M) and engine/precision
(XLA float32, the baseline; IREE float32, bfloat16, int8):
- prefill tokens/s on a --prompt_tokens prompt (best of 3) and decode
  tokens/s (best of 3 runs of --new_tokens greedy tokens), both without
  prefix reuse: the engine's raw speed;
- memory: the process's resident set once the engine is ready, less the
  loaded float32 GGUF weights' process (and its peak);
- agreement with IREE float32 on a fixed prompt set (the gold-passage QA
  prompts): max |logit difference| of the prompt's next-token logits, and
  how many greedy continuations of --new_tokens are identical;
- QA accuracy on the 22-question gold-passage set (IREE engines, prefix
  reuse on, as the compound systems run them) and seconds per answer.
Prints the table with ratios to XLA float32 and writes it (JSON, Markdown)
to --output_dir.
"""

from __future__ import annotations

import json
import logging
import os
import pathlib
import subprocess
import sys
import time

from absl import app, flags

MODELS = flags.DEFINE_list("models", ["qwen2.5-coder-0.5b", "gemma3-270m"], "Packaged models.")
RUNS = flags.DEFINE_list(
    "runs",
    ["xla:float32", "iree:float32", "iree:bfloat16", "iree:int8"],
    "engine:precision pairs; XLA float32 is the baseline of the ratios.",
)
PROMPT_TOKENS = flags.DEFINE_integer("prompt_tokens", 300, "Prompt length of the speed runs.")
NEW_TOKENS = flags.DEFINE_integer("new_tokens", 16, "Greedy tokens per continuation.")
QA = flags.DEFINE_bool("qa", True, "QA accuracy on the gold-passage set (IREE engines).")
BATCH = flags.DEFINE_integer("batch", 8, "Sequences per batched decode step (IREE engines).")
CORE = flags.DEFINE_integer("core", 0, "The core every child process is pinned to.")
OUTPUT_DIR = flags.DEFINE_string("output_dir", "approxmlir-llm_engine", "Results and the IREE module cache.")
CHILD = flags.DEFINE_string("child", None, "Internal: run one measurement (JSON spec).")

# The QA variant of each model that runs the whole model (all layers, whole vocabulary).
QA_VARIANT = {"qwen2.5-coder-1.5b": "qwen-1.5b", "qwen2.5-coder-0.5b": "qwen", "gemma3-270m": "pro"}


def _rss_gb() -> float:
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9


def measure(spec: dict) -> dict:
    """One engine at one precision, in this (pinned) process."""
    import resource

    import numpy as np

    from approxmlir.frontends.llm import gguf_loader, precision, qa
    from approxmlir.frontends.llm.decoder import DecoderModel
    from approxmlir.frontends.llm.tokenizer import GGUFTokenizer
    from approxmlir.runtime.llm.generation import JaxDecoder
    from approxmlir.runtime.llm.iree_backend import IreeDecoder, PrefixStore

    path = gguf_loader.packaged_gguf_path(spec["model"])
    config, params = gguf_loader.load_gguf(path)
    tokenizer = GGUFTokenizer.from_gguf(path)
    params = precision.convert_params(params, spec["precision"])
    model = DecoderModel(config, max_len=512)
    items = qa.load_eval_set()
    speed_prompt = tokenizer.encode(" ".join(item.passage for item in items))[: spec["prompt_tokens"]]
    before = _rss_gb()

    start = time.perf_counter()
    if spec["engine"] == "iree":
        engine = IreeDecoder(model, params, cache_dir=spec["cache_dir"], prefix_reuse=False, batch=spec["batch"])
        engine.warm_up()
    else:
        engine = JaxDecoder(model, params, prefill_buckets=(len(speed_prompt), 512))
        engine.generate(speed_prompt, 2)  # jit-compiles prefill and decode
    del params
    setup_seconds = time.perf_counter() - start
    variant = f"{QA_VARIANT[spec['model']]}-{spec['precision']}".removesuffix("-float32")
    reader = qa.QAModel(config, None, tokenizer, variant, shared_engine=engine)
    prompts = [tokenizer.encode(reader.prompt(item.question, item.passage)) for item in items]
    runs = [engine.generate(speed_prompt, spec["new_tokens"]) for _ in range(3)]
    ready = _rss_gb()
    result = {
        **spec,
        "setup_seconds": setup_seconds,
        "prefill_tokens_per_second": len(speed_prompt) / min(r.prefill_seconds for r in runs),
        "decode_tokens_per_second": max(r.decode_steps / r.decode_seconds for r in runs),
        "engine_memory_gb": ready - before,
        "peak_memory_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
        "weights_memory_gb": before,
        "prompt_set": len(prompts),
    }
    logits, continuations = [], []
    for ids in prompts:
        logits.append(np.asarray(engine.prefill(ids)[0], np.float32))
        continuations.append(engine.generate(ids, spec["new_tokens"]).tokens)
    np.save(
        pathlib.Path(spec["out"]) / f"logits_{spec['model']}_{spec['engine']}_{spec['precision']}.npy", np.stack(logits)
    )
    result["continuations"] = continuations
    if spec["engine"] == "iree" and spec["batch"] > 1:
        batch = prompts[: spec["batch"]]
        together = engine.generate_batch(batch, spec["new_tokens"])
        same_tokens = [r.tokens for r in together] == continuations[: len(batch)]
        steps = sum(r.decode_steps for r in together)
        result.update(batch_decode_tokens_per_second=steps / engine.last_batch_seconds, batch_same_tokens=same_tokens)
    if spec["qa"] and spec["engine"] == "iree":
        engine.prefixes = PrefixStore()  # as the compound systems run it
        report = qa.evaluate(reader, items)
        result.update(
            qa_correct=report.correct,
            qa_total=report.total,
            qa_seconds_per_answer=report.seconds_per_answer,
            qa_reused_tokens=engine.reused_tokens,
        )
    return result


def _run_child(spec: dict) -> dict:
    env = dict(
        os.environ,
        XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
        OMP_NUM_THREADS="1",
        HF_HUB_OFFLINE="1",
    )
    command = ["taskset", "-c", str(spec["core"]), sys.executable, sys.argv[0], f"--child={json.dumps(spec)}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{spec['engine']} {spec['precision']} {spec['model']} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _agreement(out: pathlib.Path, model: str, row: dict, reference: dict) -> dict:
    import numpy as np

    ours = np.load(out / f"logits_{model}_{row['engine']}_{row['precision']}.npy")
    theirs = np.load(out / f"logits_{model}_{reference['engine']}_{reference['precision']}.npy")
    same = sum(a == b for a, b in zip(row["continuations"], reference["continuations"]))
    return {"max_logit_diff": float(np.abs(ours - theirs).max()), "identical_continuations": same}


def table(rows: list[dict]) -> str:
    head = (
        "| model | engine | precision | prefill tok/s | vs XLA | decode tok/s | vs XLA | batched decode tok/s "
        "| engine memory GB | max logit diff vs float32 | greedy identical | QA gold set | s/answer |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        qa = f"{r['qa_correct']}/{r['qa_total']}" if "qa_correct" in r else "-"
        seconds = f"{r['qa_seconds_per_answer']:.2f}" if "qa_seconds_per_answer" in r else "-"
        batched = "-"
        if "batch_decode_tokens_per_second" in r:
            batched = f"{r['batch_decode_tokens_per_second']:.1f}" + (
                "" if r["batch_same_tokens"] else " (tokens differ!)"
            )
        lines.append(
            f"| {r['model']} | {r['engine']} | {r['precision']} | {r['prefill_tokens_per_second']:.0f} "
            f"| {r['prefill_ratio']:.2f}x | {r['decode_tokens_per_second']:.1f} | {r['decode_ratio']:.2f}x | {batched} "
            f"| {r['engine_memory_gb']:.2f} | {r['max_logit_diff']:.2g} "
            f"| {r['identical_continuations']}/{r['prompt_set']} | {qa} | {seconds} |"
        )
    return "\n".join(lines)


def main(argv):
    del argv
    if CHILD.value:
        print(json.dumps(measure(json.loads(CHILD.value))))
        return 0
    logging.getLogger().setLevel(logging.INFO)
    out = pathlib.Path(os.environ.get("BUILD_WORKING_DIRECTORY", ".")) / OUTPUT_DIR.value
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for model in MODELS.value:
        measured = []
        for run in RUNS.value:
            engine, precision = run.split(":")
            spec = {
                "model": model,
                "engine": engine,
                "precision": precision,
                "core": CORE.value,
                "prompt_tokens": PROMPT_TOKENS.value,
                "new_tokens": NEW_TOKENS.value,
                "qa": QA.value,
                "batch": BATCH.value,
                "cache_dir": str(out / "iree-cache"),
                "out": str(out),
            }
            start = time.perf_counter()
            measured.append(_run_child(spec))
            (out / f"run_{model}_{engine}_{precision}.json").write_text(json.dumps(measured[-1], indent=1))
            logging.info("%s %s %s measured in %.0f s", model, engine, precision, time.perf_counter() - start)
        # Agreement is against IREE float32, or XLA float32 without it (Qwen 1.5B's float32
        # IREE engine does not fit in memory); ratios are against XLA float32, or IREE float32.
        by_run = {(r["engine"], r["precision"]): r for r in measured}
        exact = by_run.get(("iree", "float32")) or by_run[("xla", "float32")]
        baseline = by_run.get(("xla", "float32")) or exact
        for r in measured:
            r["prefill_ratio"] = r["prefill_tokens_per_second"] / baseline["prefill_tokens_per_second"]
            r["decode_ratio"] = r["decode_tokens_per_second"] / baseline["decode_tokens_per_second"]
            r.update(_agreement(out, model, r, exact))
        rows.extend(measured)
    text = table(rows)
    print(
        f"One core each (taskset -c {CORE.value}), {PROMPT_TOKENS.value}-token prompt, {NEW_TOKENS.value} new tokens, "
        f"batches of {BATCH.value} gold-set prompts; agreement on the {rows[0]['prompt_set']} gold-set prompts:\n{text}"
    )
    (out / "llm_engine.md").write_text(text + "\n")
    (out / "llm_engine.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    app.run(main)
