"""The JAX frontend's errors: each names the knob and what is wrong."""

import jax.numpy as jnp
import numpy as np
import pytest

from approxmlir.compiler import CompilerError
from approxmlir.frontends.jax import (
    DecisionTree,
    ExportError,
    Knob,
    KnobArgumentError,
    KnobDefinitionError,
    KnobError,
    MissingVariantError,
    SignatureMismatchError,
    StateError,
    UnknownTransformError,
)

X = np.arange(16, dtype=np.float32).reshape(4, 4)


def exact(a, b):
    return a @ b


def cheap(a, b):
    return a * b


def state_of(value):
    return lambda a, b: value


def knob(name="mm", **overrides):
    options = dict(
        kernel=exact,
        decision_tree=DecisionTree(runtime_function=state_of(10), thresholds_range=(0, 100)),
        decision_values=[0, 1],
        variants={1: cheap},
        example_args=(X, X),
    )
    options.update(overrides)
    return Knob(name, **options)


@pytest.fixture(scope="session")
def compile_options(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    return dict(cache_dir=base / "jax-iree-cache", native_cache_dir=base / "jax-native-cache")


# -- the knob's description ----------------------------------------------------


def test_variant_with_another_output_shape():
    def reduced(a, b):
        return (a @ b).sum(axis=0)

    with pytest.raises(
        SignatureMismatchError,
        match=r"knob 'mm': variant 1 \(.*reduced\) does not match the "
        r"exact kernel \(exact\): its output 0 is float32\[4\], the exact kernel's is "
        r"float32\[4,4\]",
    ):
        knob(variants={1: reduced}).lower()


def test_variant_with_another_output_dtype():
    def half(a, b):
        return (a @ b).astype(jnp.float16)

    with pytest.raises(SignatureMismatchError, match=r"output 0 is float16\[4,4\], the exact kernel's is float32"):
        knob(variants={1: half}).lower()


def test_variant_with_another_output_structure():
    def two(a, b):
        return a @ b, a

    with pytest.raises(SignatureMismatchError, match="outputs are structured as"):
        knob(variants={1: two}).lower()


def test_variant_taking_fewer_arguments_fails_to_export():
    with pytest.raises(ExportError, match=r"knob 'mm': exporting variant 1 \(.*one_arg\) to StableHLO failed"):

        def one_arg(a):
            return a

        knob(variants={1: one_arg}).lower()


def test_decision_value_without_a_variant():
    with pytest.raises(MissingVariantError, match=r"knob 'mm': decision value\(s\) \[2\] have no variant"):
        knob(decision_values=[0, 1, 2])


def test_variant_without_a_decision_value():
    with pytest.raises(MissingVariantError, match=r"variant\(s\) \[3\] are not among the decision_values \[0, 1\]"):
        knob(variants={1: cheap, 3: cheap})


def test_exact_kernel_given_as_variant_zero():
    with pytest.raises(KnobDefinitionError, match="decision value 0 is the exact kernel"):
        knob(variants={0: exact, 1: cheap})


@pytest.mark.parametrize("kind", ["loop_perforate", "task_skipping"])
def test_transform_kind_the_jax_frontend_cannot_lower(kind):
    with pytest.raises(
        UnknownTransformError,
        match=f"knob 'mm': transform_type '{kind}' is an approx transform "
        "kind, but the JAX frontend supports only func_substitute",
    ):
        knob(transform_type=kind)


def test_unknown_transform_kind():
    with pytest.raises(
        UnknownTransformError,
        match=r"unknown transform_type 'function_subst' \(transform kinds: "
        "loop_perforate, func_substitute",
    ):
        knob(transform_type="function_subst")


@pytest.mark.parametrize("name", ["", "1mm", "mm-fast", "mm fast", None])
def test_knob_names_must_be_identifiers(name):
    with pytest.raises(KnobDefinitionError, match="must be an identifier"):
        knob(name)


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(decision_values=[]), "decision_values is empty"),
        (dict(decision_values=[0, -1]), "decision value -1 is not a non-negative integer"),
        (dict(decision_values=[0, 1, 1]), "has duplicates"),
        (dict(decision_tree=DecisionTree(state_of(1), thresholds_range=(100, 0))), "lo <= hi"),
        (dict(decision_tree=DecisionTree(state_of(1), thresholds_range=(0.0, 1.0))), "must be two integers"),
        (dict(decision_tree=DecisionTree(state_of(1), num_thresholds=0)), "positive integer"),
        (dict(decision_tree=DecisionTree(state_of(1), thresholds_range=(0, 1), num_thresholds=3)), "do not fit"),
        (dict(decision_tree=DecisionTree("not callable")), "is not callable"),
        (dict(kernel=None), "kernel None is not callable"),
    ],
)
def test_invalid_descriptions(overrides, message):
    with pytest.raises(KnobDefinitionError, match=message):
        knob(**overrides)


