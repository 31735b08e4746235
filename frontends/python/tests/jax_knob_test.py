"""The JAX frontend end to end: export, selector, IREE variants, selection by state, the tuner's view."""

import json
import os
import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from approxmlir import compiler
from approxmlir.frontends.jax import DecisionTree, Knob, KnobError, StateError, bundle_knobs, describe, read_bundle
from approxmlir.frontends.jax import bundle as bundle_module

THIS_FILE = os.path.abspath(__file__)
DYNAMIC = {"sum": {"transform": "func_substitute", "thresholds": [50], "decisions": [0, 1]}}


def exact_sum(x, score):
    return jnp.sum(x * x)


def strided_sum(x, score):
    # Every other element, scaled: a cheaper estimate of the exact sum.
    return 2.0 * jnp.sum(x[::2] * x[::2])


def score_state(x, score):
    # A retrieval score in [0, 1] scaled to the knob's 0..100 state.
    return int(round(float(score) * 100))


X = np.linspace(0.0, 3.0, 64, dtype=np.float32) ** 2
LOW, HIGH = np.float32(0.2), np.float32(0.8)


@pytest.fixture(scope="session")
def iree_cache(tmp_path_factory):
    # One IREE cache per pytest session: each variant compiles once.
    return tmp_path_factory.getbasetemp() / "jax-iree-cache"


@pytest.fixture
def make_knob(iree_cache, tmp_path):
    def make(name="sum", **overrides):
        options = dict(
            kernel=exact_sum,
            decision_tree=DecisionTree(runtime_function=score_state, thresholds_range=(0, 100), num_thresholds=1),
            decision_values=[0, 1],
            transform_type="func_substitute",
            variants={1: strided_sum},
            example_args=(X, LOW),
            cache_dir=iree_cache,
            native_cache_dir=tmp_path / "native",
        )
        options.update(overrides)
        return Knob(name, **options)

    return make


def expected(fn, *args):
    return np.asarray(jax.jit(fn)(*args))


def test_each_variant_round_trips_through_iree(make_knob):
    compiled = make_knob().compile()
    for value, fn in ((0, exact_sum), (1, strided_sum)):
        got = compiled.run(value, X, LOW)
        assert isinstance(got, np.ndarray) and got.shape == () and got.dtype == np.float32
        np.testing.assert_allclose(got, expected(fn, X, LOW), rtol=1e-6)
    # The two variants differ, so the selection tests below see which one ran.
    assert abs(expected(exact_sum, X, LOW) - expected(strided_sum, X, LOW)) > 1.0


def test_unconfigured_knob_runs_the_exact_kernel(make_knob):
    compiled = make_knob().compile()
    assert compiled.params is None
    for score in (LOW, HIGH):
        assert compiled.select(X, score) == 0
        np.testing.assert_allclose(compiled(X, score), expected(exact_sum, X, score), rtol=1e-6)


def test_state_below_the_threshold_runs_exact_above_runs_the_variant(make_knob):
    compiled = make_knob().compile(DYNAMIC)
    assert (compiled.state(X, LOW), compiled.state(X, HIGH)) == (20, 80)
    assert (compiled.select(X, LOW), compiled.select(X, HIGH)) == (0, 1)
    np.testing.assert_allclose(compiled(X, LOW), expected(exact_sum, X, LOW), rtol=1e-6)
    np.testing.assert_allclose(compiled(X, HIGH), expected(strided_sum, X, HIGH), rtol=1e-6)
    # The threshold itself takes the upper branch (state >= threshold).
    assert compiled.select(X, np.float32(0.5)) == 1


