"""The LLM agents of the tool invocation system (paper, Appendix B.8): triage and summary.

Both are few-shot completion prompts for the same Gemma 3 270M variants as the
QA model ("pro": the whole model; "fast": fewer layers, a shorter prompt and
extractive decoding; approxmlir.frontends.llm.qa), so the LLM service needs no new
weights or artifacts. Each agent offers the service's Generator interface,
`answer(question, passage) -> text`:

- the triage agent reads the question (the passage is unused) and names a
  tool (a key of TOOLS);
- the summary agent reads the tool's output (the passage) and condenses it
  into the one sentence that answers the question.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from approxmlir.compound.models import qa_readers
from approxmlir.frontends.llm import qa

# Tool -> (the name the triage agent uses, what it is told about the tool).
# The names are spelled as questions spell them: a small model matches
# "PageRank" to "PageRank" more readily than to "pagerank".
TOOLS = {
    "bm25": ("bm25", "keyword search in an encyclopedia, for questions about people, places, history and facts"),
    "kb": ("kb", "semantic search in an encyclopedia, for questions about people, places, history and facts"),
    "pagerank": ("PageRank", "ranks the pages of a web graph by PageRank"),
    "kmeans": ("k-means", "groups the points of a point set into clusters"),
    "lavamd": ("lavaMD", "simulates the particles of a particle system and computes their potential energy"),
}

_TRIAGE_EXAMPLES = (
    ("who sang the song yellow submarine", "bm25"),
    ("Which box of particle system 3 has the highest potential energy?", "lavamd"),
    ("what is the capital city of australia", "kb"),
    ("Which cluster has the most points when k-means groups point set 5?", "kmeans"),
    ("Which page has the highest PageRank in web graph 12?", "pagerank"),
)

_SUMMARY_EXAMPLES = (
    (
        "Which cluster has the most points when k-means groups point set 12?",
        "The largest cluster of point set 12 is cluster 9 with 733 points; next are cluster 2 (701 points) and "
        "cluster 14 (655 points).",
        "Cluster 9 is the largest cluster of point set 12.",
    ),
    (
        "who painted the mona lisa",
        "Mona Lisa. The Mona Lisa is a half-length portrait painting by the Italian artist Leonardo da Vinci. "
        "It has been described as the best known work of art in the world.",
        "The Mona Lisa was painted by Leonardo da Vinci.",
    ),
)

TRIAGE_SHOTS = {"pro": len(_TRIAGE_EXAMPLES), "fast": len(_TRIAGE_EXAMPLES)}
SUMMARY_SHOTS = {"pro": 2, "fast": 2}
SUMMARY_TOKENS = 24


def triage_prompt(question: str, shots: int) -> str:
    lines = ["Choose the tool that answers the question. The tools:"]
    lines += [f"- {name}: {description}" for name, description in TOOLS.values()]
    blocks = ["\n".join(lines)]
    blocks += [f"Question: {q}\nTool: {TOOLS[tool][0]}" for q, tool in _TRIAGE_EXAMPLES[:shots]]
    blocks.append(f"Question: {qa.one_line(question)}\nTool:")
    return "\n\n".join(blocks)


def summary_prompt(question: str, tool_output: str, shots: int) -> str:
    blocks = ["Summarize the tool output in one sentence that answers the question."]
    blocks += [f"Question: {q}\nTool output: {o}\nSummary: {s}" for q, o, s in _SUMMARY_EXAMPLES[:shots]]
    blocks.append(f"Question: {qa.one_line(question)}\nTool output: {qa.one_line(tool_output)}\nSummary:")
    return "\n\n".join(blocks)


class TriageAgent:
    """Names the tool whose name is the likeliest next token after the few-shot prompt.

    Each tool name's first token is scored in one prefill (no decoding), and
    the log-probabilities over the tools are calibrated by those of a
    content-free question ("contextual calibration", Zhao et al., 2021): a
    270M model's few-shot choice otherwise follows the order of the examples
    more than the question.
    """

    CONTENT_FREE = "N/A"

    def __init__(self, model: qa.QAModel, shots: int):
        self.model, self.shots = model, shots
        self.names = tuple(TOOLS)
        self.label_ids = [model.tokenizer.encode(f" {label}", add_bos=False)[0] for label, _ in TOOLS.values()]
        if len(set(self.label_ids)) != len(self.names):
            raise ValueError(f"the tool names {self.names} do not start with distinct tokens")
        self.baseline = self.log_probabilities(self.CONTENT_FREE)

    def log_probabilities(self, question: str) -> np.ndarray:
        logits = self.model.next_token_logits(triage_prompt(question, self.shots), self.label_ids)
        return logits - np.logaddexp.reduce(logits)

    def answer(self, question: str, passage: str) -> str:
        del passage  # the triage reads only the question
        return self.names[int(np.argmax(self.log_probabilities(question) - self.baseline))]


class SummaryAgent:
    def __init__(self, model: qa.QAModel, shots: int):
        self.model, self.shots = model, shots

    def answer(self, question: str, passage: str) -> str:
        return self.model.complete(summary_prompt(question, passage, self.shots), SUMMARY_TOKENS)


def tool_agents(
    cache_dir: Optional[str] = None, backend: str = "iree", variants: tuple[str, ...] = ("pro", "fast")
) -> dict:
    """The model service's factory for the tool system: for each model variant v, the QA
    model "v" and, for the Gemma variants (whose prompts were tuned), the triage agent
    "triage-v" and the summary agent "summary-v"."""
    generators: dict = {}
    for name, model in qa_readers(variants, cache_dir=cache_dir, backend=backend).items():
        generators[name] = model
        if name in TRIAGE_SHOTS:
            generators[f"triage-{name}"] = TriageAgent(model, TRIAGE_SHOTS[name])
            generators[f"summary-{name}"] = SummaryAgent(model, SUMMARY_SHOTS[name])
    return generators
