"""The kmeans kernel benchmark: knobs, inputs, exact and approximate builds."""

import numpy as np
import pytest

from approxbench.harness import TUNE_INSTANCES, instance_count, make_evaluator
from approxbench.kmeans import BENCHMARK, CLUSTERS, DIMENSIONS, ITERATIONS
from approxmlir import compiler

SCALE = 0.2  # 4 problems of 2000 points, 16 centroids, 32 dimensions, 20 iterations: ~15-20 ms each

# Every 4th point in every iteration (the loop rotates, so all points are visited).
PERFORATED = {"point_assignment": {"transform": "loop_perforate", "decisions": [3]}}
# Exact for the first 3 iterations, then each knob more aggressive.
DYNAMIC = {
    "point_assignment": {"thresholds": [3, 6, 10], "decisions": [0, 1, 2, 3]},
    "centroid_selection": {"thresholds": [3, 6, 10], "decisions": [0, 1, 3, 3]},
    "distance": {"thresholds": [3, 6, 10], "decisions": [0, 0, 1, 1]},
}


@pytest.fixture(scope="module")
def evaluator(tmp_path_factory):
    return make_evaluator(BENCHMARK, SCALE, cache_dir=tmp_path_factory.mktemp("cache"), splits=("tune",))


def best_ms(evaluator, config, rounds=3):
    """Best of `rounds` timed_run calls (each already the best of its repeats)."""
    library = BENCHMARK.build(config, evaluator.cache_dir).load()
    inputs = evaluator.inputs["tune"][0]
    return min(BENCHMARK.timed_run(library, inputs)[0] for _ in range(rounds))


def test_knobs_are_exported_with_their_search_space():
    knobs = {k.id: k for k in compiler.export_knobs(BENCHMARK.mlir)}
    assert set(knobs) == {"point_assignment", "centroid_selection", "distance"}
    expected = {
        "point_assignment": ("kmeans", ("loop_perforate",)),
        "centroid_selection": ("nearest_centroid", ("loop_perforate",)),
        "distance": ("sq_dist", ("func_substitute",)),
    }
    for knob_id, (function, transforms) in expected.items():
        knob = knobs[knob_id]
        assert (knob.function, knob.transform_types) == (function, transforms)
        assert knob.state_function == "approx_rt_iteration"
        assert knob.threshold_range == (0, ITERATIONS)
        assert knob.decision_values == (0, 1, 2, 3)
        assert knob.params is None  # the source leaves every knob exact


def test_inputs_are_deterministic_and_scaled():
    tune = BENCHMARK.make_inputs("tune", SCALE)
    again = BENCHMARK.make_inputs("tune", SCALE)
    evaluation = BENCHMARK.make_inputs("eval", SCALE)
    assert np.array_equal(tune.points, again.points) and np.array_equal(tune.centroids, again.centroids)
    assert tune.points.shape == (2000, DIMENSIONS) and tune.points.flags.c_contiguous
    # Every problem of either split has the tuning size; "eval" has 5x as many.
    assert evaluation.points.shape == (2000, DIMENSIONS)
    assert len(BENCHMARK.split_inputs("tune", SCALE)) == TUNE_INSTANCES
    assert len(BENCHMARK.split_inputs("eval", SCALE)) == 5 * TUNE_INSTANCES == instance_count("eval")
    other = BENCHMARK.make_inputs("tune", SCALE, 1)
    assert not {row.tobytes() for row in tune.points} & {row.tobytes() for row in other.points}
    with pytest.raises(ValueError, match="has 4 instances"):
        BENCHMARK.make_inputs("tune", SCALE, TUNE_INSTANCES)
    assert tune.centroids.shape == (CLUSTERS, DIMENSIONS)
    assert tune.iterations == ITERATIONS
    assert tune.points.min() >= 0.0 and tune.points.max() <= 100.0
    # The splits do not share points.
    assert not {row.tobytes() for row in tune.points} & {row.tobytes() for row in evaluation.points}
    with pytest.raises(ValueError):
        BENCHMARK.make_inputs("test", SCALE)


