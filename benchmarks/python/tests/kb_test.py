"""kb benchmark (300-document knowledge base): parsing, similarity, the knobs' effect."""

import numpy as np
import pytest

from approxbench import embeddings, harness
from approxbench.kb import BENCHMARK, SKIPPED, knowledge_base_name
from approxmlir import compiler

F = "func_substitute"
EXACT = {"parse_embedding": {"transform": F, "decisions": [0]}, "similarity": {"transform": F, "decisions": [0]}}
TWO_DIGITS = {"parse_embedding": {"transform": F, "decisions": [2]}}
SKIP_TEN_PERCENT = {"similarity": {"transform": F, "decisions": [2]}}


@pytest.fixture(scope="module")
def evaluator(tmp_path_factory):
    assert knowledge_base_name() == "kb_embeddings_small"
    return harness.make_evaluator(BENCHMARK, 1.0, cache_dir=tmp_path_factory.mktemp("kb-cache"), splits=("tune",))


def _reference_embeddings(inputs) -> np.ndarray:
    text = bytes(inputs.knowledge_base.text.view(np.uint8)).decode("ascii")
    return np.array([[float(x) for x in line.split()] for line in text.splitlines()])


def test_knowledge_base_holds_normalized_embeddings(evaluator):
    inputs = evaluator.inputs["tune"][0]
    vectors = _reference_embeddings(inputs)
    assert vectors.shape == (300, embeddings.DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(inputs.queries, axis=1), 1.0, atol=1e-5)


def test_knobs():
    knobs = {k.id: k for k in compiler.export_knobs(BENCHMARK.mlir)}
    assert set(knobs) == {"parse_embedding", "similarity"}
    for knob in knobs.values():
        assert knob.transform_types == ("func_substitute",)
        assert knob.state_function == "approx_rt_random_state"
        assert knob.decision_values == (0, 1, 2)


def test_exact_kernel_parses_and_scores_exactly(evaluator):
    inputs = evaluator.inputs["tune"][0]
    similarities = BENCHMARK.similarities(BENCHMARK.build(EXACT, evaluator.cache_dir).load(), inputs)
    np.testing.assert_allclose(similarities, inputs.queries @ _reference_embeddings(inputs).T, rtol=0, atol=1e-14)
    _, qos, _ = evaluator(EXACT)
    assert qos == 1.0


def test_lower_precision_parsing(evaluator):
    inputs = evaluator.inputs["tune"][0]
    similarities = BENCHMARK.similarities(BENCHMARK.build(TWO_DIGITS, evaluator.cache_dir).load(), inputs)
    exact = inputs.queries @ _reference_embeddings(inputs).T
    error = np.abs(similarities - exact)
    assert 1e-4 < error.max() < 0.1  # 2 significant digits: about 1 % of each value
    _, qos, _ = evaluator(TWO_DIGITS)
    assert 0.5 < qos < 1.0


def test_similarity_skips_documents(evaluator):
    inputs = evaluator.inputs["tune"][0]
    similarities = BENCHMARK.similarities(BENCHMARK.build(SKIP_TEN_PERCENT, evaluator.cache_dir).load(), inputs)
    skipped = np.mean(similarities == SKIPPED)
    assert 0.07 < skipped < 0.13
    _, qos, _ = evaluator(SKIP_TEN_PERCENT)
    assert 0.5 < qos < 1.0


def test_malformed_knowledge_base_is_an_error(evaluator):
    inputs = evaluator.inputs["tune"][0]
    text = inputs.knowledge_base.text.copy()
    first_line_end = int(inputs.knowledge_base.offsets[1])
    text[first_line_end // 2] = ord("x")  # a letter in the middle of document 0's numbers
    broken = type(inputs)(type(inputs.knowledge_base)(text, inputs.knowledge_base.offsets), inputs.queries)
    with pytest.raises(ValueError, match="1 lines of the knowledge base do not hold 384 numbers"):
        BENCHMARK.similarities(BENCHMARK.build(EXACT, evaluator.cache_dir).load(), broken)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
