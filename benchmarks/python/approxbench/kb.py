"""kb (benchmarks/c/kb.c): embedding retrieval from a knowledge base, paper Appendix B.2.

Inputs: the documents of `qa_dataset.json` embedded with all-MiniLM-L6-v2
and stored as text (`kb_embeddings.txt`, approxbench/embeddings.py), and the
embeddings of its Natural Questions: TUNE_QUERIES questions of the "tune"
split, EVAL_FACTOR (5) times as many of the "eval" split (`scale` multiplies
both). One kernel call parses the knowledge base and ranks it for every
question. Output: per question, the TOP_K most similar documents (best
first, ties by index); QoS: mean RBO (p = 0.95) against the exact rankings.

The knowledge base is a build output: `//benchmarks:kb_embeddings` (all
~10,000 documents, several minutes of embedding on 2 cores, built when a kb
target is run) or `//benchmarks:kb_embeddings_small` (the first 300, for the
tests); KB_VARIANT selects which one the driver reads.
"""

from __future__ import annotations

import dataclasses
import functools
import os

import numpy as np

from approxbench import embeddings, qa_data
from approxbench.harness import KernelBenchmark, split_size
from approxbench.ranking import mean_rbo, query_rbos, top_k
from approxmlir import runtime

TUNE_QUERIES = 10
TOP_K = 100
SKIPPED = -2.0  # the kernel's score for a document the similarity knob skipped


def knowledge_base_name() -> str:
    """ "kb_embeddings" (default) or "kb_embeddings_small" (APPROXMLIR_KB=small)."""
    return "kb_embeddings_small" if os.environ.get("APPROXMLIR_KB") == "small" else "kb_embeddings"


@dataclasses.dataclass(frozen=True)
class KnowledgeBase:
    text: np.ndarray  # int8: the embeddings as text, one line per document
    offsets: np.ndarray  # (n_docs + 1,) int64 line offsets

    @property
    def n_docs(self) -> int:
        return len(self.offsets) - 1


@dataclasses.dataclass(frozen=True)
class KBInputs:
    knowledge_base: KnowledgeBase
    queries: np.ndarray  # (n_queries, DIM) float64


@functools.lru_cache(maxsize=2)
def load_knowledge_base(name: str) -> tuple[KnowledgeBase, np.ndarray]:
    """The knowledge base `name` and its questions' embeddings (in dataset order), loaded once."""
    text, offsets = embeddings.read_text_embeddings(qa_data.find_data_file(f"{name}.txt"))
    questions = np.load(qa_data.find_data_file(f"{name}_questions.npy"))
    count = len(qa_data.default_dataset().questions)
    if questions.shape != (count, embeddings.DIM):
        raise ValueError(
            f"{name}_questions.npy has shape {questions.shape}, expected "
            f"({count}, {embeddings.DIM}): rebuild //benchmarks:{name}"
        )
    return KnowledgeBase(text, offsets), questions


def question_embeddings(vectors: np.ndarray, questions) -> np.ndarray:
    """The rows of `vectors` (dataset order) for `questions`, as float64 for the kernel."""
    index = {q.question: i for i, q in enumerate(qa_data.default_dataset().questions)}
    return vectors[[index[q.question] for q in questions]].astype(np.float64)


def top_documents(scores: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """The k most similar documents (skipped ones excluded), best first, ties by index."""
    return top_k(scores, k, above=SKIPPED)


class KB(KernelBenchmark):
    name = "kb"
    entry = "kb"

    def make_inputs(self, split: str, scale: float) -> KBInputs:
        count = split_size(TUNE_QUERIES, split, scale)
        knowledge_base, vectors = load_knowledge_base(knowledge_base_name())
        questions = qa_data.default_dataset().take(split, count)
        return KBInputs(knowledge_base, question_embeddings(vectors, questions))

    def similarities(self, library: runtime.NativeLibrary, inputs: KBInputs) -> np.ndarray:
        """(n_queries, n_docs) scores; SKIPPED where the kernel skipped a document."""
        kb, queries = inputs.knowledge_base, inputs.queries
        parsed = np.empty(kb.n_docs * embeddings.DIM, dtype=np.float64)
        scores = np.empty(len(queries) * kb.n_docs, dtype=np.float64)
        malformed = library[self.entry](
            kb.text,
            kb.offsets,
            kb.n_docs,
            np.ascontiguousarray(queries).ravel(),
            len(queries),
            embeddings.DIM,
            parsed,
            scores,
        )
        if malformed:
            raise ValueError(f"{malformed} lines of the knowledge base do not hold {embeddings.DIM} numbers")
        return scores.reshape(len(queries), kb.n_docs)

    def run(self, library: runtime.NativeLibrary, inputs: KBInputs) -> list[np.ndarray]:
        return [top_documents(row) for row in self.similarities(library, inputs)]

    def qos(self, output: list[np.ndarray], exact: list[np.ndarray]) -> float:
        return mean_rbo(output, exact)

    def input_scores(self, output: list[np.ndarray], exact: list[np.ndarray]) -> list[float]:
        return query_rbos(output, exact)


BENCHMARK = KB()