def test_qos_matches_centroids_up_to_a_permutation():
    exact = np.arange(12.0).reshape(4, 3) + 1.0
    assert BENCHMARK.qos(exact[[2, 0, 3, 1]], exact) == 1.0
    moved = exact.copy()
    moved[1, 0] += 1.0
    assert BENCHMARK.qos(moved, exact) == pytest.approx(1.0 - 1.0 / np.linalg.norm(exact))
    assert BENCHMARK.qos(np.full_like(exact, np.nan), exact) == -np.inf


def test_exact_configuration_is_exact(evaluator):
    assert evaluator.exact_ms["tune"] > 0.0
    exact = evaluator.exact["tune"][0]
    assert exact.shape == (CLUSTERS, DIMENSIONS) and np.all(np.isfinite(exact))
    # The exact build is deterministic; every knob at value 0 is the exact build.
    time_ms, qos, scores = evaluator({})
    assert qos == 1.0 and time_ms > 0.0 and scores == [1.0] * TUNE_INSTANCES
    zeros = {knob: {"decisions": [0]} for knob in ("point_assignment", "centroid_selection", "distance")}
    assert evaluator(zeros)[1] == 1.0


def test_exact_kmeans_finds_the_generating_clusters(evaluator):
    # Lloyd's algorithm from one point per cluster: the exact centroids are
    # the clusters' means, close to the generating centres (the QoS then
    # measures how well an approximation estimates them).
    library = BENCHMARK.build(None, evaluator.cache_dir).load()
    inputs = evaluator.inputs["tune"][0]
    centroids = BENCHMARK.run(library, inputs)
    distances = np.linalg.norm(inputs.points[:, None, :] - centroids[None, :, :], axis=2)
    labels = distances.argmin(axis=1)
    for c in range(CLUSTERS):
        assert np.allclose(centroids[c], inputs.points[labels == c].mean(axis=0))


def test_perforated_point_loop_is_cheaper_and_approximate(evaluator):
    exact_ms = best_ms(evaluator, None)
    approx_ms = best_ms(evaluator, PERFORATED)
    _, qos, _ = evaluator(PERFORATED)
    assert approx_ms < 0.9 * exact_ms, (approx_ms, exact_ms)
    assert 0.9 < qos < 1.0


def test_perforated_point_loop_still_assigns_every_point(evaluator):
    library = BENCHMARK.build(PERFORATED, evaluator.cache_dir).load()
    inputs = evaluator.inputs["tune"][0]
    n, d = inputs.points.shape
    centroids = inputs.centroids.copy()
    assignment = np.full(n, -7, dtype=np.int64)
    library[BENCHMARK.entry](
        inputs.points.reshape(-1),
        n,
        d,
        centroids.reshape(-1),
        CLUSTERS,
        inputs.iterations,
        assignment,
        np.empty(CLUSTERS * d),
        np.empty(CLUSTERS, np.int64),
    )
    assert assignment.min() >= 0 and assignment.max() < CLUSTERS
    # Only 1 iteration: 3 points in 4 are never visited and stay unassigned.
    assignment[:] = -7
    library[BENCHMARK.entry](
        inputs.points.reshape(-1),
        n,
        d,
        inputs.centroids.copy().reshape(-1),
        CLUSTERS,
        1,
        assignment,
        np.empty(CLUSTERS * d),
        np.empty(CLUSTERS, np.int64),
    )
    assert np.count_nonzero(assignment == -1) == n - (n + 3) // 4


def test_decision_trees_on_the_iteration_number(evaluator):
    _, qos, _ = evaluator(DYNAMIC)
    assert 0.9 < qos < 1.0
    assert best_ms(evaluator, DYNAMIC) < 0.9 * best_ms(evaluator, None)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
