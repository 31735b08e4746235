"""A compound system's tuned configuration against exact (approxbench.system_run), with a scripted
model client whose answers and generation seconds are known: the loss, the speedup and their
intervals, the prebuilt libraries, and tuned files that are wrong."""

import dataclasses
import json

import numpy as np
import pytest

from approxbench import rag, system_run, systems
from approxmlir.compound import Answer, Request

F = "func_substitute"
# The QA knob's decision values: the exact reader, and another one.
EXACT, SMALL = 0, max(rag.QA_VARIANTS)
# Generation seconds per answer: the exact reader's, and every other's (10x less). Large against the
# real retrieval and tool kernels, which both sides run and whose time grows on a loaded machine.
EXACT_SECONDS, SMALL_SECONDS = 200.0, 20.0
WRONG = "no idea"


class GoldReader:
    """A model client: the exact reader answers every question with its gold answer, the others wrongly."""

    def __init__(self, gold):
        self.gold = gold

    def answer(self, request: Request) -> Answer:
        if request.variant == rag.QA_VARIANTS[EXACT]:
            return Answer(self.gold[request.question], EXACT_SECONDS, False)
        return Answer(WRONG, SMALL_SECONDS, False)


def qa_config(decisions, thresholds=()):
    """The reader by retrieval confidence, no answer escalated (the cascade's decision 1)."""
    return {
        "qa_model": {"transform": F, "decisions": list(decisions), "thresholds": list(thresholds)},
        "escalate": {"transform": F, "decisions": [1]},
    }


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("system_run")
    system = systems.new_system("bm25_rag", None, questions=4, cache_dir=str(tmp / "build"))
    return dataclasses.replace(system, models=GoldReader({q.question: q.answers[0] for q in system.questions("eval")}))


def write(tmp_path, document):
    path = tmp_path / "tuned.json"
    path.write_text(json.dumps(document))
    return path


def tuned(system, tmp_path, document):
    return system_run.load_tuned_config(write(tmp_path, document), system.pipeline.knobs)


def test_tuned_equal_to_exact_loses_nothing(system, tmp_path):
    result = system_run.compare(system.evaluation, tuned(system, tmp_path, {"knobs": qa_config([EXACT])}), tmp_path)
    assert result.questions == 20 and result.split == "eval" and result.rounds == system_run.DEFAULT_REPEATS
    assert result.exact_accuracy == result.tuned_accuracy == 1.0
    assert (result.loss.estimate, result.loss.low, result.loss.high, result.loss.n) == (0.0, 0.0, 0.0, 20)
    assert result.speedup == pytest.approx(1.0, abs=0.01)
    assert result.exact_ms == pytest.approx(EXACT_SECONDS * 1e3, rel=0.01)  # the generation and the retrieval
    report = system_run.report("bm25_rag", result)
    assert "20 questions" in report and "QoS loss 0.00 % [0.00, 0.00]" in report


def test_another_reader_everywhere_loses_every_answer_and_is_10x_faster(system, tmp_path):
    result = system_run.compare(system.evaluation, tuned(system, tmp_path, {"knobs": qa_config([SMALL])}), tmp_path)
    assert (result.exact_accuracy, result.tuned_accuracy) == (1.0, 0.0)
    assert (result.loss.estimate, result.loss.low, result.loss.high) == (1.0, 1.0, 1.0)
    assert result.speedup == pytest.approx(10.0, rel=0.02)  # 200 s / 20 s per question, plus the retrieval
    interval = result.speedup_interval
    assert interval.n == result.rounds and interval.low <= result.speedup <= interval.high
    assert interval.high - interval.low < 0.02 * result.speedup  # the generation seconds do not vary