def test_lowering_needs_example_arguments():
    with pytest.raises(KnobDefinitionError, match="no example_args"):
        knob(example_args=None).lower()


def test_kernel_that_fails_to_trace():
    def broken(a, b):
        return a @ b.reshape(8, 2)

    with pytest.raises(ExportError, match=r"exporting the exact kernel \(.*broken\) to StableHLO failed"):
        knob(kernel=broken, variants={1: broken}).lower()


# -- calls ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "state, message",
    [
        (0.5, r"knob 'mm': state function .* returned 0.5 of type float, not an integer"),
        (np.float32(7.0), r"returned np.float32\(7.0\) of type float32, not an integer"),
        (True, r"returned True of type bool, not an integer"),
        ("12", r"returned '12' of type str, not an integer"),
        (None, r"returned None of type NoneType, not an integer"),
        (150, r"knob 'mm': state function .* returned 150, outside the thresholds_range \[0, 100\]"),
        (-1, r"returned -1, outside the thresholds_range"),
    ],
)
def test_bad_states(compile_options, state, message):
    compiled = knob(decision_tree=DecisionTree(state_of(state), (0, 100))).compile(**compile_options)
    with pytest.raises(StateError, match=message) as info:
        compiled(X, X)
    assert info.value.knob == "mm"
    assert isinstance(info.value, KnobError) and isinstance(info.value, ValueError)


def test_a_static_knob_has_no_state(compile_options):
    compiled = knob(decision_tree=None).compile(**compile_options)
    with pytest.raises(KnobError, match="knob 'mm': the knob is static"):
        compiled.state(X, X)


def test_state_function_errors_propagate(compile_options):
    def failing(a, b):
        raise LookupError("no retrieval score")

    compiled = knob(decision_tree=DecisionTree(failing, (0, 100))).compile(**compile_options)
    with pytest.raises(LookupError, match="no retrieval score"):
        compiled(X, X)


@pytest.mark.parametrize(
    "args, message",
    [
        ((X, X.astype(np.float64)), r"argument leaf 1 is float64\[4,4\], the kernel takes float32\[4,4\]"),
        ((X, X[:2]), r"argument leaf 1 is float32\[2,4\], the kernel takes float32\[4,4\]"),
        ((X,), "arguments are structured as"),
    ],
)
def test_arguments_that_do_not_match_the_kernel(compile_options, args, message):
    compiled = knob(decision_tree=None).compile(**compile_options)
    with pytest.raises(KnobArgumentError, match=message):
        compiled(*args)


def test_configuration_outside_the_search_space_is_rejected_by_approx_opt(compile_options):
    with pytest.raises(CompilerError, match='knob "mm"'):
        knob().compile({"mm": {"thresholds": [50], "decisions": [0, 2]}}, **compile_options)
    with pytest.raises(CompilerError, match='knob "mm"'):
        knob().compile({"mm": {"thresholds": [500], "decisions": [0, 1]}}, **compile_options)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
