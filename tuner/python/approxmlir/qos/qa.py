"""Question-answering accuracy, equation 1 of the ApproxMLIR paper (section 6):

    accuracy = sum_question score / #questions

where a question scores 1 if one of its (NQ-style, possibly several) short
answers is in the model's generated answer, else 0. "Is in" is answer
containment after the SQuAD answer normalization (`normalize_answer`).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence

import numpy as np

GoldAnswers = str | Sequence[str]

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_ASCII_PUNCTUATION = frozenset(string.punctuation)


def _is_punctuation(ch: str) -> bool:
    return ch in _ASCII_PUNCTUATION or unicodedata.category(ch).startswith("P")


def normalize_answer(text: str) -> str:
    """The SQuAD v1.1 evaluation script's `normalize_answer`: lowercase, remove
    punctuation, remove the articles a/an/the, collapse whitespace (in that
    order).

    One extension: punctuation is ASCII `string.punctuation` (as in SQuAD) plus
    every Unicode punctuation character (categories P*), so that the curly
    quotes and dashes LLMs produce are removed too. As in SQuAD, punctuation is
    deleted, not replaced by a space: "U.S." -> "us", "don't" -> "dont".
    """
    text = text.lower()
    text = "".join(ch for ch in text if not _is_punctuation(ch))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _normalized_gold(gold: GoldAnswers, where: str) -> tuple[list[str], list[str]]:
    """The gold answers as given, and those left non-empty after normalization."""
    answers = [gold] if isinstance(gold, str) else list(gold)
    for answer in answers:
        if not isinstance(answer, str):
            raise TypeError(f"{where}: gold answers must be strings, got {answer!r}")
    return answers, [n for n in map(normalize_answer, answers) if n]


def _gold_list(gold: GoldAnswers, where: str) -> list[str]:
    answers, normalized = _normalized_gold(gold, where)
    if not normalized:
        # An empty gold answer would be "contained" in every prediction.
        raise ValueError(f"{where}: no gold answer is left after normalization (got {answers!r})")
    return normalized


def _contains(prediction: str, gold: str, whole_words: bool) -> bool:
    if whole_words:
        return f" {gold} " in f" {prediction} "
    return gold in prediction


def _score(prediction: str, normalized_gold: list[str], whole_words: bool, where: str) -> int:
    if not isinstance(prediction, str):
        raise TypeError(f"{where}: the prediction must be a string, got {prediction!r}")
    normalized = normalize_answer(prediction)
    return int(any(_contains(normalized, gold, whole_words) for gold in normalized_gold))


def answer_score(prediction: str, gold: GoldAnswers, *, whole_words: bool = True) -> int:
    """One question's score in equation 1: 1 if a normalized gold answer is
    contained in the normalized prediction, else 0. See `qa_accuracy`."""
    return _score(prediction, _gold_list(gold, "gold"), whole_words, "prediction")


def contains_answer(prediction: str, gold: GoldAnswers, *, whole_words: bool = True) -> bool:
    """Whether a normalized gold answer is contained in the normalized
    prediction: `answer_score` as a bool, for scoring one answer at a time.

    Unlike `answer_score`, gold answers that normalize to "" (e.g. "" or
    "the") are skipped instead of rejected: they never match, and a question
    left without any is not answered (False)."""
    _, normalized = _normalized_gold(gold, "gold")
    return bool(_score(prediction, normalized, whole_words, "prediction"))


def qa_accuracy(
    predictions: Sequence[str],
    gold_answers: Sequence[GoldAnswers],
    *,
    whole_words: bool = True,
) -> float:
    """Equation 1: the fraction of questions answered correctly, in [0, 1].

    `gold_answers[i]` is question i's acceptable answer, or a sequence of
    acceptable answers (NQ gives one or more short answers); any one of them
    counts. Prediction and answers are normalized with `normalize_answer`
    (SQuAD-style), then a gold answer is "in" the prediction when:

    - `whole_words=True` (default): its words are a contiguous run of the
      prediction's words, so "4" is not found in "1945" nor "art" in "party";
    - `whole_words=False`: it is a substring of the prediction (Python's
      `in`, the most literal reading of the paper's "the short answer is in
      the model's generated answer").

    Raises ValueError for no questions (the accuracy of nothing is undefined,
    and 0.0 or 1.0 would both pass for a real score), for lengths that differ,
    and for a question without a non-empty gold answer after normalization
    (e.g. only "the"); TypeError for non-string predictions or answers,
    including a bare string passed as `predictions` or `gold_answers`.
    """
    for name, value in (("predictions", predictions), ("gold_answers", gold_answers)):
        if isinstance(value, str):
            raise TypeError(f"{name} must be a sequence with one entry per question, not a string")
    predictions = list(predictions)
    gold_answers = list(gold_answers)
    if len(predictions) != len(gold_answers):
        raise ValueError(f"{len(predictions)} predictions but {len(gold_answers)} gold answer entries")
    if not predictions:
        raise ValueError("qa_accuracy of no questions is undefined")
    scores = np.array(
        [
            _score(prediction, _gold_list(gold, f"question {i}"), whole_words, f"question {i}")
            for i, (prediction, gold) in enumerate(zip(predictions, gold_answers))
        ],
        dtype=np.float64,
    )
    return float(np.mean(scores))
