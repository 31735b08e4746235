"""bm25 (benchmarks/c/bm25.c): BM25 ranking of a Wikipedia corpus, paper Appendix B.3.

Inputs: the corpus of `qa_dataset.json` (approxbench/qa_data.py, ~10,000
Wikipedia summaries) and its Natural Questions as queries: TUNE_QUERIES
questions of the "tune" split, EVAL_FACTOR (5) times as many of the "eval"
split (`scale` multiplies both). One kernel call ranks the whole corpus for
one query, preprocessing included, as in the paper. Output: per query, the
TOP_K best documents (positive score, best first, ties by index); QoS: mean
RBO (p = 0.95) against the exact rankings.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from approxbench import qa_data
from approxbench.harness import KernelBenchmark, split_size
from approxbench.ranking import mean_rbo, query_rbos, top_k
from approxmlir import runtime

TUNE_QUERIES = 20
TOP_K = 100
# Must match INFO_FIELDS in bm25.c.
INFO_FIELDS = 6


def table_slots(query_len: int) -> int:
    """Slots of the kernel's query-term table: a power of two, more than twice the query's possible terms."""
    return 1 << (2 * (query_len // 2 + 1)).bit_length()


@dataclasses.dataclass(frozen=True)
class Corpus:
    text: np.ndarray  # (bytes,) int8 (MLIR's signless i8): every document's UTF-8, back to back
    offsets: np.ndarray  # (n_docs + 1,) int64

    @property
    def n_docs(self) -> int:
        return len(self.offsets) - 1

    @property
    def longest(self) -> int:
        """The longest document's length in bytes."""
        return int(np.max(np.diff(self.offsets), initial=0))

    @classmethod
    def from_documents(cls, documents) -> "Corpus":
        encoded = [d.encode("utf-8") for d in documents]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(e) for e in encoded])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.int8).copy(), offsets)


@dataclasses.dataclass(frozen=True)
class BM25Inputs:
    corpus: Corpus
    queries: tuple[np.ndarray, ...]  # UTF-8 bytes of each query, int8


def encode_query(question: str) -> np.ndarray:
    return np.frombuffer(question.encode("utf-8"), dtype=np.int8).copy()


def top_documents(scores: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """Indices of the k best-scoring documents with a positive score, best first, ties by index."""
    return top_k(scores, k, above=0.0)


@functools.lru_cache(maxsize=1)
def default_corpus() -> Corpus:
    """The corpus of `qa_dataset.json` as the kernel takes it, built once per process."""
    return Corpus.from_documents(qa_data.default_dataset().documents)


class BM25(KernelBenchmark):
    name = "bm25"
    entry = "bm25"

    def make_inputs(self, split: str, scale: float) -> BM25Inputs:
        questions = qa_data.default_dataset().take(split, split_size(TUNE_QUERIES, split, scale))
        return BM25Inputs(default_corpus(), tuple(encode_query(q.question) for q in questions))

    def rank(self, library: runtime.NativeLibrary, corpus: Corpus, query: np.ndarray) -> np.ndarray:
        """The scores of every document for one query: -1 where corpus subsetting skipped it, 0 where the
        rare-term prefilter screened it out (or it shares no query term)."""
        n = corpus.n_docs
        max_terms = len(query) // 2 + 1  # the most words a query of this length has
        tokens = np.empty(corpus.longest // 2 + 1 + max_terms, dtype=np.int64)
        lengths = np.empty(n, dtype=np.int64)
        keep = np.empty(n, dtype=np.int64)
        slots = table_slots(len(query))
        table = np.empty(2 * slots, dtype=np.int64)
        query_terms = np.empty(max_terms, dtype=np.int64)
        term_info = np.empty(INFO_FIELDS * max_terms, dtype=np.int64)
        tf = np.empty(n * max_terms, dtype=np.int64)
        scores = np.empty(n, dtype=np.float64)
        library[self.entry](
            corpus.text,
            corpus.offsets,
            n,
            query,
            len(query),
            tokens,
            lengths,
            keep,
            table,
            slots,
            query_terms,
            term_info,
            tf,
            scores,
        )
        return scores

    def run(self, library: runtime.NativeLibrary, inputs: BM25Inputs) -> list[np.ndarray]:
        return [top_documents(self.rank(library, inputs.corpus, q)) for q in inputs.queries]

    def qos(self, output: list[np.ndarray], exact: list[np.ndarray]) -> float:
        return mean_rbo(output, exact)

    def input_scores(self, output: list[np.ndarray], exact: list[np.ndarray]) -> list[float]:
        return query_rbos(output, exact)


BENCHMARK = BM25()
