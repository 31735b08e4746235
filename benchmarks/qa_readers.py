"""`bazel run //benchmarks:qa_readers`: the QA model variants side by side in the bm25 RAG system.

Runs LLM + RAG (bm25) with exact retrieval and the QA model selection knob
fixed to one variant at a time (approxbench.rag.QA_VARIANTS) on the first
--questions questions of the evaluation split, and prints each variant's
accuracy (eq. 1), time per question and speedup over the exact variant.
Answers are memoized in --output_dir (as in bm25_rag_tune, whose memo can be
reused: copy its llm_answers.sqlite there).
"""

import logging
import os
import pathlib

from absl import app, flags

from approxbench import rag
from approxmlir.compound import ModelService

QUESTIONS = flags.DEFINE_integer(
    "questions",
    100,
    "Questions of the evaluation split (rounded down to a multiple of 5, which it is of the tuning split).",
)
LLM_WORKERS = flags.DEFINE_integer("llm_workers", 2, "LLM server processes (one thread each).")
OUTPUT_DIR = flags.DEFINE_string("output_dir", "approxmlir-qa_readers", "Answer memo and IREE cache.")
PRECISION = flags.DEFINE_enum(
    "precision",
    "float32",
    ["float32", "bfloat16", "int8"],
    "Weight precision of every reader (the variants named <reader>-<precision>).",
)


def main(argv):
    del argv
    logging.getLogger().setLevel(logging.INFO)
    out = pathlib.Path(os.environ.get("BUILD_WORKING_DIRECTORY", ".")) / OUTPUT_DIR.value
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if PRECISION.value == "float32" else f"-{PRECISION.value}"
    variants = {decision: name + suffix for decision, name in rag.QA_VARIANTS.items()}
    with ModelService(
        "approxmlir.compound.models:qa_readers",
        out / "llm_answers.sqlite",
        factory_kwargs={"cache_dir": str(out / "iree-cache"), "variants": tuple(variants.values())},
        workers=LLM_WORKERS.value,
    ) as service:
        # The evaluation split is 5x the tuning split; ask for the questions it should have.
        system = rag.RagSystem(
            "bm25",
            service.client(),
            tune_questions=max(1, QUESTIONS.value // 5),
            cache_dir=str(out / "build-cache"),
            llm_workers=LLM_WORKERS.value,
            qa_variants=variants,
        )
        rows = []
        for decision, name in variants.items():
            config = {rag.QA_KNOB: {"transform": "func_substitute", "decisions": [decision]}}
            ms, accuracy, _ = system(config, "eval")
            rows.append((name, ms, accuracy))
            logging.info("%s: %.0f ms per question, accuracy %.3f", name, ms, accuracy)
    exact_ms, exact_accuracy = rows[0][1], rows[0][2]
    print(f"bm25 RAG, exact retrieval, {len(system.questions('eval'))} evaluation questions:")
    print(f"{'variant':<22}{'accuracy':>10}{'ms/question':>14}{'speedup':>10}{'loss':>8}")
    for name, ms, accuracy in rows:
        print(f"{name:<22}{accuracy:>10.3f}{ms:>14.0f}{exact_ms / ms:>9.2f}x{exact_accuracy - accuracy:>+8.2f}")
    return 0


if __name__ == "__main__":
    app.run(main)
