"""lavaMD benchmark: inputs, knobs, exactness and the approximations' effect."""

import numpy as np
import pytest

from approxbench import harness
from approxbench.lavamd import BENCHMARK, NX, NY, NZ, PARTICLES_PER_BOX
from approxmlir import compiler

# 8 x 8 x 2 boxes of 48 particles: ~50-100 ms per exact run.
SCALE = 0.5  # 4 grids of 8 x 8 x 1 boxes

EXACT = {
    "self_box": {"transform": "loop_perforate", "decisions": [0]},
    "neighbor_box": {"transform": "func_substitute", "decisions": [0]},
}
# Every knob at its most aggressive value: 3/4 of every self-box loop and
# half of every neighbor-box loop skipped, a clear margin over timing noise.
FASTEST = {
    "self_box": {"transform": "loop_perforate", "decisions": [3]},
    "neighbor_box": {"transform": "func_substitute", "decisions": [3]},
}
# Appendix B.1: perforate particles with charge >= 0.5; variant 1 with
# probability 70 %, variant 2 with 30 % (random state 0..99 >= 70).
PAPER = {
    "self_box": {"transform": "loop_perforate", "thresholds": [50], "decisions": [0, 1]},
    "neighbor_box": {"transform": "func_substitute", "thresholds": [0, 70], "decisions": [0, 1, 2]},
}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("lavamd-cache")


@pytest.fixture(scope="module")
def evaluator(cache_dir):
    return harness.make_evaluator(BENCHMARK, SCALE, cache_dir=cache_dir, splits=("tune",))


def test_inputs_are_deterministic_and_sized():
    a, b = BENCHMARK.make_inputs("tune", SCALE), BENCHMARK.make_inputs("tune", SCALE)
    assert np.array_equal(a.rv, b.rv) and np.array_equal(a.qv, b.qv)
    assert (a.nx, a.ny, a.nz, a.ppb) == (NX, NY, 1, PARTICLES_PER_BOX)
    assert a.rv.shape == (4 * a.particles,) and a.qv.shape == (a.particles,)
    for array in (a.rv, a.qv):
        assert array.dtype == np.float64 and array.flags.c_contiguous
        assert array.min() >= 0.1 and array.max() <= 1.0
    full = BENCHMARK.make_inputs("tune", 1.0)
    assert full.nz == NZ // harness.TUNE_INSTANCES
    ev = BENCHMARK.make_inputs("eval", 1.0)
    assert (ev.nx, ev.ny, ev.nz) == (full.nx, full.ny, full.nz)  # one size; "eval" has 5x as many grids
    assert len(BENCHMARK.split_inputs("eval", 1.0)) == harness.EVAL_FACTOR * len(BENCHMARK.split_inputs("tune", 1.0))
    assert not np.array_equal(ev.qv[: full.particles], full.qv)  # another seed
    with pytest.raises(ValueError):
        BENCHMARK.make_inputs("train", 1.0)


def test_knobs():
    knobs = {k.id: k for k in compiler.export_knobs(BENCHMARK.mlir)}
    assert set(knobs) == {"self_box", "neighbor_box"}
    self_box, neighbor = knobs["self_box"], knobs["neighbor_box"]
    assert self_box.transform_types == ("loop_perforate",)
    assert self_box.state_function == "particle_charge_state"
    assert self_box.decision_values == (0, 1, 3)
    assert (self_box.num_thresholds, self_box.threshold_range) == (1, (0, 100))
    assert self_box.function == "self_box"
    assert neighbor.transform_types == ("func_substitute",)
    assert neighbor.state_function == "approx_rt_random_state"
    assert neighbor.decision_values == (0, 1, 2, 3)
    assert (neighbor.num_thresholds, neighbor.threshold_range) == (2, (0, 100))
    assert neighbor.function == "neighbor_box"


def test_exact_configuration_is_exact(evaluator):
    _, qos, _ = evaluator(EXACT)
    assert qos == 1.0
    exact = evaluator.exact["tune"][0]
    assert np.all(np.isfinite(exact)) and np.linalg.norm(exact) > 0
    # A decision tree whose branches are all exact is exact too.
    _, qos, _ = evaluator(
        {
            "self_box": {"transform": "loop_perforate", "thresholds": [50], "decisions": [0, 0]},
            "neighbor_box": {"transform": "func_substitute", "thresholds": [30, 60], "decisions": [0, 0, 0]},
        }
    )
    assert qos == 1.0


def test_approximations_lose_some_quality(evaluator):
    for config in (
        {"self_box": FASTEST["self_box"]},
        {"neighbor_box": {"transform": "func_substitute", "decisions": [1]}},
        FASTEST,
        PAPER,
    ):
        _, qos, _ = evaluator(config)
        assert 0.9 < qos < 1.0, config


def test_self_box_decides_by_the_particle_charge(evaluator, cache_dir):
    """Threshold 50: exactly the particles whose charge rounds to >= 50 % are perforated."""
    inputs = evaluator.inputs["tune"][0]
    config = {"self_box": PAPER["self_box"], "neighbor_box": EXACT["neighbor_box"]}
    output = BENCHMARK.run(BENCHMARK.build(config, cache_dir).load(), inputs)
    changed = np.any(output.reshape(-1, 4) != evaluator.exact["tune"][0].reshape(-1, 4), axis=1)
    state = np.floor(inputs.qv * 100.0 + 0.5)
    assert 0 < changed.sum() < changed.size
    assert np.array_equal(changed, state >= 50)


def test_probabilistic_substitution_is_reproducible(evaluator):
    """The runtime is reseeded before every timed run: the same draws, the same output."""
    config = {"neighbor_box": PAPER["neighbor_box"]}
    library = BENCHMARK.build(config, evaluator.cache_dir).load()
    _, first = BENCHMARK.timed_run(library, evaluator.inputs["tune"][0])
    _, second = BENCHMARK.timed_run(library, evaluator.inputs["tune"][0])
    assert np.array_equal(first, second)
    qos = BENCHMARK.qos(first, evaluator.exact["tune"][0])
    # Between always variant 1 and always variant 2.
    qos_1 = evaluator({"neighbor_box": {"transform": "func_substitute", "decisions": [1]}})[1]
    qos_2 = evaluator({"neighbor_box": {"transform": "func_substitute", "decisions": [2]}})[1]
    assert qos_2 < qos < qos_1


def test_approximate_configuration_is_cheaper(evaluator):
    inputs = evaluator.inputs["tune"][0]
    exact_library = BENCHMARK.build(EXACT, evaluator.cache_dir).load()
    fast_library = BENCHMARK.build(FASTEST, evaluator.cache_dir).load()
    BENCHMARK.run(exact_library, inputs)  # warm up (page faults, caches)
    BENCHMARK.run(fast_library, inputs)
    exact_ms, fast_ms = float("inf"), float("inf")
    for _ in range(5):  # interleaved, best of 5 x 3 runs each: robust to a busy machine
        exact_ms = min(exact_ms, BENCHMARK.timed_run(exact_library, inputs)[0])
        fast_ms = min(fast_ms, BENCHMARK.timed_run(fast_library, inputs)[0])
    assert fast_ms < 0.9 * exact_ms, (fast_ms, exact_ms)
    assert BENCHMARK.qos(BENCHMARK.run(fast_library, inputs), evaluator.exact["tune"][0]) < 1.0


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
