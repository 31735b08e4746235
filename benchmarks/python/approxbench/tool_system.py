"""LLM + tool invocation (paper, Appendix B.8): triage, tool, summary, answer.

For each question a triage agent picks one of five tools (bm25 or kb
retrieval over the Wikipedia summaries, PageRank over a web graph, k-means
over a point set, lavaMD over a particle system), the tool's kernel runs with
its own knobs, a summary agent condenses the tool's output into one sentence,
and the QA model answers from that sentence.

Knobs, all in ONE approx module (the five kernels' modules from the C
frontend plus three selectors; one native library holds them all):
- the tools' 12 knobs (bm25 3, kb 2, kmeans 3, pagerank 2, lavaMD 2);
- `triage_model`: 0 the pro LLM, 1 the fast LLM, 2 a keyword router (no
  LLM); state: the question's length in words;
- `summary_model`: 0 the pro LLM, 1 the fast LLM, 2 no summary (the tool's
  output goes to the QA model as it is); state: the tool's confidence;
- `qa_model`: Qwen2.5 0.5B or one of the Gemma 3 270M readers, as in the
  RAG systems (rag.QA_VARIANTS); state: the tool's confidence.
The tool's confidence is how far its best result leads the second (rag.
confidence_state): the best document's score, the largest cluster's size,
the highest PageRank or box potential.

Questions ("augmented NQ", paper section 6): two in five are the RAG
systems' Natural Questions (qa_data; bm25 and kb can answer them); the others
ask for the best result of a numeric tool on a numbered data set that the
question names ("Which page has the highest PageRank in web graph 7?"),
with the exact kernel's answer as the gold answer. Data sets are generated
from their number; the tuning and evaluation splits use disjoint numbers and
disjoint NQ questions. When the triage picks a tool that cannot serve the
question (a numeric tool without a data set number, kb for a question whose
embedding was not computed), the tool outputs that it found nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Mapping, Optional, Sequence

import numpy as np

from approxbench import bm25, kb, kmeans, lavamd, pagerank, qa_data, rag
from approxbench.harness import split_size
from approxmlir import runtime
from approxmlir.compiler import NativeArtifact
from approxmlir.compound import ModelChoice, ModelClient, Pipeline, PipelineRun, Request, Split, evaluate_fn
from approxmlir.qos import contains_answer

TRIAGE_KNOB = "triage_model"
SUMMARY_KNOB = "summary_model"
KEYWORD_ROUTER = "keywords"
TRIAGE_VARIANTS = {0: "triage-pro", 1: "triage-fast", 2: KEYWORD_ROUTER}
SUMMARY_VARIANTS = {0: "summary-pro", 1: "summary-fast", 2: None}
# The model variants (approxmlir.frontends.llm.qa.VARIANTS) the LLM service loads: the
# QA readers, and "pro" and "fast" for the triage and summary agents (their prompts were tuned).
MODEL_VARIANTS = (*rag.MODEL_VARIANTS, "pro", "fast")
QUESTION_WORDS_RANGE = (0, 40)
TOOLS = ("bm25", "kb", "pagerank", "kmeans", "lavamd")
# The tools each question of a block of five goes to: two in five are NQ's.
QUESTION_CYCLE = ("text", "pagerank", "text", "kmeans", "lavamd")
# Data set numbers: tuning 1..., evaluation 1001... (disjoint, any split size).
FIRST_DATA_SET = {"tune": 1, "eval": 1001}
NOTHING_FOUND = "The tool found nothing for this question."


@dataclasses.dataclass(frozen=True)
class ToolQuestion:
    question: str
    answers: tuple[str, ...]
    tool: str  # the tool that serves it ("bm25" for NQ questions; kb serves them too)


@dataclasses.dataclass(frozen=True)
class ToolOutput:
    text: str
    best: float = 0.0
    second: float = 0.0

    @property
    def confidence(self) -> int:
        return rag.confidence_state(self.best, self.second)


class NumericTool:
    """A numeric kernel on numbered data sets; its output names the best item."""

    name: str
    noun: str  # what the question calls the data set
    questions: tuple[str, ...]  # paraphrases, "{n}" = the data set number
    best_sentence: str  # names the best item: "{n}" data set, "{item}", "{score}"
    item: str  # what an item is called
    score_format: str
    score_unit: str = ""

    def question(self, number: int) -> str:
        return self.questions[number % len(self.questions)].format(n=number)

    def data_set_number(self, question: str) -> Optional[int]:
        found = re.search(rf"{self.noun} (\d+)", question, re.IGNORECASE)
        return int(found.group(1)) if found else None

    def scores(self, library: runtime.NativeLibrary, number: int) -> np.ndarray:
        """One score per item (page, cluster, box); the best item has the highest."""
        raise NotImplementedError

    def describe(self, number: int, order: np.ndarray, scores: np.ndarray) -> str:
        """The best item in a sentence, then the runners-up."""
        (best, *others) = [(int(i), format(scores[i], self.score_format)) for i in order]
        head = self.best_sentence.format(n=number, item=best[0], score=best[1])
        tail = " and ".join(f"{self.item} {i} ({score}{self.score_unit})" for i, score in others)
        return f"{head}; next are {tail}."

    def run(self, library: runtime.NativeLibrary, question: str) -> ToolOutput:
        number = self.data_set_number(question)
        if number is None:
            return ToolOutput(NOTHING_FOUND)
        scores = self.scores(library, number)
        order = np.argsort(-scores, kind="stable")[:3]
        return ToolOutput(self.describe(number, order, scores), float(scores[order[0]]), float(scores[order[1]]))

    def gold(self, library: runtime.NativeLibrary, number: int) -> str:
        return str(int(np.argmax(self.scores(library, number))))


class PageRankTool(NumericTool):
    name, noun = "pagerank", "web graph"
    questions = (
        "Which page has the highest PageRank in web graph {n}?",
        "What is the most important page of web graph {n} by PageRank?",
    )
    best_sentence = "The page with the highest PageRank in web graph {n} is page {item} (score {score})"
    item, score_format = "page", ".5f"
    NODES = 20_000

    def scores(self, library, number):
        graph = pagerank.power_law_graph(self.NODES, pagerank.AVG_DEGREE, seed=number)
        return pagerank.BENCHMARK.ranks(library, graph)


class KMeansTool(NumericTool):
    name, noun = "kmeans", "point set"
    questions = (
        "Which cluster is the largest when k-means groups point set {n}?",
        "In the k-means clustering of point set {n}, which cluster has the most points?",
    )
    best_sentence = "The largest cluster of point set {n} is cluster {item} with {score} points"
    item, score_format, score_unit = "cluster", ".0f", " points"
    POINTS = 4_000

    def scores(self, library, number):
        inputs = kmeans.make_points(self.POINTS, seed=number)
        _, assignment = kmeans.BENCHMARK.cluster(library, inputs)
        k = inputs.centroids.shape[0]
        return np.bincount(assignment[(assignment >= 0) & (assignment < k)], minlength=k).astype(np.float64)


class LavaMDTool(NumericTool):
    name, noun = "lavamd", "particle system"
    questions = (
        "Which box of particle system {n} has the highest potential energy?",
        "In the lavaMD simulation of particle system {n}, which box has the largest potential?",
    )
    best_sentence = "The box with the highest potential energy in particle system {n} is box {item} ({score})"
    item, score_format = "box", ".1f"
    GRID = (4, 4, 4)

    def scores(self, library, number):
        inputs = lavamd.make_grid(*self.GRID, seed=number)
        forces = lavamd.BENCHMARK.run(library, inputs)
        return forces[0::4].reshape(-1, inputs.ppb).sum(axis=1)  # v of every particle, summed per box


NUMERIC_TOOLS: dict[str, NumericTool] = {t.name: t for t in (PageRankTool(), KMeansTool(), LavaMDTool())}

# The keyword router (the triage knob's cheapest variant): a tool's words
# in the question pick it; anything else goes to bm25.
_KEYWORDS = {
    "pagerank": ("pagerank", "web graph"),
    "kmeans": ("k-means", "cluster", "point set"),
    "lavamd": ("lavamd", "particle", "potential"),
}


def route_by_keywords(question: str) -> str:
    text = question.lower()
    for tool, words in _KEYWORDS.items():
        if any(word in text for word in words):
            return tool
    return "bm25"


def choices() -> list[ModelChoice]:
    return [
        ModelChoice(TRIAGE_KNOB, TRIAGE_VARIANTS, QUESTION_WORDS_RANGE),
        ModelChoice(SUMMARY_KNOB, SUMMARY_VARIANTS, (0, 100)),
        rag.qa_choice(),
    ]


def trace_correct(trace: "Trace", gold: Sequence[str]) -> float:
    return float(contains_answer(trace.answer, list(gold)))


@dataclasses.dataclass
class Trace:
    """What happened to one question."""

    tool: str
    decisions: tuple[int, int, int]  # triage, summary, qa
    tool_output: str
    summary: str
    answer: str


@dataclasses.dataclass
class ToolSystem:
    """evaluate_fn for the tuner: (config, split) -> (ms per question, accuracy)."""

    models: ModelClient
    tune_questions: int = 20
    cache_dir: Optional[str] = None
    # LLM requests of one stage sent at once (as many as the model service has workers).
    llm_workers: int = 1
    _questions: dict = dataclasses.field(default_factory=dict, init=False, repr=False)  # split -> questions

    @functools.cached_property
    def pipeline(self) -> Pipeline:
        kernels = [bm25.BENCHMARK, kb.BENCHMARK, kmeans.BENCHMARK, pagerank.BENCHMARK, lavamd.BENCHMARK]
        return Pipeline([*(rag.kernel_stage(k) for k in kernels), *choices()], cache_dir=self.cache_dir)

    @property
    def mlir(self) -> str:
        return self.pipeline.mlir

    @functools.cached_property
    def dataset(self) -> qa_data.QADataset:
        return qa_data.default_dataset()

    @functools.cached_property
    def retrievers(self) -> dict:
        return {"bm25": rag.BM25Retriever(), "kb": rag.KBRetriever()}

    @functools.cached_property
    def evaluation(self):
        return evaluate_fn(
            self.pipeline,
            self.program,
            self.split,
            models=self.models,
            parallel_requests=self.llm_workers,
            input_score=trace_correct,
        )

    def build(self, config: Optional[Mapping]) -> NativeArtifact:
        return self.pipeline.build(config)

    def questions(self, split: str) -> tuple[ToolQuestion, ...]:
        """The split's questions in QUESTION_CYCLE order; numeric gold answers from the exact kernels."""
        if split not in self._questions:
            self._questions[split] = self._make_questions(split)
        return self._questions[split]

    def split(self, name: str) -> Split:
        questions = self.questions(name)
        return Split([q.question for q in questions], [q.answers for q in questions])

    def _make_questions(self, split: str) -> tuple[ToolQuestion, ...]:
        count = split_size(self.tune_questions, split, 1.0)
        kinds = [QUESTION_CYCLE[i % len(QUESTION_CYCLE)] for i in range(count)]
        nq = iter(self.dataset.take(split, kinds.count("text")))
        exact = self.build(None).load()
        numbers = iter(range(FIRST_DATA_SET[split], FIRST_DATA_SET[split] + count))
        questions = []
        for kind in kinds:
            if kind == "text":
                q = next(nq)
                questions.append(ToolQuestion(q.question, q.answers, "bm25"))
            else:
                tool, number = NUMERIC_TOOLS[kind], next(numbers)
                runtime.get_runtime().seed(12345)
                questions.append(ToolQuestion(tool.question(number), (tool.gold(exact, number),), kind))
        return tuple(questions)

    def run_tool(self, library: runtime.NativeLibrary, tool: str, question: str) -> ToolOutput:
        if tool in NUMERIC_TOOLS:
            return NUMERIC_TOOLS[tool].run(library, question)
        if tool == "kb" and question not in self._kb_questions:
            return ToolOutput(NOTHING_FOUND)  # no embedding of this question was computed
        retriever = self.retrievers[tool]
        row = retriever.scores(library, retriever.queries([qa_data.Question(question, (), "")]))[0]
        order = np.argsort(-row, kind="stable")[:2]
        return ToolOutput(rag.passage([self.dataset.documents[order[0]]]), float(row[order[0]]), float(row[order[1]]))

    @functools.cached_property
    def _kb_questions(self) -> frozenset:
        return frozenset(q.question for q in self.dataset.questions)

    def program(self, run: PipelineRun, questions: Sequence[str]) -> list[Trace]:
        """Every question through the system, stage by stage.

        The native library (knob states, tools) serves one question at a
        time, while each stage's LLM requests go out `llm_workers` at a time;
        every answer's time is measured by itself.
        """
        triage = [run.decision(TRIAGE_KNOB, min(len(q.split()), QUESTION_WORDS_RANGE[1])) for q in questions]
        routed = run.ask(
            [
                None if TRIAGE_VARIANTS[t] == KEYWORD_ROUTER else Request(TRIAGE_VARIANTS[t], q)
                for q, t in zip(questions, triage)
            ]
        )
        tools = [
            route_by_keywords(q) if reply is None else reply.text if reply.text in TOOLS else "bm25"
            for q, reply in zip(questions, routed)
        ]
        outputs = [self.run_tool(run.library, tool, q) for tool, q in zip(tools, questions)]
        summary_choices = [run.decision(SUMMARY_KNOB, o.confidence) for o in outputs]
        qa_choices = [run.decision(rag.QA_KNOB, o.confidence) for o in outputs]
        summarized = run.ask(
            [
                None if SUMMARY_VARIANTS[c] is None else Request(SUMMARY_VARIANTS[c], q, o.text)
                for q, o, c in zip(questions, outputs, summary_choices)
            ]
        )
        summaries = [o.text if reply is None else reply.text for o, reply in zip(outputs, summarized)]
        answers = run.ask(
            [Request(rag.QA_VARIANTS[c], q, summary) for q, summary, c in zip(questions, summaries, qa_choices)]
        )
        return [
            Trace(tool, decisions, output.text, summary, answer.text)
            for tool, decisions, output, summary, answer in zip(
                tools, zip(triage, summary_choices, qa_choices), outputs, summaries, answers
            )
        ]

    def traces(self, config: Optional[Mapping], split: str) -> tuple[list[Trace], float]:
        """Every question of the split through the system: the traces, and the seconds they took."""
        return self.evaluation.outputs(config, split)

    def __call__(self, config: Mapping, split: str = "tune") -> tuple[float, float, list[float]]:
        return self.evaluation(config, split)
