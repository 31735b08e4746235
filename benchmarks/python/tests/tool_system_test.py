"""LLM + tool invocation: one module for the 15 knobs, questions and gold answers,
routing by the triage, summary and QA knobs, and a real evaluation
(Gemma 3 270M) on three questions."""

import dataclasses

import pytest

from approxbench import kmeans, rag, tool_system
from approxmlir import compiler
from approxmlir.compound import AnswerMemo
from approxmlir.compound.local_workers import LocalModels
from approxmlir.qos import qa_accuracy

F = "func_substitute"


def fixed(triage, summary, qa):
    return {
        tool_system.TRIAGE_KNOB: {"transform": F, "decisions": [triage]},
        tool_system.SUMMARY_KNOB: {"transform": F, "decisions": [summary]},
        rag.QA_KNOB: {"transform": F, "decisions": [qa]},
    }


class Scripted:
    """Stands in for an LLM: records its prompts and replies by a rule."""

    def __init__(self, name, reply):
        self.name, self.reply, self.prompts = name, reply, []

    def answer(self, question, passage):
        self.prompts.append((question, passage))
        return self.reply(question, passage)


def scripted_models(triage_reply=tool_system.route_by_keywords):
    return {
        "triage-pro": Scripted("triage-pro", lambda q, p: triage_reply(q)),
        "triage-fast": Scripted("triage-fast", lambda q, p: triage_reply(q)),
        "summary-pro": Scripted("summary-pro", lambda q, p: f"summary of {p[:60]}"),
        "summary-fast": Scripted("summary-fast", lambda q, p: f"short summary of {p[:40]}"),
        # The QA readers "answer" with their whole context.
        **{name: Scripted(name, lambda q, p: p) for name in rag.QA_VARIANTS.values()},
    }


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tools")
    models = scripted_models()
    system = tool_system.ToolSystem(
        LocalModels(models, AnswerMemo(tmp / "answers.sqlite")), tune_questions=5, cache_dir=str(tmp / "build")
    )
    return system, models


def test_one_module_holds_every_knob(system):
    system, _ = system
    knobs = {k.id: k for k in compiler.export_knobs(system.mlir)}
    assert set(knobs) == {
        "preprocess",
        "select_documents",
        "score_term",
        "parse_embedding",
        "similarity",
        "distance",
        "centroid_selection",
        "point_assignment",
        "neighbor_sum",
        "update_ranks",
        "neighbor_box",
        "self_box",
        "triage_model",
        "summary_model",
        "qa_model",
    }
    assert knobs["triage_model"].decision_values == (0, 1, 2)
    assert knobs["triage_model"].threshold_range == tool_system.QUESTION_WORDS_RANGE
    assert knobs["summary_model"].decision_values == (0, 1, 2)


def test_questions_mix_tools_and_splits_do_not_overlap(system):
    system, _ = system
    tune, evaluation = system.questions("tune"), system.questions("eval")
    assert [q.tool for q in tune] == ["bm25", "pagerank", "bm25", "kmeans", "lavamd"]
    assert len(evaluation) == 25 and not {q.question for q in tune} & {q.question for q in evaluation}
    for question in tune + evaluation:  # the keyword router serves every question
        assert tool_system.route_by_keywords(question.question) == question.tool
        assert question.answers and all(answer.strip() for answer in question.answers)


def test_numeric_tools_name_the_exact_best_item(system):
    system, _ = system
    library = system.build(None).load()
    for question in system.questions("tune"):
        if question.tool == "bm25":
            continue
        output = system.run_tool(library, question.tool, question.question)
        tool = tool_system.NUMERIC_TOOLS[question.tool]
        number = tool.data_set_number(question.question)
        assert f"{tool.noun} {number} is " in output.text
        assert f" {question.answers[0]} " in output.text.split(";")[0] + " "  # the gold item is named first
        assert output.best >= output.second
    # k-means counts every point once.
    counts = tool_system.KMeansTool().scores(library, 3)
    assert counts.sum() == tool_system.KMeansTool.POINTS and len(counts) == kmeans.CLUSTERS