def test_an_external_state_is_passed_by_the_program(make_knob):
    compiled = make_knob(decision_tree=DecisionTree.external((0, 100))).compile(DYNAMIC)
    assert (compiled.select(state=20), compiled.select(state=80), compiled.select(state=50)) == (0, 1, 1)
    np.testing.assert_allclose(
        compiled.run(compiled.select(state=80), X, LOW), expected(strided_sum, X, LOW), rtol=1e-6
    )
    with pytest.raises(KnobError, match="external"):
        compiled.select(X, LOW)  # no state function to compute it
    with pytest.raises(StateError, match=r"the state passed to select 101, outside the thresholds_range \[0, 100\]"):
        compiled.select(state=101)
    with pytest.raises(StateError, match="not an integer"):
        compiled.select(state=0.5)


def test_a_knob_with_a_state_function_rejects_a_passed_state(make_knob):
    compiled = make_knob().compile(DYNAMIC)
    with pytest.raises(KnobError, match="runtime_function"):
        compiled.select(X, LOW, state=20)


def test_a_tuned_configuration_changes_which_variant_runs(make_knob):
    knob = make_knob()
    swapped = knob.compile({"sum": {"thresholds": [30], "decisions": [1, 0]}})
    np.testing.assert_allclose(swapped(X, LOW), expected(strided_sum, X, LOW), rtol=1e-6)
    np.testing.assert_allclose(swapped(X, HIGH), expected(exact_sum, X, HIGH), rtol=1e-6)
    assert "scf.index_switch" in compiler.run_approx_opt(swapped.configured_mlir, ["--approx-pipeline"])


def test_configure_rebuilds_the_knob_on_the_next_call(make_knob):
    knob = make_knob()
    np.testing.assert_allclose(knob(X, HIGH), expected(exact_sum, X, HIGH), rtol=1e-6)
    knob.configure({**DYNAMIC, "some_c_knob": {"decisions": [1]}})  # other knobs' entries are ignored
    np.testing.assert_allclose(knob(X, HIGH), expected(strided_sum, X, HIGH), rtol=1e-6)
    np.testing.assert_allclose(knob(X, LOW), expected(exact_sum, X, LOW), rtol=1e-6)


def test_approx_opt_configuration_files_are_accepted(make_knob, tmp_path):
    path = tmp_path / "tuned.json"
    path.write_text(json.dumps({"knobs": {**DYNAMIC, "bm25_loop": {"decisions": [1]}}}))
    compiled = make_knob().compile(json.loads(path.read_text()))
    assert compiled.params.to_json() == DYNAMIC["sum"]
    assert (compiled.select(X, LOW), compiled.select(X, HIGH)) == (0, 1)


def test_static_knob_takes_one_decision_per_configuration(make_knob):
    knob = make_knob(decision_tree=None)
    assert knob.compile().select(X, LOW) == 0
    compiled = knob.compile({"sum": {"decisions": [1]}})
    for score in (LOW, HIGH):
        np.testing.assert_allclose(compiled(X, score), expected(strided_sum, X, score), rtol=1e-6)


def test_first_call_fixes_the_shapes_without_example_args(make_knob):
    knob = make_knob(example_args=None, config=DYNAMIC)
    np.testing.assert_allclose(knob(X, HIGH), expected(strided_sum, X, HIGH), rtol=1e-6)


def test_the_tuner_sees_the_knob_and_its_search_space(make_knob):
    knob = make_knob(
        decision_values=[0, 1, 2],
        variants={1: strided_sum, 2: strided_sum},
        decision_tree=DecisionTree(score_state, thresholds_range=[10, 90], num_thresholds=2),
    )
    lowered = knob.lower()
    for mlir in (lowered.combined_mlir, lowered.selector_mlir):
        (space,) = compiler.export_knobs(mlir)
        assert space.id == "sum"
        assert space.transform_types == ("func_substitute",)
        assert space.decision_values == (0, 1, 2)
        assert (space.num_thresholds, space.threshold_range) == (2, (10, 90))
        assert space.state_function == "sum_state" and space.function == "sum_select"
        assert space.params is None
        # The knob op carries the Python line that defined the knob.
        assert space.location.startswith(THIS_FILE + ":")


