"""Annotated C through the frontend, approx-opt and the native backend: the knobs work."""

import os
import pathlib

import numpy as np
import pytest

from approxmlir import compiler, runtime
from approxmlir.compiler import CompilerError
from approxmlir.frontends.c import translate_file

SOURCE = pathlib.Path(os.path.abspath(__file__)).parent / "testdata" / "annotated.c"


@pytest.fixture(scope="module")
def mlir() -> str:
    return translate_file(SOURCE)


@pytest.fixture
def build(mlir, tmp_path):
    return lambda config=None: compiler.build_native(mlir, config, cache_dir=tmp_path).load()


def test_annotations_become_knobs_with_their_search_space(mlir):
    knobs = {k.id: k for k in compiler.export_knobs(mlir)}
    assert set(knobs) == {"sum_loop", "scale", "score", "classify_chain", "mean", "long_sum"}
    loop = knobs["sum_loop"]
    assert (loop.function, loop.transform_types, loop.state_function) == (
        "perforated_sum",
        ("loop_perforate",),
        "approx_rt_iteration",
    )
    assert (loop.num_thresholds, loop.threshold_range, loop.decision_values) == (1, (0, 100), (0, 1, 3))
    assert loop.location == f"{SOURCE}:10:1"
    assert knobs["classify_chain"].transform_types == ("task_skipping",)
    assert knobs["mean"].params is None


def test_exact_build_matches_the_c_semantics(build):
    lib = build()
    data = np.arange(1.0, 11.0)
    assert lib["perforated_sum"](data, 10) == 55.0
    assert lib["scaled"](1.5) == 3.0
    assert lib["score"](3.0) == 9.0
    assert [lib["classify"](v) for v in (5, 15, 25)] == [1, 2, 3]
    assert lib["mean"](data, 10) == 5.5


def test_decision_tree_from_a_pragma_switches_at_run_time(build):
    lib = build({"sum_loop": {"thresholds": [50], "decisions": [0, 3]}})
    data = np.arange(1.0, 11.0)
    rt = runtime.get_runtime()
    rt.set_iteration(10)
    assert lib["perforated_sum"](data, 10) == 55.0  # state < 50: exact
    rt.set_iteration(70)
    assert lib["perforated_sum"](data, 10) == 1.0 + 5.0 + 9.0  # every 4th element


def test_function_and_statement_substitution(build):
    lib = build({"scale": {"decisions": [1]}, "score": {"decisions": [1]}})
    assert lib["scaled"](1.5) == 4.5  # approx_slow_scale_1
    assert lib["score"](3.0) == 3.0  # approx_score_1 replaces the whole function


@pytest.mark.parametrize("branch", [1, 2, 3])
def test_task_skipping_keeps_one_branch(build, branch):
    lib = build({"classify_chain": {"decisions": [branch]}})
    assert [lib["classify"](v) for v in (5, 15, 25)] == [branch] * 3


def test_safety_contract_recovers_rejected_results(build):
    lib = build({"mean": {"decisions": [1]}})
    positive = np.arange(1.0, 11.0)
    assert lib["mean"](positive, 10) == (1 + 3 + 5 + 7 + 9) / 10  # accepted approximation
    assert lib.handle.recover_count() == 0
    mixed = np.tile([-1.0, 3.0], 5)  # every 2nd element sums to -5: rejected
    assert lib["mean"](mixed, 10) == 1.0
    assert lib.handle.recover_count() == 1


def test_state_function_on_the_function_parameters(build):
    lib = build({"long_sum": {"thresholds": [100], "decisions": [0, 1]}})
    data = np.ones(1000)
    assert lib["long_sum"](data, 50) == 50.0  # state 50 < 100: exact
    assert lib["long_sum"](data, 200) == 100.0  # state 200: every 2nd element


def test_bad_configuration_points_at_the_c_annotation(mlir):
    with pytest.raises(CompilerError) as error:
        compiler.apply_config(mlir, {"scale": {"decisions": [3]}})
    assert f"{SOURCE}:27:3: error: configuration" in error.value.diagnostics


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
