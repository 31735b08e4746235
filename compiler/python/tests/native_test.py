"""End to end: configured kernels built by the native backend, run, and checked numerically."""

import concurrent.futures
import os
import pathlib

import numpy as np
import pytest

from approxmlir import compiler, runtime
from approxmlir.compiler import CompilerError

TESTDATA = pathlib.Path(os.path.abspath(__file__)).parent / "testdata"
KERNELS = TESTDATA / "kernels.mlir"
HELPERS = TESTDATA / "kernels_helpers.c"


@pytest.fixture
def build(tmp_path):
    def build_with(config=None, **kwargs):
        kwargs.setdefault("c_sources", [HELPERS])
        return compiler.build_native(KERNELS, config, cache_dir=tmp_path / "cache", **kwargs)

    return build_with


@pytest.mark.parametrize("value", [1, 2, 3])
def test_loop_perforation_sums_every_v_plus_1th_element(build, value):
    data = np.random.default_rng(value).random(1001)
    library = build({"sum": {"decisions": [value]}}).load()
    assert library["sum"](data, data.size) == pytest.approx(data[:: value + 1].sum(), rel=1e-12)


def test_exact_configuration_sums_everything(build):
    data = np.random.default_rng(0).random(1001)
    assert build().load()["sum"](data, data.size) == pytest.approx(data.sum(), rel=1e-12)


@pytest.mark.parametrize("value, factor", [(0, 2.0), (1, 3.0), (2, 4.0)])
def test_function_substitution_calls_the_variant(build, value, factor):
    library = build({"scale_call": {"decisions": [value]}}).load()
    assert library["scaled"](1.5) == 1.5 * factor


@pytest.mark.parametrize("value", [1, 2, 3])
def test_task_skipping_runs_only_the_chosen_branch(build, value):
    classify = build({"classify": {"decisions": [value]}}).load()["classify"]
    out = np.zeros(1, dtype=np.int64)
    for x in (0, 15, 99):  # inputs that would take every branch
        out[0] = 0
        classify(x, out)
        assert out[0] == value


def test_task_skipping_exact_follows_the_conditions(build):
    classify = build().load()["classify"]
    out = np.zeros(1, dtype=np.int64)
    results = []
    for x in (0, 15, 99):
        classify(x, out)
        results.append(int(out[0]))
    assert results == [1, 2, 3]


def test_decision_tree_switches_at_run_time_without_rebuilding(build):
    # Branch 0 below 30 (exact), branch 1 in [30, 60) (every 2nd), branch 2 from 60 (every 4th).
    artifact = build({"sum": {"thresholds": [30, 60], "decisions": [0, 1, 3]}})
    sum_fn = artifact.load()["sum"]
    data = np.random.default_rng(1).random(1000)
    rt = runtime.get_runtime()
    expected = {
        0: data.sum(),
        29: data.sum(),
        30: data[::2].sum(),
        59: data[::2].sum(),
        60: data[::4].sum(),
        100: data[::4].sum(),
        -5: data.sum(),
    }
    for state, total in expected.items():
        rt.set_iteration(state)
        assert sum_fn(data, data.size) == pytest.approx(total, rel=1e-12), f"state {state}"
    # Still the same library: nothing was rebuilt.
    assert build({"sum": {"thresholds": [30, 60], "decisions": [0, 1, 3]}}).library == artifact.library


def test_try_check_recover_calls_recover_when_the_check_fails(build):
    library = build({"guarded": {"decisions": [1]}}).load()
    recover_calls = library.handle.recover_calls
    positive = np.ones(10)
    assert library["guarded_sum"](positive, 10) == 5.0  # approximate, accepted
    assert recover_calls() == 0
    # Every 2nd element sums to -5 (rejected); the exact sum is +5 (recovered).
    mixed = np.tile([-1.0, 2.0], 5)
    assert library["guarded_sum"](mixed, 10) == 5.0
    assert recover_calls() == 1


def test_repeated_build_is_cached_and_configs_are_distinct(build):
    first = build({"sum": {"decisions": [1]}})
    again = build({"sum": {"decisions": [1]}})
    other = build({"sum": {"decisions": [2]}})
    assert not first.from_cache and again.from_cache
    assert again.library == first.library and again.stage_seconds == {}
    assert other.cache_key != first.cache_key
    assert set(first.stage_seconds) == {"approx-opt", "mlir-opt", "mlir-translate", "clang"}


def test_parallel_builds_of_one_key_do_not_collide(build):
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        artifacts = list(pool.map(lambda _: build({"sum": {"decisions": [3]}}), range(4)))
    assert len({a.library for a in artifacts}) == 1
    data = np.arange(8.0)
    assert artifacts[0].load()["sum"](data, 8) == data[::4].sum()


def test_stage_errors_carry_the_stage(build, tmp_path):
    with pytest.raises(CompilerError) as error:
        compiler.build_native("func.func @f() {\n  %x = arith.bogus 1 : i32\n  return\n}", cache_dir=tmp_path)
    assert error.value.stage == "approx-opt"
    assert "<stdin>:2:8: error: custom op 'arith.bogus' is unknown" in error.value.diagnostics

    with pytest.raises(CompilerError) as error:
        build({"scale_call": {"decisions": [1]}}, c_sources=[])  # variants missing at link time
    assert error.value.stage == "clang"
    assert "undefined reference to `approx_scale_1'" in error.value.diagnostics

    broken = tmp_path / "broken.c"
    broken.write_text("int f( {\n")
    with pytest.raises(CompilerError) as error:
        build(c_sources=[broken])
    assert error.value.stage == "clang"
    assert "broken.c:1:" in error.value.diagnostics


def test_configuration_outside_the_space_fails_before_building(build):
    with pytest.raises(CompilerError, match="params decision 9 is not one of the knob"):
        build({"sum": {"decisions": [9]}})


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
