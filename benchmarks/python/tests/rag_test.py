"""LLM + RAG (bm25): one module for every knob, selection by retrieval confidence,
and a real evaluation (Gemma 3 270M) on three questions."""

import dataclasses
import sqlite3

import numpy as np
import pytest

from approxbench import rag
from approxmlir import compiler
from approxmlir.compound import AnswerMemo
from approxmlir.compound.local_workers import LocalModels
from approxmlir.qos import contains_answer, qa_accuracy

F = "func_substitute"


QWEN, PRO, ZERO_SHOT = 0, 2, 3  # decision values of the QA knob: Qwen 1.5B (exact), Gemma 270M
EXACT, ZERO = rag.QA_VARIANTS[QWEN], rag.QA_VARIANTS[ZERO_SHOT]
THREE, SHORT = 0, 3  # decision values of the context knob: 3x400 characters (exact), 1x350
ESCALATE, KEEP = 0, 1  # decision values of the cascade knob
KEEP_ALL = {"transform": F, "decisions": [KEEP]}


def by_confidence(threshold):
    """Confident retrievals (state >= threshold) use the zero-shot Gemma on one short
    passage, the others Qwen on three; no answer is escalated."""
    return {
        "qa_model": {"transform": F, "thresholds": [threshold], "decisions": [QWEN, ZERO_SHOT]},
        "context": {"transform": F, "thresholds": [threshold], "decisions": [THREE, SHORT]},
        "escalate": KEEP_ALL,
    }


class Recording:
    """Stands in for a model where the test is about the system's plumbing, not the answers."""

    def __init__(self, name):
        self.name, self.prompts = name, []

    def answer(self, question, passage):
        self.prompts.append((question, passage))
        return f"{self.name} answer"


class Unsure(Recording):
    """A reader that reports its confidence: sure (0.9) of questions of even length, not (0.2) of the others."""

    def answer_with_confidence(self, question, passage):
        return self.answer(question, passage), float(np.log(0.9 if len(question) % 2 == 0 else 0.2))


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
    assert {"preprocess", "select_documents", "score_term", "qa_model", "context", "escalate"} <= set(knobs)
    assert knobs["qa_model"].decision_values == (0, 1, 2, 3)
    assert [rag.QA_VARIANTS[d] for d in range(4)] == [
        "qwen-1.5b-bfloat16",
        "qwen-int8",
        "pro-bfloat16",
        "zero-shot-bfloat16",
    ]
    assert knobs["qa_model"].threshold_range == knobs["context"].threshold_range == (0, 100)
    assert knobs["qa_model"].state_function == "qa_model_state"
    assert knobs["context"].decision_values == (0, 1, 2, 3)
    assert [rag.CONTEXTS[d].label for d in range(4)] == ["3x400", "2x400", "1x700", "1x350"]
    assert knobs["escalate"].decision_values == (ESCALATE, KEEP)
    assert knobs["escalate"].state_function == "escalate_state"


def test_answer_confidence_state():
    assert rag.answer_confidence_state(0.0) == 100
    assert rag.answer_confidence_state(float(np.log(0.5))) == 50
    assert rag.answer_confidence_state(-50.0) == 0
    assert rag.answer_confidence_state(None) == 0  # a reader that does not say
    assert rag.answer_confidence_state(float("-inf")) == 0


