"""LLM + RAG compound systems (paper, Appendix B.6 and B.7).

A question goes through a retrieval kernel (bm25 or kb, native code from
annotated C, with that kernel's knobs), the best documents become the
context of a prompt, and an LLM answers. Two knobs act per question on the
retrieval's confidence (the margin of the best document over the second as
a percentage of the best score, 0..100): the QA model selection picks the
reader (QA_VARIANTS: Qwen2.5-Coder 1.5B, the exact choice; Qwen2.5 0.5B
with int8 weights; Gemma 3 270M with two worked examples, "pro", or
zero-shot with extractive decoding; approxmlir.frontends.llm.qa), and the
context knob how many of the best
documents the prompt carries and how much of each (CONTEXTS: three
400-character passages exactly, down to one of 350). A third knob, the
cascade, acts on the approximate reader's own confidence in its answer (the
answer tokens' mean log-probability): it keeps the answer or asks the exact
reader again (cascade_choice).

The knob is written in the `approx` dialect next to the retrieval kernel's
knobs in ONE module (the selector emitted by `approxmlir.frontends.jax`), so
the tuner sees every knob of the system, one native library holds the
retrieval and the selection logic, and the runtime runs the chosen model
for each question (paper, Figure 5). The system is an
`approxmlir.compound` pipeline (the kernel stage and the QA model choice);
models run in its model service, which memoizes (variant, prompt) answers
with their measured generation time.

QoS is equation 1: the share of questions whose normalized gold short
answer occurs in the generated answer. Time is per question: the measured
retrieval and selection time plus the generation time of the chosen model
(PipelineRun.seconds); the queries are encoded before the clock starts.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
from typing import Any, Mapping, Optional, Protocol, Sequence

import numpy as np

from approxbench import bm25, kb, qa_data
from approxbench.harness import KernelBenchmark, split_size
from approxmlir import runtime
from approxmlir.compiler import KnobParams, NativeArtifact
from approxmlir.compound import (
    ModelChoice,
    ModelClient,
    NativeKernel,
    Pipeline,
    PipelineRun,
    Request,
    Split,
    evaluate_fn,
)
from approxmlir.qos import contains_answer

QA_KNOB = "qa_model"
# Decision values of the QA model selection knob -> model variants
# (approxmlir.frontends.llm.qa.VARIANTS), the exact one first: Qwen2.5-Coder
# 1.5B with bfloat16 weights (its float32 IREE engine does not fit two
# workers' memory; bfloat16 gives float32's greedy continuation on 21 of
# the 22 gold-set prompts and the same next token on all 22,
# approxmlir/runtime/llm/README.md), then Qwen2.5 0.5B with int8 weights and
# Gemma 3 270M (bfloat16) with two worked examples or none.
QA_VARIANTS = {0: "qwen-1.5b-bfloat16", 1: "qwen-int8", 2: "pro-bfloat16", 3: "zero-shot-bfloat16"}
# The model variants the model service loads for these systems.
MODEL_VARIANTS = tuple(QA_VARIANTS.values())
CONFIDENCE_RANGE = (0, 100)


@dataclasses.dataclass(frozen=True)
class Context:
    """How much of the ranking the prompt carries: the best `documents`, each cut to `characters`."""

    documents: int
    characters: int

    @property
    def label(self) -> str:
        return f"{self.documents}x{self.characters}"


CONTEXT_KNOB = "context"
# Decision values of the context knob (per question, from the same retrieval
# confidence as the reader, as METIS configures RAG per query): the exact
# context first. Three 400-character passages and a few-shot prompt fit the
# readers' 512-position KV cache (QAModel.fitting_prompt cuts what does not).
CONTEXTS = {0: Context(3, 400), 1: Context(2, 400), 2: Context(1, 700), 3: Context(1, 350)}
# The passage of a system without the context knob (the tool system's QA).
DEFAULT_CONTEXT = CONTEXTS[2]
# Documents a question's ranking must provide: the largest context, and two for the confidence.
RANKED_DOCUMENTS = max(2, *(c.documents for c in CONTEXTS.values()))


CASCADE_KNOB = "escalate"


def passage(documents: Sequence[str], characters: int = DEFAULT_CONTEXT.characters) -> str:
    """The context of the prompt: the given documents, each cut to `characters`."""
    return " ".join(d[:characters] for d in documents)


def confidence_state(best: float, second: float) -> int:
    """The QA knob's state: how far the best document leads, 0..100."""
    if best <= 0.0:
        return 0
    return int(min(100.0, max(0.0, 100.0 * (best - max(second, 0.0)) / best)))


def ranking(scores: np.ndarray) -> np.ndarray:
    """The RANKED_DOCUMENTS best documents of one question's scores, best first, ties by index."""
    return np.argsort(-scores, kind="stable")[:RANKED_DOCUMENTS]


def answer_confidence_state(mean_logprob: Optional[float]) -> int:
    """The cascade knob's state: the answer tokens' geometric-mean probability in percent, 0..100
    (0 when the reader did not report one)."""
    if mean_logprob is None or not np.isfinite(mean_logprob):
        return 0
    return int(min(100.0, max(0.0, 100.0 * float(np.exp(mean_logprob)))))


