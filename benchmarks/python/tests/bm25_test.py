"""bm25 benchmark: the data, the kernel against a Python BM25, the knobs' effect,
the rare-term prefilter keeping the top of the ranking."""

import collections
import math
import re

import numpy as np
import pytest

from approxbench import harness, qa_data
from approxbench.bm25 import BENCHMARK, TOP_K, encode_query, top_documents
from approxmlir import compiler

# 4 queries of the tune split over the whole corpus: ~0.2 s per exact run.
SCALE = 0.2
F = "func_substitute"
EXACT = {
    "preprocess": {"transform": F, "decisions": [0]},
    "select_documents": {"transform": F, "decisions": [0]},
    "score_term": {"transform": F, "decisions": [0]},
}
# Half of the corpus skipped: about half of the work.
HALF_CORPUS = {"select_documents": {"transform": F, "decisions": [3]}}
# The rare-term prefilter, its most and least thorough variants.
PREFILTER_THOROUGH = {"select_documents": {"transform": F, "decisions": [4]}}
PREFILTER_FAST = {"select_documents": {"transform": F, "decisions": [6]}}

_WORD = re.compile(rb"[A-Za-z0-9\x80-\xff]+")


def reference_scores(documents, query, k1=1.2, b=0.75):
    """Okapi BM25 as bm25.c defines it, written independently with Counters."""

    def words(text):
        return [w.lower() for w in _WORD.findall(text.encode("utf-8"))]

    docs = [collections.Counter(words(d)) for d in documents]
    lengths = np.array([sum(c.values()) for c in docs], dtype=np.float64)
    avgdl = lengths.mean()
    scores = np.zeros(len(docs))
    for term in dict.fromkeys(words(query)):
        df = sum(1 for c in docs if term in c)
        if df == 0:
            continue
        idf = math.log(1.0 + (len(docs) - df + 0.5) / (df + 0.5))
        for i, c in enumerate(docs):
            tf = c.get(term, 0)
            if tf:
                scores[i] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[i] / avgdl))
    return scores


@pytest.fixture(scope="module")
def evaluator(tmp_path_factory):
    return harness.make_evaluator(BENCHMARK, SCALE, cache_dir=tmp_path_factory.mktemp("bm25-cache"), splits=("tune",))


def test_dataset_is_split_without_overlap():
    dataset = qa_data.load_dataset(qa_data.find_data_file("qa_dataset.json"))
    assert len(dataset.documents) >= 10000
    tune, evaluation = dataset.split("tune"), dataset.split("eval")
    assert len(evaluation) >= 4 * len(tune) > 0
    assert not {q.question for q in tune} & {q.question for q in evaluation}
    # Every kept question has an answer phrase in the corpus.
    normalized = [qa_data.normalize_answer(d) for d in dataset.documents[:3000]]
    sample = tune[:20]
    found = sum(
        any(f" {qa_data.normalize_answer(a)} " in f" {d} " for a in q.answers for d in normalized) for q in sample
    )
    assert found > 0
    with pytest.raises(ValueError, match="unknown split"):
        dataset.split("train")


def test_knobs():
    knobs = {k.id: k for k in compiler.export_knobs(BENCHMARK.mlir)}
    assert set(knobs) == {"preprocess", "select_documents", "score_term"}
    assert knobs["preprocess"].decision_values == (0, 1)
    assert knobs["preprocess"].state_function == "document_length_state"
    assert knobs["select_documents"].decision_values == (0, 1, 2, 3, 4, 5, 6)
    assert knobs["select_documents"].state_function == "query_terms_state"
    assert knobs["score_term"].decision_values == (0, 1, 2)
    assert knobs["score_term"].state_function == "term_idf_state"
    for knob in knobs.values():
        assert knob.transform_types == ("func_substitute",)


def test_exact_kernel_is_bm25(evaluator):
    """Scores of the compiled exact kernel equal an independent Python BM25."""
    library = BENCHMARK.build(None, evaluator.cache_dir).load()
    dataset = qa_data.load_dataset(qa_data.find_data_file("qa_dataset.json"))
    inputs = evaluator.inputs["tune"][0]
    for question, query in zip(dataset.split("tune")[:2], inputs.queries[:2]):
        scores = BENCHMARK.rank(library, inputs.corpus, query)
        expected = reference_scores(dataset.documents, question.question)
        np.testing.assert_allclose(scores, expected, rtol=1e-9, atol=1e-12)
        ranking = top_documents(scores)
        assert len(ranking) == TOP_K and np.all(np.diff(scores[ranking]) <= 0)


