"""Short-answer reading comprehension with a packaged LLM: prompt, answer, score.

A base (not instruction-tuned) model such as Gemma 3 270M answers from a
few-shot completion prompt: worked examples, then the passage and the
question, and "Answer:". An instruction-tuned model (Qwen2.5 0.5B Instruct)
gets the same worked examples as earlier chat turns. The answer is the
greedy continuation up to the first line break (or end of turn), at most 16
tokens.

The variants trade quality for time (see approxmlir/runtime/llm/README.md for the measurements):
- "qwen-1.5b": Qwen2.5-Coder 1.5B Instruct, the most accurate reader;
- "qwen": Qwen2.5-Coder 0.5B Instruct;
- "pro": Gemma 3 270M, the whole model, two worked examples;
- "extractive": Gemma 3 270M, one worked example, answers restricted to the
  prompt's tokens (a ~1000x smaller output projection per decode step);
- "zero-shot": the same without a worked example (a shorter prefill);
- "fast": "extractive" with 17 of the 18 decoder layers (the tool system's
  cheap agents; as a reader it is no cheaper than "zero-shot" and less
  accurate).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from approxmlir.frontends.llm.config import DecoderConfig, Params
from approxmlir.frontends.llm.decoder import DEFAULT_MAX_LEN, DecoderModel, select_layers
from approxmlir.frontends.llm.gguf_loader import GEMMA3_270M, MODEL_ARCHITECTURES
from approxmlir.frontends.llm.precision import BFLOAT16, FLOAT32, INT8, convert_params
from approxmlir.frontends.llm.tokenizer import GGUFTokenizer

# Answers are scored as everywhere in approxmlir: SQuAD normalization (plus
# Unicode punctuation), whole-word containment of a non-empty gold answer.
from approxmlir.qos.qa import contains_answer, normalize_answer  # noqa: F401 (part of this module's API)
from approxmlir.runtime.llm.generation import GenerationResult, JaxDecoder, pad_candidates

log = logging.getLogger(__name__)

MAX_ANSWER_TOKENS = 16
# Room for the distinct tokens of any prompt that fits the 512-position
# cache, plus the 32 line-break tokens and EOS. Scoring 576 rows instead of
# 262,144 costs nothing measurable.
EXTRACTIVE_CANDIDATES = 576

_INSTRUCTION = "Answer each question with a short phrase taken from the context."
_EXAMPLES = (
    (
        "The Amazon River flows through South America and empties into the Atlantic Ocean. "
        "By volume it carries more water than any other river.",
        "Into which ocean does the Amazon River flow?",
        "the Atlantic Ocean",
    ),
    (
        "Marie Curie was a physicist and chemist who did pioneering research on radioactivity. "
        "She was born in Warsaw in 1867 and later moved to Paris.",
        "In which city was Marie Curie born?",
        "Warsaw",
    ),
)


@dataclasses.dataclass(frozen=True)
class QAVariant:
    """A point in the quality/time space: which decoder layers, which prompt, which decoding."""

    name: str
    model: str = GEMMA3_270M  # a gguf_loader.MODEL_NAMES entry
    layers: tuple[int, ...] | None = None  # None: all
    # Generate only tokens that occur in the prompt (and line breaks, EOS):
    # extractive answers, and a ~1000x smaller output projection.
    extractive: bool = False
    shots: int = 2  # worked examples in the prompt
    max_answer_tokens: int = MAX_ANSWER_TOKENS
    chat: bool = False  # an instruction-tuned model: the examples as chat turns
    # The weights' precision (precision.PRECISIONS): float32 is exact,
    # bfloat16 and int8 are approximations of the same model.
    precision: str = FLOAT32

    @property
    def engine_key(self) -> tuple:
        """Variants with equal keys compute the same functions on the same weights."""
        return (self.model, self.layers, self.extractive, self.precision)


VARIANTS = {
    "qwen-1.5b": QAVariant("qwen-1.5b", model="qwen2.5-coder-1.5b", chat=True),
    "qwen": QAVariant("qwen", model="qwen2.5-coder-0.5b", chat=True),
    "pro": QAVariant("pro"),
    # Extractive answers lose nothing on RAG prompts (the gold answer is in
    # the passage, approxmlir/runtime/llm/README.md); fewer worked examples shorten the prefill.
    "extractive": QAVariant("extractive", shots=1, extractive=True),
    "zero-shot": QAVariant("zero-shot", shots=0, extractive=True),
    # Chosen on the QA set (approxmlir/runtime/llm/README.md): one worked example instead of two
    # (a ~110- instead of ~170-token prompt, which sets the prefill cost),
    # decoder layer 8 skipped (the one whose removal costs the least; two
    # already halve the accuracy), and extractive decoding (which sets the
    # decode cost).
    "fast": QAVariant("fast", layers=tuple(i for i in range(18) if i != 8), shots=1, extractive=True),
}
# Every variant at the reduced precisions too ("qwen-int8", "pro-bfloat16", ...).
VARIANTS.update(
    {
        f"{name}-{precision}": dataclasses.replace(variant, name=f"{name}-{precision}", precision=precision)
        for name, variant in list(VARIANTS.items())
        for precision in (BFLOAT16, INT8)
    }
)


@dataclasses.dataclass(frozen=True)
class QAItem:
    question: str
    passage: str
    answers: tuple[str, ...]


def build_prompt(question: str, passage: str, shots: int = 2) -> str:
    """The few-shot completion prompt (`shots` worked examples); the answer follows "Answer:"."""
    if not 0 <= shots <= len(_EXAMPLES):
        raise ValueError(f"shots must be in [0, {len(_EXAMPLES)}], got {shots}")
    blocks = [_INSTRUCTION]
    for example_passage, example_question, example_answer in _EXAMPLES[:shots]:
        blocks.append(f"Context: {example_passage}\nQuestion: {example_question}\nAnswer: {example_answer}")
    blocks.append(f"Context: {one_line(passage)}\nQuestion: {one_line(question)}\nAnswer:")
    return "\n\n".join(blocks)


def build_chat_prompt(tokenizer: GGUFTokenizer, question: str, passage: str, shots: int = 2) -> str:
    """The worked examples as earlier chat turns, then the passage and the question."""
    if not 0 <= shots <= len(_EXAMPLES):
        raise ValueError(f"shots must be in [0, {len(_EXAMPLES)}], got {shots}")
    examples = [(f"Context: {p}\nQuestion: {q}", a) for p, q, a in _EXAMPLES[:shots]]
    return tokenizer.chat_prompt(
        f"Context: {one_line(passage)}\nQuestion: {one_line(question)}", system=_INSTRUCTION, examples=examples
    )


def one_line(text: str) -> str:
    # A line break inside the passage would look like the end of an answer.
    return " ".join(text.split())


def load_eval_set(path: str | os.PathLike[str] | None = None) -> list[QAItem]:
    """The hand-written (question, passage, answers) set shipped with the package, or `path`."""
    if path is None:
        text = resources.files("approxmlir.frontends.llm").joinpath("data/qa_eval.json").read_text()
    else:
        text = Path(path).read_text()
    return [QAItem(item["question"], item["passage"], tuple(item["answers"])) for item in json.loads(text)["items"]]


class QAModel:
    """Answers questions about a passage with one model variant on one backend."""

    def __init__(
        self,
        config: DecoderConfig,
        params: Params,
        tokenizer: GGUFTokenizer,
        variant: str | QAVariant = "pro",
        backend: str = "iree",
        max_len: int = DEFAULT_MAX_LEN,
        iree_cache_dir: str | os.PathLike[str] | None = None,
        iree_options=None,
        # The engine of a QAModel whose variant has the same engine_key: the
        # weights are on the device once, the compiled functions loaded once.
        shared_engine=None,
    ) -> None:
        if isinstance(variant, str):
            if variant not in VARIANTS:
                raise ValueError(f"unknown variant {variant!r}; choose from {sorted(VARIANTS)}")
            variant = VARIANTS[variant]
        if MODEL_ARCHITECTURES[variant.model] != config.architecture:
            raise ValueError(f"variant {variant.name!r} runs {variant.model}, not a {config.architecture} model")
        self.variant = variant
        self.tokenizer = tokenizer
        self.stop_ids = sorted({*tokenizer.end_ids, *tokenizer.newline_ids})
        if shared_engine is not None:
            self.engine = shared_engine
            return
        if variant.layers is not None:
            config, params = select_layers(config, params, variant.layers)
        num_candidates = EXTRACTIVE_CANDIDATES if variant.extractive else None
        model = DecoderModel(config, max_len=max_len, num_candidates=num_candidates)
        params = convert_params(params, variant.precision)
        if backend == "iree":
            from approxmlir.runtime.llm.iree_backend import DEFAULT_OPTIONS, IreeDecoder

            self.engine = IreeDecoder(model, params, cache_dir=iree_cache_dir, options=iree_options or DEFAULT_OPTIONS)
        elif backend == "jax":
            self.engine = JaxDecoder(model, params)
        else:
            raise ValueError(f"unknown backend {backend!r}; choose 'iree' or 'jax'")

    def prompt(self, question: str, passage: str) -> str:
        if self.variant.chat:
            return build_chat_prompt(self.tokenizer, question, passage, self.variant.shots)
        return build_prompt(question, passage, self.variant.shots)

    def fitting_prompt(self, question: str, passage: str) -> str:
        """The prompt, with the passage cut at a word so that the prompt and the answer fit the KV cache."""
        return self._fitting(question, passage)[0]

    def _fitting(self, question: str, passage: str) -> tuple[str, list[int]]:
        """fitting_prompt and its token ids (encoded once: the answer loop reuses them)."""
        room = self.engine.model.max_len - self.variant.max_answer_tokens
        words = passage.split()
        prompt = self.prompt(question, passage)
        ids = self.tokenizer.encode(prompt)
        while len(ids) > room and words:
            # Tokens per word differ between passages: cut in proportion, at least one word per round.
            keep = min(len(words) - 1, int(len(words) * room / len(ids)))
            words = words[: max(keep, 0)]
            prompt = self.prompt(question, " ".join(words))
            ids = self.tokenizer.encode(prompt)
        if len(ids) > room:
            raise ValueError(f"the question alone makes a prompt of {len(ids)} tokens, over the {room} that fit")
        return prompt, ids

    def answer_with_stats(self, question: str, passage: str) -> tuple[str, GenerationResult]:
        return self._generate(self._fitting(question, passage)[1])

    def complete_with_stats(self, prompt: str, max_new_tokens: int | None = None) -> tuple[str, GenerationResult]:
        """The greedy continuation of `prompt` up to its first line break, with this variant's
        layers and decoding (extractive variants copy tokens of the prompt)."""
        return self._generate(self.tokenizer.encode(prompt), max_new_tokens)

    def _generate(self, prompt_ids: list[int], max_new_tokens: int | None = None) -> tuple[str, GenerationResult]:
        candidates = None
        if self.variant.extractive:
            candidates = sorted(set(prompt_ids) | set(self.stop_ids))
            if len(candidates) > EXTRACTIVE_CANDIDATES:
                raise ValueError(
                    f"the prompt has {len(candidates)} distinct tokens; extractive answers take at most "
                    f"{EXTRACTIVE_CANDIDATES} (shorten the passage)"
                )
        limit = self.variant.max_answer_tokens if max_new_tokens is None else max_new_tokens
        result = self.engine.generate(prompt_ids, limit, self.stop_ids, candidates)
        text = self.tokenizer.decode(result.tokens)
        return text.split("\n", 1)[0].strip(), result

    def complete(self, prompt: str, max_new_tokens: int | None = None) -> str:
        return self.complete_with_stats(prompt, max_new_tokens)[0]

    def next_token_logits(self, prompt: str, token_ids: Sequence[int]) -> np.ndarray:
        """The logits of `token_ids` as the token after `prompt` (one prefill, no decoding)."""
        ids = pad_candidates(self.engine.model, token_ids if self.variant.extractive else None)
        logits, _ = self.engine.prefill(self.tokenizer.encode(prompt), ids)
        logits = np.asarray(logits, dtype=np.float64).reshape(-1)
        return logits[: len(token_ids)] if ids is not None else logits[list(token_ids)]

    def answer(self, question: str, passage: str) -> str:
        return self.answer_with_stats(question, passage)[0]

    def answer_with_confidence(self, question: str, passage: str) -> tuple[str, float]:
        """The answer and its generated tokens' mean log-probability (the model service's confidence)."""
        text, result = self.answer_with_stats(question, passage)
        return text, result.mean_logprob


@dataclasses.dataclass
class EvalReport:
    variant: str
    correct: int
    total: int
    seconds_per_answer: float
    prefill_seconds: float  # mean per answer
    decode_seconds_per_token: float
    predictions: list[str]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def evaluate(model: QAModel, items: Sequence[QAItem]) -> EvalReport:
    """Accuracy (answer containment) and timing of `model` on `items`, one answer at a time."""
    predictions, correct, results = [], 0, []
    start = time.perf_counter()
    for item in items:
        text, result = model.answer_with_stats(item.question, item.passage)
        hit = contains_answer(text, item.answers)
        correct += hit
        predictions.append(text)
        results.append(result)
        log.info("%s | %s -> %r (%s)", model.variant.name, item.question, text, "ok" if hit else "miss")
    elapsed = time.perf_counter() - start
    steps = sum(r.decode_steps for r in results)
    return EvalReport(
        variant=model.variant.name,
        correct=correct,
        total=len(items),
        seconds_per_answer=elapsed / max(len(items), 1),
        prefill_seconds=float(np.mean([r.prefill_seconds for r in results])) if results else 0.0,
        decode_seconds_per_token=sum(r.decode_seconds for r in results) / max(steps, 1),
        predictions=predictions,
    )