def test_the_cascade_escalates_the_answers_their_reader_is_unsure_of(tmp_path):
    models = {name: Unsure(name) for name in rag.QA_VARIANTS.values()}
    system = rag.RagSystem(
        "bm25", LocalModels(models, AnswerMemo(tmp_path / "answers.sqlite")), tune_questions=6, cache_dir=str(tmp_path)
    )
    questions = [q.question for q in system.questions("tune")]
    unsure = [q for q in questions if len(q) % 2]
    assert 0 < len(unsure) < len(questions)
    zero_shot = {
        "qa_model": {"transform": F, "decisions": [ZERO_SHOT]},
        "context": {"transform": F, "decisions": [SHORT]},
    }
    # Answers below 50 % go to the exact reader, with the same (short) passage.
    cascade = {**zero_shot, "escalate": {"transform": F, "thresholds": [50], "decisions": [ESCALATE, KEEP]}}
    answers, decisions, _ = system.answers(cascade, "tune")
    assert decisions == [QWEN if len(q) % 2 else ZERO_SHOT for q in questions]
    assert answers == [f"{rag.QA_VARIANTS[d]} answer" for d in decisions]
    assert [q for q, _ in models[ZERO].prompts] == questions
    assert [q for q, _ in models[EXACT].prompts] == unsure
    assert dict(models[EXACT].prompts) == {q: p for q, p in models[ZERO].prompts if q in unsure}
    # Static: escalate everything (the exact reader answers all) or nothing.
    _, decisions, _ = system.answers({**zero_shot, "escalate": {"transform": F, "decisions": [ESCALATE]}}, "tune")
    assert decisions == [QWEN] * len(questions)
    assert len(models[EXACT].prompts) == len(questions)  # the unsure ones came from the memo
    _, decisions, _ = system.answers({**zero_shot, "escalate": KEEP_ALL}, "tune")
    assert decisions == [ZERO_SHOT] * len(questions)
    # The exact reader's answers (here on the exact context) are never escalated.
    _, decisions, _ = system.answers(None, "tune")
    assert decisions == [QWEN] * len(questions) and len(models[EXACT].prompts) == 2 * len(questions)


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
    asked = sorted(models[EXACT].prompts + models[ZERO].prompts)
    assert [q for q, _ in asked] == sorted(q.question for q in system.questions("tune"))
    # The context follows the same confidence: the three best documents (400 characters each)
    # for Qwen, the best one cut to 350 for the zero-shot Gemma.
    for row, question in zip(scores, system.questions("tune")):
        best = [system.dataset.documents[i] for i in np.argsort(-row, kind="stable")[:3]]
        reader = models[ZERO] if rag.confidence_state(*np.sort(row)[::-1][:2]) >= threshold else models[EXACT]
        context = dict(reader.prompts)[question.question]
        if reader is models[EXACT]:
            assert context == " ".join(d[:400] for d in best) and len(context) > 900
        else:
            assert context == best[0][:350]
    calls = {name: len(model.prompts) for name, model in models.items()}
    assert calls == {
        **{name: 0 for name in rag.QA_VARIANTS.values()},
        EXACT: decisions.count(QWEN),
        ZERO: decisions.count(ZERO_SHOT),
    }

    # The same configuration again: every answer comes from the memo, in question order
    # also when several questions are asked at once.
    system.answers(by_confidence(threshold), "tune")
    assert {name: len(model.prompts) for name, model in models.items()} == calls
    assert dataclasses.replace(system, llm_workers=3).answers(by_confidence(threshold), "tune")[:2] == (
        answers,
        decisions,
    )
    # Everything to the zero-shot Gemma on the short context: only the questions Qwen answered are new.
    system.answers(
        {
            "qa_model": {"transform": F, "decisions": [ZERO_SHOT]},
            "context": {"transform": F, "decisions": [SHORT]},
            "escalate": KEEP_ALL,
        },
        "tune",
    )
    assert len(models[ZERO].prompts) == len(decisions) and len(models[EXACT].prompts) == calls[EXACT]