def test_the_combined_module_survives_apply_config(make_knob):
    lowered = make_knob().lower()
    configured = compiler.apply_config(lowered.combined_mlir, DYNAMIC)
    (space,) = compiler.export_knobs(configured)
    assert space.params.to_json() == DYNAMIC["sum"]
    variants = read_bundle(configured)["sum"]
    assert sorted(variants) == [0, 1]
    for value, exported in lowered.functions.items():
        assert variants[value].stablehlo == exported.stablehlo
        assert variants[value].signature == "(tensor<64xf32>, tensor<f32>) -> tensor<f32>"
    assert (variants[0].function, variants[1].function) == ("exact_sum", "strided_sum")
    assert "stablehlo.reduce" in lowered.functions[0].stablehlo
    assert "loc(" not in lowered.functions[0].stablehlo  # no debug locations: stable cache keys
    listing = describe(configured)
    assert "decision value 1: strided_sum" in listing and "stablehlo.slice" in listing


def test_several_knobs_share_one_bundle(make_knob):
    mlir = bundle_knobs(make_knob("sum"), make_knob("sum_again", decision_tree=None))
    spaces = {k.id: k for k in compiler.export_knobs(mlir)}
    assert set(spaces) == {"sum", "sum_again"}
    assert spaces["sum_again"].state_function is None
    assert set(read_bundle(mlir)) == {"sum", "sum_again"}


def pair_exact(inputs):
    return {"total": jnp.sum(inputs["x"]), "scaled": inputs["x"] * inputs["w"]}


def pair_cheap(inputs):
    return {"total": 2.0 * jnp.sum(inputs["x"][::2]), "scaled": inputs["x"] * inputs["w"]}


def test_pytree_arguments_and_results(make_knob):
    inputs = {"x": X, "w": np.float32(3.0)}
    knob = make_knob(
        "pairs",
        kernel=pair_exact,
        variants={1: pair_cheap},
        example_args=(inputs,),
        decision_tree=DecisionTree(lambda d: jnp.int32(d["w"] * 10), (0, 100)),
    )
    compiled = knob.compile({"pairs": {"thresholds": [20], "decisions": [0, 1]}})
    got = compiled(inputs)  # state 30 (a 0-d jax integer array): the cheap variant
    want = jax.jit(pair_cheap)(inputs)
    assert set(got) == {"total", "scaled"}
    np.testing.assert_allclose(got["total"], want["total"], rtol=1e-6)
    np.testing.assert_allclose(got["scaled"], want["scaled"], rtol=1e-6)


def test_jax_arrays_and_python_scalars_are_accepted(make_knob):
    compiled = make_knob().compile(DYNAMIC)
    np.testing.assert_allclose(compiled(jnp.asarray(X), 0.9), expected(strided_sum, X, HIGH), rtol=1e-6)


def test_the_bundle_reader_prints_every_variant(make_knob, tmp_path, capsys):
    path = tmp_path / "sum.mlir"
    path.write_text(make_knob().lower().combined_mlir)
    assert bundle_module.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "// ===== knob 'sum'" in out
    assert "decision values [0, 1], state sum_state, 1 threshold(s) in (0, 100)" in out
    assert out.count("func.func public @main") == 2


def test_concurrent_calls_each_get_their_own_selection(make_knob):
    # set_state and select share the selector's global state: calls from
    # several threads must not see each other's state.
    compiled = make_knob().compile(DYNAMIC)
    want = {s: expected(exact_sum if s < 0.5 else strided_sum, X, s) for s in (LOW, HIGH)}
    failures = []

    def worker(score):
        for _ in range(200):
            if not np.allclose(compiled(X, score), want[score], rtol=1e-6):
                failures.append(score)

    threads = [threading.Thread(target=worker, args=(s,)) for s in (LOW, HIGH, LOW, HIGH)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
