"""kb benchmark (300-document knowledge base): parsing (the exact fixed-format
path and its fallback), similarity, the knobs' effect: the paper's variants,
fixed-width skipping parsers and the prefilter-and-rerank similarity."""

import numpy as np
import pytest

from approxbench import embeddings, harness
from approxbench.kb import BENCHMARK, SKIPPED, knowledge_base_name
from approxmlir import compiler

F = "func_substitute"
EXACT = {"parse_embedding": {"transform": F, "decisions": [0]}, "similarity": {"transform": F, "decisions": [0]}}
TWO_DIGITS = {"parse_embedding": {"transform": F, "decisions": [2]}}
FOUR_DIGITS = {"parse_embedding": {"transform": F, "decisions": [1]}}
FOUR_DIGITS_SKIPPING = {"parse_embedding": {"transform": F, "decisions": [3]}}
TWO_DIGITS_SKIPPING = {"parse_embedding": {"transform": F, "decisions": [4]}}
SKIP_TEN_PERCENT = {"similarity": {"transform": F, "decisions": [2]}}
PREFILTER_TENTH = {"similarity": {"transform": F, "decisions": [3]}}
PREFILTER_TWENTIETH = {"similarity": {"transform": F, "decisions": [4]}}


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
        assert knob.decision_values == (0, 1, 2, 3, 4)


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


def _with_text(inputs, lines):
    """`inputs` with the knowledge base given as lines of text."""
    data = "".join(line + "\n" for line in lines).encode("ascii")
    text = np.frombuffer(data, dtype=np.int8).copy()
    offsets = np.concatenate(([0], np.flatnonzero(text == 0x0A) + 1)).astype(np.int64)
    return type(inputs)(type(inputs.knowledge_base)(text, offsets), inputs.queries)


def test_exact_parser_reads_any_number_format(evaluator):
    """The exact parser's fixed-format fast path hands any other form to the
    general parser, from that number on: same values as Python's float()."""
    inputs = evaluator.inputs["tune"][0]
    vectors = _reference_embeddings(inputs)[:40]
    formats = ("{:.6e}", "{:+.6e}", "{:.9g}", "{:.6E}", "{:.8f}", "{:.3e}")
    lines = []
    for d, vector in enumerate(vectors):
        # Document d: the fixed format up to number d * 9, then formats cycling, double spaces.
        parts = [
            formats[0].format(v) if k < d * 9 else formats[(k + d) % len(formats)].format(v)
            for k, v in enumerate(vector)
        ]
        lines.append((" " if d % 2 else "  ").join(parts))
    mixed = _with_text(inputs, lines)
    parsed = np.array([[float(x) for x in line.split()] for line in lines])
    similarities = BENCHMARK.similarities(BENCHMARK.build(EXACT, evaluator.cache_dir).load(), mixed)
    np.testing.assert_allclose(similarities, inputs.queries @ parsed.T, rtol=0, atol=1e-14)


def test_fixed_width_parsers_read_the_leading_digits(evaluator):
    """Variants 3 and 4 step over the skipped digits yet read the same
    leading digits as the paper's scanning variants (1: 4 digits)."""
    inputs = evaluator.inputs["tune"][0]
    exact = inputs.queries @ _reference_embeddings(inputs).T
    scanned = BENCHMARK.similarities(BENCHMARK.build(FOUR_DIGITS, evaluator.cache_dir).load(), inputs)
    four = BENCHMARK.similarities(BENCHMARK.build(FOUR_DIGITS_SKIPPING, evaluator.cache_dir).load(), inputs)
    two = BENCHMARK.similarities(BENCHMARK.build(TWO_DIGITS_SKIPPING, evaluator.cache_dir).load(), inputs)
    np.testing.assert_allclose(four, scanned, rtol=0, atol=1e-14)  # one more rounding at most
    assert 1e-6 < np.abs(four - exact).max() < 2e-3  # 4 digits: ~0.05 % of each value
    assert 1e-4 < np.abs(two - exact).max() < 0.1  # 2 digits: ~5 %
    _, qos_four, _ = evaluator(FOUR_DIGITS_SKIPPING)
    _, qos_two, _ = evaluator(TWO_DIGITS_SKIPPING)
    assert 0.99 < qos_four <= 1.0 and 0.5 < qos_two < qos_four


def test_fixed_width_parser_reports_short_lines(evaluator):
    """Skipping digits unchecked, the parser still counts the numbers of a line."""
    inputs = evaluator.inputs["tune"][0]
    lines = bytes(inputs.knowledge_base.text.view(np.uint8)).decode("ascii").splitlines()
    lines[3] = " ".join(lines[3].split()[:-1])  # document 3: 383 numbers
    with pytest.raises(ValueError, match="1 lines of the knowledge base do not hold 384 numbers"):
        BENCHMARK.similarities(
            BENCHMARK.build(TWO_DIGITS_SKIPPING, evaluator.cache_dir).load(), _with_text(inputs, lines)
        )


def test_prefilter_reranks_the_top_exactly(evaluator):
    """Variants 3 and 4 compute the full similarity of the documents whose
    first 128 dimensions score best (at least 200 of the 300 here), exactly,
    and skip the rest: the top of the ranking stays."""
    inputs = evaluator.inputs["tune"][0]
    exact = BENCHMARK.similarities(BENCHMARK.build(EXACT, evaluator.cache_dir).load(), inputs)
    for config in (PREFILTER_TENTH, PREFILTER_TWENTIETH):
        similarities = BENCHMARK.similarities(BENCHMARK.build(config, evaluator.cache_dir).load(), inputs)
        scored = similarities != SKIPPED
        np.testing.assert_array_equal(similarities[scored], exact[scored])
        skipped_per_question = np.sum(~scored, axis=1)
        assert np.all((skipped_per_question > 50) & (skipped_per_question <= 100)), skipped_per_question
        for row, exact_row in zip(similarities, exact):
            top = set(np.argsort(-exact_row)[:10].tolist())
            assert len(top & set(np.argsort(-row)[:10].tolist())) >= 9
        _, qos, _ = evaluator(config)
        assert 0.95 < qos < 1.0


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