def test_tools_that_cannot_serve_a_question_find_nothing(system):
    system, _ = system
    library = system.build(None).load()
    nq = system.questions("tune")[0].question
    assert system.run_tool(library, "pagerank", nq).text == tool_system.NOTHING_FOUND
    generated = system.questions("tune")[1].question
    assert system.run_tool(library, "kb", generated).text == tool_system.NOTHING_FOUND
    assert system.run_tool(library, "bm25", generated).confidence >= 0  # bm25 reads any text


def test_knobs_route_every_stage(system):
    system, models = system
    questions = system.questions("tune")
    traces, _ = system.traces(fixed(2, 2, 2), "tune")  # keyword router, no summary, the QA knob's third reader
    assert [t.tool for t in traces] == [q.tool for q in questions]
    assert not models["triage-pro"].prompts and not models["summary-pro"].prompts
    assert [t.answer for t in traces] == [t.tool_output for t in traces]  # the tool's output reached QA as it was
    assert len(models[rag.QA_VARIANTS[2]].prompts) == len(questions)

    traces, _ = system.traces({}, "tune")  # exact: pro triage and summary, Qwen 1.5B answers
    assert [t.decisions for t in traces] == [(0, 0, 0)] * len(questions)
    assert [t.answer for t in traces] == [f"summary of {t.tool_output[:60]}" for t in traces]
    assert len(models["triage-pro"].prompts) == len(models[rag.QA_VARIANTS[0]].prompts) == len(questions)
    # Each stage's LLM requests sent three at a time: the same traces, in question order.
    assert dataclasses.replace(system, llm_workers=3).traces({}, "tune")[0] == traces

    # The summary by the tool's confidence: confident outputs skip it.
    states = [
        rag.confidence_state(*sorted((o.best, o.second), reverse=True))
        for o in (system.run_tool(system.build(None).load(), q.tool, q.question) for q in questions)
    ]
    threshold = sorted(states)[len(states) // 2]
    config = {tool_system.SUMMARY_KNOB: {"transform": F, "thresholds": [threshold], "decisions": [0, 2]}}
    traces, _ = system.traces(config, "tune")
    assert [t.decisions[1] for t in traces] == [2 if s >= threshold else 0 for s in states]


def test_a_triage_reply_that_names_no_tool_falls_back_to_bm25(tmp_path):
    models = scripted_models(triage_reply=lambda q: "no idea")
    system = tool_system.ToolSystem(
        LocalModels(models, AnswerMemo(tmp_path / "answers.sqlite")),
        tune_questions=2,
        cache_dir=str(tmp_path / "build"),
    )
    traces, _ = system.traces({}, "tune")
    assert [t.tool for t in traces] == ["bm25", "bm25"]


def test_real_models_on_three_questions(tmp_path):
    """The whole system with Gemma 3 270M (JAX backend): triage, summary and answer."""
    from approxbench import agents

    gemma_reader = 2  # the QA knob's two-shot Gemma
    variants = ("pro", rag.QA_VARIANTS[gemma_reader])
    llms = LocalModels(agents.tool_agents(backend="jax", variants=variants), AnswerMemo(tmp_path / "a.sqlite"))
    system = tool_system.ToolSystem(llms, tune_questions=3, cache_dir=str(tmp_path / "build"))
    gemma = fixed(0, 0, gemma_reader)  # the two-shot Gemma at every stage
    traces, seconds = system.traces(gemma, "tune")
    assert all(t.tool in tool_system.TOOLS and t.summary and t.answer for t in traces)
    ms_per_question, accuracy, scores = system(gemma, "tune")
    gold = [list(q.answers) for q in system.questions("tune")]
    assert accuracy == qa_accuracy([t.answer for t in traces], gold)
    assert len(scores) == 3 and sum(scores) / 3 == accuracy
    assert ms_per_question == pytest.approx(seconds * 1e3 / 3, rel=0.2)  # replayed from the memo


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