def qa_choice(variants: Mapping[int, str] = QA_VARIANTS) -> ModelChoice:
    """The QA model selection; its state is the retrieval confidence (confidence_state)."""
    return ModelChoice(QA_KNOB, variants, CONFIDENCE_RANGE)


def context_choice() -> ModelChoice:
    """The context size selection (CONTEXTS by label); its state is the retrieval confidence."""
    return ModelChoice(CONTEXT_KNOB, {d: c.label for d, c in CONTEXTS.items()}, CONFIDENCE_RANGE)


def cascade_choice(exact_variant: str = QA_VARIANTS[0]) -> ModelChoice:
    """The cascade: an approximate reader's answer is asked again of the exact reader (decision 0,
    which keeps the exact system exact) or kept (1). Its state is the answer's own confidence
    (answer_confidence_state), so a dynamic configuration escalates the answers their reader was
    unsure of; a static one escalates all or none."""
    return ModelChoice(CASCADE_KNOB, {0: exact_variant, 1: None}, CONFIDENCE_RANGE)


def _knob(decisions: Sequence[int], thresholds: Sequence[int] = ()) -> dict:
    """A model choice's configuration entry (its knobs substitute functions)."""
    return KnobParams("func_substitute", tuple(decisions), tuple(thresholds)).to_json()


def model_configs() -> list[dict]:
    """The static configurations of the model knobs alone (every reader with every context, no
    escalation; the retrieval exact), the exact one excepted: the search's seeds, since with the
    tuning split's answers prefetched (RagSystem.prefetch) they cost no generation."""
    configs = []
    for reader in QA_VARIANTS:
        for context in CONTEXTS:
            if reader == 0 and context == 0:
                continue
            config = {QA_KNOB: _knob([reader]), CONTEXT_KNOB: _knob([context])}
            if reader != 0:
                config[CASCADE_KNOB] = _knob([1])
            configs.append(config)
    return configs


# The cascade seeds' thresholds (answer_confidence_state): a grid, because a
# seed that replays prefetched answers costs ~1 s against ~30 s for a search
# step that generates, and the 300-second search finds few thresholds by
# mutation (run 19 tried 2 per reader; the best cascade on its tuning split,
# Gemma pro on 1x350 escalated below 40 %, was not among them).
CASCADE_THRESHOLDS = tuple(range(20, 100, 10))


def cascade_configs(thresholds: Sequence[int] = CASCADE_THRESHOLDS) -> list[dict]:
    """Every approximate reader with every one-document context, its answers escalated below each
    of `thresholds` (answer_confidence_state): seeds of the dynamic search, which replay the
    prefetched answers too."""
    one_document = [d for d, c in CONTEXTS.items() if c.documents == 1]
    return [
        {QA_KNOB: _knob([reader]), CONTEXT_KNOB: _knob([context]), CASCADE_KNOB: _knob([0, 1], [threshold])}
        for reader in QA_VARIANTS
        if reader != 0
        for context in one_document
        for threshold in thresholds
    ]


def kernel_stage(benchmark: KernelBenchmark) -> NativeKernel:
    return NativeKernel(benchmark.name, source=benchmark.source)


def answer_correct(output: tuple[str, int], gold: Sequence[str]) -> float:
    """One question's share of equation 1: 1.0 when a gold answer occurs in the (answer, decision) output."""
    return float(contains_answer(output[0], list(gold)))


class Retriever(Protocol):
    benchmark: KernelBenchmark

    def queries(self, questions: Sequence[qa_data.Question]) -> list[Any]:
        """Each question as the kernel takes it (encoded once per split, outside the timing)."""

    def scores(self, library: runtime.NativeLibrary, queries: Sequence[Any]) -> np.ndarray:
        """(n_questions, n_docs) scores, higher is better."""


class BM25Retriever:
    benchmark = bm25.BENCHMARK

    def queries(self, questions):
        return [bm25.encode_query(q.question) for q in questions]

    def scores(self, library, queries):
        corpus = bm25.default_corpus()
        return np.stack([self.benchmark.rank(library, corpus, query) for query in queries])


class KBRetriever:
    benchmark = kb.BENCHMARK

    def queries(self, questions):
        _, vectors = kb.load_knowledge_base(kb.knowledge_base_name())
        return list(kb.question_embeddings(vectors, questions))

    def scores(self, library, queries):
        knowledge_base, _ = kb.load_knowledge_base(kb.knowledge_base_name())
        return self.benchmark.similarities(library, kb.KBInputs(knowledge_base, np.stack(queries)))


RETRIEVERS = {"bm25": BM25Retriever, "kb": KBRetriever}


