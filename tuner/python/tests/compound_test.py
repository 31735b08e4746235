"""approxmlir.compound: a two-stage pipeline (annotated C retriever, model choice) and its evaluate_fn."""

import os
import pathlib
import time

import numpy as np
import pytest

from approxmlir import compiler
from approxmlir.compound import AnswerMemo, ModelChoice, NativeKernel, Pipeline, Request, Split, evaluate_fn
from approxmlir.compound.local_workers import LocalModels
from approxmlir.qos import qa_accuracy

RETRIEVER_C = pathlib.Path(os.path.abspath(__file__)).parents[2] / "examples" / "compound" / "keyword_retriever.c"
DOCUMENTS = [[1, 2, 3, 4], [5, 6, 7, 8], [1, 5, 9, 9]]
QUESTIONS = [([1, 2], "one"), ([6, 7], "two"), ([9], "three"), ([1, 5], "four")]


class Reader:
    """A model variant: answers with the passage's first word after a known delay; "bad" says nothing."""

    def __init__(self, delay: float, good: bool):
        self.delay, self.good = delay, good

    def answer(self, question: str, context: str) -> str:
        time.sleep(self.delay)
        return context.split()[0] if self.good else "no idea"


@pytest.fixture
def pipeline(tmp_path):
    return Pipeline(
        [NativeKernel("retriever", source=RETRIEVER_C), ModelChoice("reader", {0: "big", 1: "small", 2: None})],
        cache_dir=tmp_path / "native",
    )


@pytest.fixture
def models(tmp_path):
    return LocalModels({"big": Reader(0.05, True), "small": Reader(0.0, False)}, AnswerMemo(tmp_path / "memo.sqlite"))


def program(run, questions):
    """Retrieve with the C kernel, choose a reader from the lead of the best document, ask it."""
    words = np.concatenate([np.array(d, np.int64) for d in DOCUMENTS])
    offsets = np.cumsum([0] + [len(d) for d in DOCUMENTS]).astype(np.int64)
    requests = []
    for query, _ in questions:
        scores = np.zeros(len(DOCUMENTS))
        run.library["keyword_scores"](words, offsets, len(DOCUMENTS), np.array(query, np.int64), len(query), scores)
        best, second = np.sort(scores)[::-1][:2]
        variant = run.choose("reader", int(100 * (best - second) / best))
        passage = f"doc{int(np.argmax(scores))} {query}"
        requests.append(None if variant is None else Request(variant, str(query), passage))
    return [None if reply is None else reply.text for reply in run.ask(requests)]


def expected_answers():
    return [["doc0"], ["doc1"], ["doc2"], ["doc0", "doc2"]]


def test_the_pipeline_is_one_module_with_every_knob(pipeline):
    knobs = {k.id: k for k in pipeline.knobs}
    assert set(knobs) == {"word_sampling", "reader"}
    assert knobs["reader"].decision_values == (0, 1, 2)
    assert knobs["reader"].threshold_range == (0, 100)
    assert knobs["word_sampling"].decision_values == (0, 1, 3)
    assert pipeline.mlir.count("module") == 1


def test_the_compiled_knob_chooses_by_the_state_the_program_passes(pipeline):
    run = pipeline.run({"reader": {"thresholds": [50], "decisions": [0, 1]}})
    assert [run.choose("reader", s) for s in (0, 49, 50, 100)] == ["big", "big", "small", "small"]
    assert run.choose("reader", 1000) == "small"  # clamped to the state range
    assert run.choose("reader", np.int64(10)) == "big"  # numpy integers are integers
    with pytest.raises(TypeError, match="must be an integer, got 0.5"):
        run.choose("reader", 0.5)
    assert pipeline.run(None).choose("reader", 100) == "big"  # exact: always decision 0
    assert pipeline.run({"reader": {"decisions": [2]}}).choose("reader", 0) is None
    with pytest.raises(KeyError, match="no model choice 'writer'"):
        run.choose("writer", 0)


def test_evaluate_fn_measures_time_with_the_models_and_scores_quality(pipeline, models):
    inputs = [(q, a) for q, a in QUESTIONS]
    splits = {"tune": Split(inputs, expected_answers())}
    evaluate = evaluate_fn(pipeline, program, splits, qa_accuracy, models=models)
    exact_ms, exact_accuracy = evaluate(None)
    assert exact_accuracy == 1.0
    assert exact_ms >= 50.0  # each question's answer took 50 ms to generate
    # Confident questions (the lead of the best document >= 60 %) go to the bad, fast reader.
    outputs, _ = evaluate.outputs({"reader": {"thresholds": [60], "decisions": [0, 1]}})
    assert outputs == ["doc0", "no idea", "no idea", "doc2"]
    ms, accuracy = evaluate({"reader": {"thresholds": [60], "decisions": [0, 1]}})
    assert accuracy == 0.5 and ms < exact_ms
    # Memoized answers cost what they cost when they ran.
    again_ms, _ = evaluate(None)
    assert abs(again_ms - exact_ms) < 25.0


def test_input_scores_come_with_the_qos(pipeline, models):
    splits = {"tune": Split(list(QUESTIONS), expected_answers())}
    evaluate = evaluate_fn(
        pipeline, program, splits, models=models, input_score=lambda output, gold: float(output in gold)
    )
    _, accuracy, scores = evaluate({"reader": {"thresholds": [60], "decisions": [0, 1]}})
    assert scores == [1.0, 0.0, 0.0, 1.0] and accuracy == 0.5
    with pytest.raises(ValueError, match="exactly one of metric"):
        evaluate_fn(pipeline, program, splits, qa_accuracy, input_score=lambda output, gold: 1.0)


def test_bad_pipelines_and_splits_are_clear_errors(pipeline, models):
    with pytest.raises(ValueError, match="repeated: reader"):
        Pipeline([ModelChoice("reader", {0: "a"}), ModelChoice("reader", {0: "b"})])
    with pytest.raises(ValueError, match="decision value 0"):
        ModelChoice("reader", {1: "a"})
    with pytest.raises(ValueError, match="exactly one of source"):
        NativeKernel("k")
    with pytest.raises(ValueError, match="2 inputs but 1 references"):
        Split([1, 2], [1])
    evaluate = evaluate_fn(
        pipeline, lambda run, inputs: [], {"tune": Split([QUESTIONS[0]], [["x"]])}, qa_accuracy, models=models
    )
    with pytest.raises(ValueError, match="returned 0 outputs for 1 inputs"):
        evaluate(None)
    with pytest.raises(KeyError, match="no split 'eval'"):
        evaluate(None, "eval")


def test_a_conflicting_stage_is_a_compiler_error_naming_both(tmp_path):
    clash = NativeKernel(
        "other",
        mlir_text="module {\n  func.func @reader_select() -> i64 {\n"
        "    %c = arith.constant 7 : i64\n    return %c : i64\n  }\n}\n",
    )
    pipeline = Pipeline([ModelChoice("reader", {0: "a"}), clash])
    with pytest.raises(
        compiler.CompilerError,
        match="symbol @reader_select of 'other.mlir' conflicts with its definition in 'reader.mlir'",
    ):
        _ = pipeline.mlir


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
