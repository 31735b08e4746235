"""LLM + RAG compound systems (paper, Appendix B.6 and B.7).

A question goes through a retrieval kernel (bm25 or kb, native code from
annotated C, with that kernel's knobs), the best documents become the
context of a prompt, and an LLM answers. The QA model selection knob picks
a model variant for each question from the retrieval score: Qwen2.5 0.5B
("qwen", the exact choice), Gemma 3 270M with two worked examples ("pro"),
with one and extractive decoding ("extractive"), or with none and extractive
decoding ("zero-shot") (approxmlir.frontends.llm.qa). Its state is the retrieval's
confidence, the margin of the best document over the second as a percentage
of the best score (0..100).

The knob is written in the `approx` dialect next to the retrieval kernel's
knobs in ONE module (the selector emitted by `approxmlir.frontends.jax`), so
the tuner sees every knob of the system, one native library holds the
retrieval and the selection logic, and the runtime runs the chosen model
for each question (paper, Figure 5). Models run in an LLM service
(approxbench/llm_service.py) that memoizes (variant, prompt) answers with
their measured generation time.

QoS is equation 1: the share of questions whose normalized gold short
answer occurs in the generated answer. Time is per question: the measured
retrieval time plus the generation time of the chosen model.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import logging
import time
from typing import Mapping, Optional, Protocol, Sequence

import numpy as np

from approxmlir import runtime
from approxmlir.compiler import NativeArtifact, build_native, link_modules
from approxmlir.frontends.jax.selector import SelectorSymbols, selector_module
from approxmlir.frontends.jax.spec import DecisionTree, KnobSpec
from approxmlir.qos import qa_accuracy
from approxbench import bm25, kb, qa_data
from approxbench.harness import KernelBenchmark, split_size
from approxbench.llm_service import Answer

_LOG = logging.getLogger(__name__)

QA_KNOB = "qa_model"
# Decision values of the QA model selection knob -> model variants
# (approxmlir.frontends.llm.qa.VARIANTS), the exact one first.
QA_VARIANTS = {0: "qwen", 1: "pro", 2: "extractive", 3: "zero-shot"}
# The model variants the LLM service loads for these systems.
MODEL_VARIANTS = tuple(QA_VARIANTS.values())
CONTEXT_DOCUMENTS = 1
CONTEXT_CHARACTERS = 700


class Answerer(Protocol):
    def answer(self, variant: str, question: str, passage: str) -> Answer:
        ...


def answer_all(answerer: Answerer, requests: Sequence[Optional[tuple[str, str, str]]],
               workers: int) -> list[Optional[Answer]]:
    """The replies to (variant, question, passage) requests, in order, `workers` at a time; None for None."""
    with concurrent.futures.ThreadPoolExecutor(max(1, workers)) as pool:
        return list(pool.map(lambda r: None if r is None else answerer.answer(*r), requests))


def passage(documents: Sequence[str]) -> str:
    """The context of the prompt: the best documents, each cut to CONTEXT_CHARACTERS."""
    return " ".join(d[:CONTEXT_CHARACTERS] for d in documents)


def confidence_state(best: float, second: float) -> int:
    """The QA knob's state: how far the best document leads, 0..100."""
    if best <= 0.0:
        return 0
    return int(min(100.0, max(0.0, 100.0 * (best - max(second, 0.0)) / best)))


def selector_knob_spec(name: str, decisions: Sequence[int], state_range: tuple[int, int]) -> KnobSpec:
    """A model selection knob: one threshold over a state in `state_range` that the system computes."""
    return KnobSpec(name=name, decision_values=tuple(decisions), transform_type="func_substitute",
                    decision_tree=DecisionTree.external(state_range, num_thresholds=1))


def qa_knob_spec() -> KnobSpec:
    """The QA model selection; its state is the retrieval confidence (confidence_state)."""
    return selector_knob_spec(QA_KNOB, tuple(QA_VARIANTS), (0, 100))


def compose_module(kernel_modules: Mapping[str, str], knobs: Sequence[KnobSpec]) -> str:
    """One module: the kernels' modules (from the C frontend) and the knobs' selectors, linked by approx-opt."""
    return link_modules({**kernel_modules, **{spec.name: selector_module(spec) for spec in knobs}})