@dataclasses.dataclass
class RagSystem:
    """evaluate_fn for the tuner: (config, split) -> (ms per question, accuracy)."""

    retriever_name: str
    models: ModelClient
    tune_questions: int = 20
    cache_dir: Optional[str] = None
    # Questions answered at once (as many as the model service has workers);
    # each answer's time is measured by itself.
    llm_workers: int = 1
    # The QA model variant of each decision of the QA knob (e.g. the same
    # readers at a reduced weight precision: qa_readers --precision).
    qa_variants: Mapping[int, str] = dataclasses.field(default_factory=lambda: dict(QA_VARIANTS))

    def __post_init__(self) -> None:
        if self.retriever_name not in RETRIEVERS:
            raise ValueError(f"unknown retriever {self.retriever_name!r} (have {sorted(RETRIEVERS)})")
        self.retriever = RETRIEVERS[self.retriever_name]()
        self._splits: dict[str, Split] = {}

    @functools.cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(
            [
                kernel_stage(self.retriever.benchmark),
                qa_choice(self.qa_variants),
                context_choice(),
                cascade_choice(self.qa_variants[0]),
            ],
            cache_dir=self.cache_dir,
        )

    @property
    def mlir(self) -> str:
        return self.pipeline.mlir

    @functools.cached_property
    def dataset(self) -> qa_data.QADataset:
        return qa_data.default_dataset()

    def questions(self, split: str) -> list[qa_data.Question]:
        return self.dataset.take(split, split_size(self.tune_questions, split, 1.0))

    def split(self, name: str) -> Split:
        """The split's (question, query) inputs and gold answers, encoded once."""
        if name not in self._splits:
            questions = self.questions(name)
            self._splits[name] = Split(
                list(zip(questions, self.retriever.queries(questions))), [q.answers for q in questions]
            )
        return self._splits[name]

    @functools.cached_property
    def evaluation(self):
        return evaluate_fn(
            self.pipeline,
            self.program,
            self.split,
            models=self.models,
            parallel_requests=self.llm_workers,
            input_score=answer_correct,
        )

    def build(self, config: Optional[Mapping]) -> NativeArtifact:
        return self.pipeline.build(config)

    def program(self, run: PipelineRun, inputs: Sequence[tuple[qa_data.Question, Any]]) -> list[tuple[str, int]]:
        """Retrieve; from the retrieval's confidence choose the reader and the context; ask; from
        each approximate answer's confidence, keep it or ask the exact reader (the cascade):
        (answer, decision of the reader that gave it) per question."""
        scores = self.retriever.scores(run.library, [query for _, query in inputs])
        requests, decisions = [], []
        for (question, _), row in zip(inputs, scores):
            order = ranking(row)
            state = confidence_state(float(row[order[0]]), float(row[order[1]]))
            decision = run.decision(QA_KNOB, state)
            text = self._context(order, CONTEXTS[run.decision(CONTEXT_KNOB, state)])
            requests.append(Request(self.qa_variants[decision], question.question, text))
            decisions.append(decision)
        replies = run.ask(requests)
        escalations: list[Optional[Request]] = []
        for request, reply, decision in zip(requests, replies, decisions):
            variant = None
            if decision != 0:
                variant = run.choose(CASCADE_KNOB, answer_confidence_state(reply.confidence))
            escalations.append(None if variant is None else dataclasses.replace(request, variant=variant))
        if any(escalations):
            for i, reply in enumerate(run.ask(escalations)):
                if reply is not None:
                    replies[i], decisions[i] = reply, 0
        return [(reply.text, decision) for reply, decision in zip(replies, decisions)]

    def _context(self, order: np.ndarray, context: Context) -> str:
        """The prompt's passage: `context` of the documents ranked in `order`."""
        return passage([self.dataset.documents[i] for i in order[: context.documents]], context.characters)

    def prefetch(self, split: str = "tune") -> int:
        """Asks every reader about every context of the exact retrieval's ranking on `split`, on the
        model service's workers, so that the search replays these answers from the memo instead of
        waiting on generation (a configuration that changes the ranking still generates its own);
        the number of requests."""
        from tqdm import tqdm

        library = self.build(None).load()
        data = self.split(split)
        scores = self.retriever.scores(library, [query for _, query in data.inputs])
        requests = []
        for (question, _), row in zip(data.inputs, scores):
            order = ranking(row)
            for context in CONTEXTS.values():
                text = self._context(order, context)
                requests += [Request(variant, question.question, text) for variant in self.qa_variants.values()]
        with concurrent.futures.ThreadPoolExecutor(max(1, self.llm_workers)) as pool:
            answered = pool.map(self.models.answer, requests)
            for _ in tqdm(answered, total=len(requests), desc=f"answers ({split})", unit="answer", dynamic_ncols=True):
                pass
        return len(requests)

    def answers(self, config: Optional[Mapping], split: str) -> tuple[list[str], list[int], float]:
        """(answers, decision per question, seconds in all) of one configuration."""
        outputs, seconds = self.evaluation.outputs(config, split)
        return [answer for answer, _ in outputs], [decision for _, decision in outputs], seconds

    def __call__(self, config: Mapping, split: str = "tune") -> tuple[float, float, list[float]]:
        return self.evaluation(config, split)
