"""LLM + RAG (bm25): one module for every knob, selection by retrieval confidence,
and a real evaluation (Gemma 3 270M) on three questions."""

import dataclasses

import numpy as np
import pytest

from approxbench import rag
from approxmlir import compiler
from approxmlir.compound import AnswerMemo
from approxmlir.compound.local_workers import LocalModels
from approxmlir.qos import contains_answer, qa_accuracy

F = "func_substitute"


QWEN, PRO, EXTRACTIVE, ZERO_SHOT = 0, 1, 2, 3  # the QA knob's decision values


def by_confidence(threshold):
    """Confident retrievals (state >= threshold) use the zero-shot Gemma, the others Qwen."""
    return {"qa_model": {"transform": F, "thresholds": [threshold], "decisions": [QWEN, ZERO_SHOT]}}


class Recording:
    """Stands in for a model where the test is about the system's plumbing, not the answers."""

    def __init__(self, name):
        self.name, self.prompts = name, []

    def answer(self, question, passage):
        self.prompts.append((question, passage))
        return f"{self.name} answer"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rag")
    models = {name: Recording(name) for name in rag.QA_VARIANTS.values()}
    system = rag.RagSystem(
        "bm25", LocalModels(models, AnswerMemo(tmp / "answers.sqlite")), tune_questions=4, cache_dir=str(tmp / "build")
    )
    return system, models


def test_one_module_holds_every_knob(recorded):
    system, _ = recorded
    knobs = {k.id: k for k in compiler.export_knobs(system.mlir)}
    assert set(knobs) == {"preprocess", "select_documents", "score_term", "qa_model"}
    assert knobs["qa_model"].decision_values == (QWEN, PRO, EXTRACTIVE, ZERO_SHOT)
    assert [rag.QA_VARIANTS[d] for d in (QWEN, PRO, EXTRACTIVE, ZERO_SHOT)] == [
        "qwen",
        "pro",
        "extractive",
        "zero-shot",
    ]
    assert knobs["qa_model"].threshold_range == (0, 100)
    assert knobs["qa_model"].state_function == "qa_model_state"


def test_confidence_state():
    assert rag.confidence_state(10.0, 10.0) == 0
    assert rag.confidence_state(10.0, 5.0) == 50
    assert rag.confidence_state(10.0, 0.0) == 100
    assert rag.confidence_state(0.0, 0.0) == 0
    assert rag.confidence_state(10.0, -1.0) == 100  # a skipped document scores -1


def test_model_follows_the_retrieval_confidence_and_answers_are_memoized(recorded):
    system, models = recorded
    library = system.build(None).load()
    scores = system.retriever.scores(library, system.retriever.queries(system.questions("tune")))
    states = [rag.confidence_state(*np.sort(row)[::-1][:2]) for row in scores]
    threshold = sorted(states)[len(states) // 2]  # the median: both models get questions
    answers, decisions, _ = system.answers(by_confidence(threshold), "tune")
    expected = [ZERO_SHOT if state >= threshold else QWEN for state in states]
    assert decisions == expected and QWEN in decisions and ZERO_SHOT in decisions, (decisions, expected)
    assert answers == [f"{rag.QA_VARIANTS[d]} answer" for d in decisions]
    asked = sorted(models["qwen"].prompts + models["zero-shot"].prompts)
    assert [q for q, _ in asked] == sorted(q.question for q in system.questions("tune"))
    assert all(len(p) > 100 for _, p in asked)  # the best document as context
    calls = {name: len(model.prompts) for name, model in models.items()}
    assert calls == {"qwen": decisions.count(QWEN), "pro": 0, "extractive": 0, "zero-shot": decisions.count(ZERO_SHOT)}

    # The same configuration again: every answer comes from the memo, in question order
    # also when several questions are asked at once.
    system.answers(by_confidence(threshold), "tune")
    assert {name: len(model.prompts) for name, model in models.items()} == calls
    assert dataclasses.replace(system, llm_workers=3).answers(by_confidence(threshold), "tune")[:2] == (
        answers,
        decisions,
    )
    # Everything to the zero-shot Gemma: only the questions Qwen answered are new.
    system.answers({"qa_model": {"transform": F, "decisions": [ZERO_SHOT]}}, "tune")
    assert len(models["zero-shot"].prompts) == len(decisions) and len(models["qwen"].prompts) == calls["qwen"]


def test_real_model_on_three_questions(tmp_path):
    """The whole system with Gemma 3 270M (JAX backend; the knob picks it for every
    question): answers, accuracy, time."""
    from approxmlir.compound.models import qa_readers

    llms = LocalModels(qa_readers(("pro",), backend="jax"), AnswerMemo(tmp_path / "answers.sqlite"))
    system = rag.RagSystem("bm25", llms, tune_questions=3, cache_dir=str(tmp_path / "build"))
    gemma = {"qa_model": {"transform": F, "decisions": [PRO]}}
    answers, decisions, seconds = system.answers(gemma, "tune")
    assert decisions == [PRO] * 3 and all(isinstance(a, str) and a for a in answers)
    ms_per_question, accuracy, scores = system(gemma, "tune")
    gold = [list(q.answers) for q in system.questions("tune")]
    assert accuracy == qa_accuracy(answers, gold)
    assert scores == [float(contains_answer(a, g)) for a, g in zip(answers, gold)]  # per question, for intervals
    # The second evaluation replays the memoized answers and their measured time.
    assert ms_per_question == pytest.approx(seconds * 1e3 / 3, rel=0.2)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