class Retriever(Protocol):
    benchmark: KernelBenchmark

    def scores(self, library: runtime.NativeLibrary, questions: Sequence[qa_data.Question]) -> tuple[np.ndarray, float]:
        """(n_questions, n_docs) scores (higher is better) and the seconds the kernel took."""


class BM25Retriever:
    benchmark = bm25.BENCHMARK

    def scores(self, library, questions):
        corpus = bm25.default_corpus()
        rows, seconds = [], 0.0
        for question in questions:
            query = bm25.encode_query(question.question)
            start = time.perf_counter()
            rows.append(self.benchmark.rank(library, corpus, query))
            seconds += time.perf_counter() - start
        return np.stack(rows), seconds


class KBRetriever:
    benchmark = kb.BENCHMARK

    def scores(self, library, questions):
        knowledge_base, vectors = kb.load_knowledge_base(kb.knowledge_base_name())
        inputs = kb.KBInputs(knowledge_base, kb.question_embeddings(vectors, questions))
        start = time.perf_counter()
        similarities = self.benchmark.similarities(library, inputs)
        return similarities, time.perf_counter() - start


RETRIEVERS = {"bm25": BM25Retriever, "kb": KBRetriever}


@dataclasses.dataclass
class RagSystem:
    """evaluate_fn for the tuner: (config, split) -> (ms per question, accuracy)."""

    retriever_name: str
    answerer: Answerer
    tune_questions: int = 20
    cache_dir: Optional[str] = None
    # Questions answered at once (as many as the LLM service has workers);
    # each answer's time is measured by itself.
    llm_workers: int = 1
    # The QA model variant of each decision of the QA knob (e.g. the same
    # readers at a reduced weight precision: qa_readers --precision).
    qa_variants: Mapping[int, str] = dataclasses.field(default_factory=lambda: dict(QA_VARIANTS))

    def __post_init__(self) -> None:
        if self.retriever_name not in RETRIEVERS:
            raise ValueError(f"unknown retriever {self.retriever_name!r} (have {sorted(RETRIEVERS)})")
        self.retriever = RETRIEVERS[self.retriever_name]()

    @functools.cached_property
    def mlir(self) -> str:
        return compose_module({self.retriever_name: self.retriever.benchmark.mlir}, [qa_knob_spec()])

    @functools.cached_property
    def dataset(self) -> qa_data.QADataset:
        return qa_data.default_dataset()

    def questions(self, split: str) -> list[qa_data.Question]:
        return self.dataset.take(split, split_size(self.tune_questions, split, 1.0))

    def build(self, config: Optional[Mapping]) -> NativeArtifact:
        return build_native(self.mlir, config, cache_dir=self.cache_dir)

    def answers(self, config: Optional[Mapping], split: str) -> tuple[list[str], list[int], float]:
        """(answers, decision per question, seconds in all) of one configuration."""
        library = self.build(config).load()
        runtime.get_runtime().seed(12345)  # probabilistic knobs: the same draws for every evaluation
        questions = self.questions(split)
        scores, seconds = self.retriever.scores(library, questions)
        symbols = SelectorSymbols(QA_KNOB)
        requests, decisions = [], []
        for question, row in zip(questions, scores):
            start = time.perf_counter()
            order = np.argsort(-row, kind="stable")[: max(2, CONTEXT_DOCUMENTS)]
            library[symbols.set_state](confidence_state(float(row[order[0]]), float(row[order[1]])))
            decision = int(library[symbols.select]())
            context = passage([self.dataset.documents[i] for i in order[:CONTEXT_DOCUMENTS]])
            seconds += time.perf_counter() - start
            requests.append((self.qa_variants[decision], question.question, context))
            decisions.append(decision)
        replies = answer_all(self.answerer, requests, self.llm_workers)
        seconds += sum(reply.seconds for reply in replies)
        return [reply.text for reply in replies], decisions, seconds

    def __call__(self, config: Mapping, split: str = "tune") -> tuple[float, float]:
        answers, _, seconds = self.answers(config, split)
        questions = self.questions(split)
        accuracy = qa_accuracy(answers, [list(q.answers) for q in questions])
        return seconds * 1e3 / len(questions), accuracy