def test_prefetch_asks_every_reader_about_every_context_once(tmp_path):
    models = {name: Recording(name) for name in rag.QA_VARIANTS.values()}
    system = rag.RagSystem(
        "bm25", LocalModels(models, AnswerMemo(tmp_path / "answers.sqlite")), tune_questions=3, cache_dir=str(tmp_path)
    )
    assert system.prefetch("tune") == 3 * len(rag.CONTEXTS) * len(rag.QA_VARIANTS)
    asked = {name: list(model.prompts) for name, model in models.items()}
    # Every reader saw the same prompts, each once (a short document makes two contexts equal).
    assert all(sorted(prompts) == sorted(asked[EXACT]) for prompts in asked.values())
    assert 2 * 3 < len(set(asked[EXACT])) == len(asked[EXACT]) <= 3 * len(rag.CONTEXTS)
    assert {q for q, _ in asked[EXACT]} == {q.question for q in system.questions("tune")}
    # Any configuration with the exact retrieval now replays: nothing new is asked.
    cascade = {
        "qa_model": {"transform": F, "thresholds": [30], "decisions": [PRO, ZERO_SHOT]},
        "context": {"transform": F, "thresholds": [60], "decisions": [SHORT, 1]},
        "escalate": {"transform": F, "decisions": [ESCALATE]},
    }
    system.answers(cascade, "tune")
    system.answers(None, "tune")
    assert {name: model.prompts for name, model in models.items()} == asked


def test_the_model_seeds_are_every_reader_with_every_context(recorded):
    system, _ = recorded
    configs = rag.model_configs()
    pairs = {(c["qa_model"]["decisions"][0], c["context"]["decisions"][0]) for c in configs}
    assert len(configs) == len(pairs) == len(rag.QA_VARIANTS) * len(rag.CONTEXTS) - 1
    assert (QWEN, THREE) not in pairs  # the exact configuration is evaluated anyway
    assert all(c["escalate"]["decisions"] == [KEEP] for c in configs if c["qa_model"]["decisions"] != [QWEN])
    knobs = {k.id for k in compiler.export_knobs(system.mlir)}
    assert all(set(c) <= knobs for c in configs)
    cascades = rag.cascade_configs((60, 80))
    assert len(cascades) == 3 * 2 * 2  # approximate readers x one-document contexts x thresholds
    assert {c["context"]["decisions"][0] for c in cascades} == {2, SHORT}
    assert all(c["escalate"]["decisions"] == [ESCALATE, KEEP] for c in cascades)
    assert {c["escalate"]["thresholds"][0] for c in cascades} == {60, 80}
    # The default seeds: every one of the grid's thresholds for each reader and context.
    grid = {
        (c["qa_model"]["decisions"][0], c["context"]["decisions"][0], c["escalate"]["thresholds"][0])
        for c in rag.cascade_configs()
    }
    assert len(grid) == 3 * 2 * len(rag.CASCADE_THRESHOLDS) and {t for *_, t in grid} == set(range(20, 100, 10))


def test_real_model_on_three_questions(tmp_path):
    """The whole system with Gemma 3 270M (JAX backend; the knob picks it for every
    question): answers, accuracy, time."""
    from approxmlir.compound.models import qa_readers

    llms = LocalModels(qa_readers((rag.QA_VARIANTS[PRO],), backend="jax"), AnswerMemo(tmp_path / "answers.sqlite"))
    system = rag.RagSystem("bm25", llms, tune_questions=3, cache_dir=str(tmp_path / "build"))
    gemma = {"qa_model": {"transform": F, "decisions": [PRO]}, "escalate": KEEP_ALL}
    answers, decisions, seconds = system.answers(gemma, "tune")
    assert decisions == [PRO] * 3 and all(isinstance(a, str) and a for a in answers)
    # The reader reports each answer's mean token log-probability: the cascade's state.
    with sqlite3.connect(str(tmp_path / "answers.sqlite")) as memo:
        confidences = [c for (c,) in memo.execute("SELECT confidence FROM answers")]
    assert len(confidences) == 3 and all(c is not None and -20.0 < c <= 0.0 for c in confidences), confidences
    ms_per_question, accuracy, scores = system(gemma, "tune")
    gold = [list(q.answers) for q in system.questions("tune")]
    assert accuracy == qa_accuracy(answers, gold)
    assert scores == [float(contains_answer(a, g)) for a, g in zip(answers, gold)]  # per question, for intervals
    # The second evaluation replays the memoized answers and their measured time.
    assert ms_per_question == pytest.approx(seconds * 1e3 / 3, rel=0.2)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