def test_a_threshold_loses_the_confident_questions(system, tmp_path):
    library = system.build(None).load()
    scores = system.retriever.scores(library, [query for _, query in system.split("eval").inputs])
    states = [rag.confidence_state(*np.sort(row)[::-1][:2]) for row in scores]
    threshold = sorted(states)[len(states) // 2]  # the median: both readers get questions
    confident = sum(state >= threshold for state in states)
    assert 0 < confident < len(states)
    config = tuned(system, tmp_path, {"knobs": qa_config([EXACT, SMALL], [threshold])})
    result = system_run.compare(system.evaluation, config, tmp_path, repeats=2)
    assert result.loss.estimate == pytest.approx(confident / len(states))
    assert result.tuned_accuracy == pytest.approx(1.0 - confident / len(states))
    assert 0.0 < result.loss.low < result.loss.estimate < result.loss.high <= 1.0
    generation = (len(states) - confident) * EXACT_SECONDS + confident * SMALL_SECONDS
    assert result.speedup == pytest.approx(len(states) * EXACT_SECONDS / generation, rel=0.02)


def test_prebuilt_libraries_serve_their_configurations(system, tmp_path):
    config = tuned(system, tmp_path, {"knobs": qa_config([SMALL])})
    artifacts = [(None, system.build(None)), (config, system.build(config))]
    evaluation = system_run.with_prebuilt(system.evaluation, artifacts)
    assert evaluation.pipeline.build({}) is artifacts[0][1] and evaluation.pipeline.build(config) is artifacts[1][1]
    assert evaluation.pipeline.build(qa_config([SMALL])) is artifacts[1][1]  # the JSON form of the same
    with pytest.raises(KeyError, match="no prebuilt library"):
        evaluation.pipeline.build(qa_config([EXACT, SMALL], [50]))
    outputs, _ = evaluation.outputs(config, "eval")
    assert [answer for answer, _ in outputs] == [WRONG] * 20


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"knobs": {"qa_model": ', "not valid JSON"),
        ('{"qa_model": {"transform": "func_substitute", "decisions": [0]}}', 'expected {"knobs"'),
        ('{"knobs": {"reader": {"transform": "func_substitute", "decisions": [1]}}}', "unknown knob reader"),
        ('{"knobs": {"qa_model": {"decisions": [1]}}}', "malformed knob params"),
    ],
)
def test_a_bad_tuned_file_is_named(system, tmp_path, text, message):
    path = tmp_path / "bm25_rag.json"
    path.write_text(text)
    with pytest.raises(system_run.TunedConfigError, match=message) as error:
        system_run.load_tuned_config(path, system.pipeline.knobs)
    assert str(error.value).startswith(f"{path}: ")


def test_a_configuration_outside_the_knob_space_is_named_when_built(system, tmp_path):
    path = write(tmp_path, {"knobs": qa_config([max(rag.QA_VARIANTS) + 1])})  # not a decision of qa_model
    config = system_run.load_tuned_config(path, system.pipeline.knobs)
    with pytest.raises(system_run.TunedConfigError, match="does not apply") as error:
        system_run.build_configured(system.pipeline, config, path)
    assert str(error.value).startswith(f"{path}: ")


def test_the_tool_system_compares_the_same_way(tmp_path, monkeypatch):
    """LLM + tool invocation: its agents get the scripted client's wrong answers (every question goes
    to bm25, unsummarized), the QA reader the gold ones; a cheaper QA reader everywhere loses them all."""
    monkeypatch.setenv("APPROXMLIR_KB", "small")
    system = systems.new_system("tools", None, questions=2, cache_dir=str(tmp_path / "build"))
    gold = {q.question: q.answers[0] for q in system.questions("eval")}
    system = dataclasses.replace(system, models=GoldReader(gold))
    reader = {"qa_model": {"transform": F, "decisions": [SMALL]}}  # the tool system has no cascade
    config = system_run.load_tuned_config(write(tmp_path, {"knobs": reader}), system.pipeline.knobs)
    result = system_run.compare(system.evaluation, config, tmp_path, repeats=2)
    assert result.questions == 10
    assert (result.exact_accuracy, result.tuned_accuracy) == (1.0, 0.0)
    assert (result.loss.estimate, result.loss.low, result.loss.high) == (1.0, 1.0, 1.0)
    # Per question: triage and summary by the (non-exact) agents, then the reader.
    exact, cheaper = 2 * SMALL_SECONDS + EXACT_SECONDS, 3 * SMALL_SECONDS
    assert result.speedup == pytest.approx(exact / cheaper, rel=0.02)


def test_the_model_service_keeps_the_engines_in_the_user_cache(tmp_path, monkeypatch):
    """The answer memo is the output directory's; the compiled engines (4.5 GB, content-addressed)
    are the user's IREE cache, so that a fresh output directory does not compile them again."""
    monkeypatch.setenv("APPROXMLIR_IREE_CACHE_DIR", str(tmp_path / "engines"))
    made = {}
    monkeypatch.setattr(systems, "ModelService", lambda factory, memo, **kwargs: made.update(memo=memo, **kwargs))
    systems.model_service("bm25_rag", tmp_path / "out", workers=2)
    assert made["memo"] == tmp_path / "out" / systems.MEMO_NAME
    assert made["factory_kwargs"] == {"cache_dir": str(tmp_path / "engines"), "variants": rag.MODEL_VARIANTS}


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