def test_exact_configuration_reproduces_ground_truth(evaluator):
    _, qos, _ = evaluator(EXACT)
    assert qos == 1.0


def test_each_knob_loses_some_quality(evaluator):
    for config in (
        {"preprocess": {"transform": F, "decisions": [1]}},
        {"select_documents": {"transform": F, "decisions": [1]}},
        {"score_term": {"transform": F, "decisions": [2]}},
    ):
        _, qos, _ = evaluator(config)
        assert 0.2 < qos < 1.0, config


def test_skipped_documents_are_marked(evaluator):
    library = BENCHMARK.build(HALF_CORPUS, evaluator.cache_dir).load()
    inputs = evaluator.inputs["tune"][0]
    scores = BENCHMARK.rank(library, inputs.corpus, inputs.queries[0])
    skipped = np.mean(scores == -1.0)
    assert 0.45 < skipped < 0.55


def best_of_interleaved(evaluator, config):
    """(exact ms, config ms) on the first tuning input: best of 3, interleaved (robust to a busy machine)."""
    inputs = evaluator.inputs["tune"][0]
    exact_library = BENCHMARK.build(EXACT, evaluator.cache_dir).load()
    fast_library = BENCHMARK.build(config, evaluator.cache_dir).load()
    exact_ms, fast_ms = float("inf"), float("inf")
    for _ in range(3):
        exact_ms = min(exact_ms, BENCHMARK.timed_run(exact_library, inputs)[0])
        fast_ms = min(fast_ms, BENCHMARK.timed_run(fast_library, inputs)[0])
    return exact_ms, fast_ms, fast_library, inputs


def test_approximate_configuration_is_cheaper(evaluator):
    exact_ms, fast_ms, fast_library, inputs = best_of_interleaved(evaluator, HALF_CORPUS)
    assert fast_ms < 0.8 * exact_ms, (fast_ms, exact_ms)
    assert BENCHMARK.qos(BENCHMARK.run(fast_library, inputs), evaluator.exact["tune"][0]) < 1.0


def test_prefilter_keeps_the_top_of_the_ranking(evaluator):
    """Variants 4-6 screen out most documents (score 0, never preprocessed)
    yet keep the exact top of each query's ranking."""
    inputs = evaluator.inputs["tune"][0]
    exact_library = BENCHMARK.build(EXACT, evaluator.cache_dir).load()
    for config in (PREFILTER_THOROUGH, PREFILTER_FAST):
        library = BENCHMARK.build(config, evaluator.cache_dir).load()
        matching = scored = 0
        for query in inputs.queries:
            exact = BENCHMARK.rank(exact_library, inputs.corpus, query)
            approximate = BENCHMARK.rank(library, inputs.corpus, query)
            assert np.all(approximate >= 0.0)  # nothing skipped by subsetting: screened documents score 0
            matching, scored = matching + np.sum(exact > 0), scored + np.sum(approximate > 0)
            top = set(top_documents(exact)[:10].tolist())
            assert len(top & set(top_documents(approximate)[:10].tolist())) >= 8, config
        # Over the queries, most matching documents are screened out (a query of common
        # words only keeps more of them).
        assert scored < 0.5 * matching, (config, scored, matching)
        _, qos, _ = evaluator(config)
        assert 0.95 < qos < 1.0, (config, qos)  # an approximation, and a close one


def test_prefilter_without_a_term_to_screen_by_is_exact(evaluator):
    """A query of one-letter words has no screening term: every document is
    preprocessed and scored, exactly as the exact kernel does."""
    inputs = evaluator.inputs["tune"][0]
    query = encode_query("a b c e i")
    exact = BENCHMARK.rank(BENCHMARK.build(EXACT, evaluator.cache_dir).load(), inputs.corpus, query)
    screened = BENCHMARK.rank(BENCHMARK.build(PREFILTER_FAST, evaluator.cache_dir).load(), inputs.corpus, query)
    assert np.sum(exact > 0) > 100
    np.testing.assert_array_equal(screened, exact)


def test_prefilter_is_cheaper(evaluator):
    exact_ms, fast_ms, _, _ = best_of_interleaved(evaluator, PREFILTER_FAST)
    assert fast_ms < 0.7 * exact_ms, (fast_ms, exact_ms)


def test_per_query_scores_average_to_the_qos(evaluator):
    # The tuner bootstraps loss intervals over these: one RBO per query.
    _, qos, scores = evaluator(HALF_CORPUS)
    assert len(scores) == len(evaluator.inputs["tune"][0].queries)
    assert np.mean(scores) == pytest.approx(qos) and min(scores) < max(scores)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
