"""The pagerank kernel benchmark: inputs, exactness, an approximate speedup, the knobs."""

import numpy as np
import pytest

from approxbench import harness
from approxbench.pagerank import BENCHMARK, ITERATIONS, power_law_graph, top_ranking
from approxmlir.compiler import KnobParams, export_knobs

SCALE = 0.25  # 4 graphs of 25k nodes, 400k edges: ~0.1 s per exact run of the split
KNOBS = {"update_ranks", "neighbor_sum"}
EXACT = {knob: KnobParams("func_substitute", (0,)) for knob in KNOBS}
# Every 4th node per iteration, each summing a third of its in-neighbors.
APPROX = {knob: KnobParams("func_substitute", (2,)) for knob in KNOBS}


@pytest.fixture(scope="module")
def evaluator(tmp_path_factory):
    cache = tmp_path_factory.mktemp("build-cache")
    return harness.make_evaluator(BENCHMARK, SCALE, cache_dir=cache, splits=("tune",))


def test_inputs_are_deterministic_and_well_formed():
    a = BENCHMARK.make_inputs("tune", 0.01)
    b = BENCHMARK.make_inputs("tune", 0.01)
    for name in ("in_ptr", "in_src", "out_deg"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == np.int64 and x.flags.c_contiguous
        np.testing.assert_array_equal(x, y)
    assert a.n == 1000 and a.in_ptr[0] == 0 and a.in_ptr[-1] == a.m
    assert np.all(np.diff(a.in_ptr) >= 0)
    assert np.all((a.in_src >= 0) & (a.in_src < a.n))
    assert a.out_deg.sum() == a.m  # every edge has one source
    assert a.iterations == ITERATIONS
    assert BENCHMARK.make_inputs("eval", 0.01).n == a.n  # one size; "eval" has 5x as many graphs
    assert len(BENCHMARK.split_inputs("eval", 0.01)) == harness.EVAL_FACTOR * harness.TUNE_INSTANCES


def test_top_ranking_orders_by_rank_then_node():
    ranks = np.array([0.1, 0.3, 0.2, 0.3, 0.05])
    np.testing.assert_array_equal(top_ranking(ranks, k=3), [1, 3, 2])
    np.testing.assert_array_equal(top_ranking(ranks), [1, 3, 2, 0, 4])
    np.testing.assert_array_equal(top_ranking(np.array([1.0, 0.0, 1.0, 1.0]), k=2), [0, 2])


def test_exact_matches_numpy_power_iteration(evaluator):
    graph = evaluator.inputs["tune"][0]
    n = graph.n
    dst = np.repeat(np.arange(n), np.diff(graph.in_ptr))
    rank = np.full(n, 1.0 / n)
    for _ in range(graph.iterations):
        contrib = np.where(graph.out_deg > 0, rank / np.maximum(graph.out_deg, 1), 0.0)
        dangling = rank[graph.out_deg == 0].sum()
        rank = 0.15 / n + 0.85 * dangling / n + 0.85 * np.bincount(dst, contrib[graph.in_src], minlength=n)
    assert BENCHMARK.qos(top_ranking(rank), evaluator.exact["tune"][0]) > 0.999


def test_exact_configuration_has_full_quality(evaluator):
    _, qos, _ = evaluator(EXACT)
    assert qos == 1.0


def test_approximate_configuration_is_faster_and_less_accurate(evaluator):
    exact_ms, approx_ms = [], []
    for _ in range(3):  # best of several repeats: other processes share the machine
        exact_ms.append(evaluator(EXACT)[0])
        time_ms, qos, _ = evaluator(APPROX)
        approx_ms.append(time_ms)
        assert qos < 1.0
        if min(approx_ms) < 0.9 * min(exact_ms):
            break
    assert min(approx_ms) < 0.9 * min(exact_ms), (exact_ms, approx_ms)


def test_knobs_are_exported():
    knobs = {knob.id: knob for knob in export_knobs(BENCHMARK.mlir)}
    assert set(knobs) == KNOBS
    for knob in knobs.values():
        assert knob.transform_types == ("func_substitute",)
        assert knob.decision_values == (0, 1, 2)
        assert knob.state_function == "approx_rt_iteration"
        assert knob.threshold_range == (0, ITERATIONS)
        assert knob.num_thresholds == 2
        assert knob.is_dynamic


def test_graph_generator_rejects_tiny_graphs():
    with pytest.raises(ValueError):
        power_law_graph(1, 4, seed=0)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
