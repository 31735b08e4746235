"""Upstream ApproxMLIR's annotation grammar (its runtime/README, "C++
Comment-Driven Annotations") beside the paper's: every field with a positive
and a negative case, in comment and pragma form, and compiled kernels whose
state functions take some of the parameters (testdata/upstream_annotated.c)."""

from __future__ import annotations

import dataclasses
import os
import pathlib
import textwrap

import numpy as np
import pytest

from approxmlir import compiler
from approxmlir.frontends.c import FrontendError, translate_file, translate_source
from approxmlir.frontends.c.annotations import KnobSpec, knob_attributes, parse_annotations

FILE = "kernel.c"
SOURCE = pathlib.Path(os.path.abspath(__file__)).parent / "testdata" / "upstream_annotated.c"

# The upstream README's block, verbatim (notes after the fields included).
UPSTREAM_COMMENT = """\
// @approx:decision_tree {
//   transform_type: func_substitute
//   state_indices: [-1]         // optional, default: last arg
//   state_function: getState    // optional, default: identity helper
//   thresholds: [5, 10]         // required
//   thresholds_lower: [0, 0]    // optional (default: 0s)
//   thresholds_upper: [100, 100]// optional (default: 100s)
//   decisions: [0, 1, 2]        // required, len = thresholds + 1
//   decision_values: [0, 1, 2]  // optional tuning bounds
// }
"""

UPSTREAM_PRAGMA = """\
#pragma approx decision_tree transform_type=func_substitute state_indices=[-1] \\
  state_function=getState thresholds=[5, 10] thresholds_lower=[0, 0] \\
  thresholds_upper=[100, 100] decisions=[0, 1, 2] decision_values=[0, 1, 2]
"""

UPSTREAM_SPEC = KnobSpec(
    None,
    ("func_substitute",),
    (0, 1, 2),
    state_function="getState",
    num_thresholds=2,
    threshold_range=(0, 100),
    state_indices=(-1,),
    initial_thresholds=(5, 10),
    initial_decisions=(0, 1, 2),
)


def spec(source: str) -> KnobSpec:
    (annotation,) = parse_annotations(source, FILE)
    return annotation.spec


def error(source: str) -> tuple[int, int, str]:
    with pytest.raises(FrontendError) as info:
        parse_annotations(source, FILE)
    err = info.value
    assert err.location.file == FILE and err.message.startswith("annotation: ")
    return err.location.line, err.location.column, err.message


def upstream(**changes: str) -> str:
    """A one-line upstream block with fields replaced (value None: removed)."""
    fields = {
        "transform_type": "loop_perforate",
        "state_function": "s",
        "thresholds": "[5, 10]",
        "decisions": "[0, 1, 2]",
    }
    fields.update(changes)
    body = ", ".join(f"{k}: {v}" for k, v in fields.items() if v is not None)
    return f"// @approx:decision_tree {{ {body} }}\n"


@pytest.mark.parametrize("source", [UPSTREAM_COMMENT, UPSTREAM_PRAGMA], ids=["comment", "pragma"])
def test_the_readme_example_in_both_forms(source):
    assert spec(source) == UPSTREAM_SPEC
    assert knob_attributes(dataclasses.replace(UPSTREAM_SPEC, state_indices=None)) == (
        "transforms [func_substitute] state @getState thresholds 2 in [0, 100] decisions [0, 1, 2] "
        "params <transform = func_substitute, thresholds = [5, 10], decisions = [0, 1, 2]>"
    )


# --- positive cases, one per field


def test_transform_type():
    assert spec(upstream(transform_type="function_substitute")).transform_types == ("func_substitute",)


def test_state_indices_default_and_given():
    assert spec(upstream()).state_indices is None  # a state function without indices: the paper's rule
    assert spec(upstream(state_function=None)).state_indices == (-1,)  # identity of the last parameter
    assert spec(upstream(state_indices="[0, -2]")).state_indices == (0, -2)


def test_state_function_is_optional_in_the_upstream_form():
    got = spec(upstream(state_function=None))
    assert got.state_function is None and got.needs_state_adapter


def test_thresholds_are_the_initial_thresholds():
    got = spec(upstream())
    assert (got.num_thresholds, got.initial_thresholds) == (2, (5, 10))
    assert (got.threshold_range, got.threshold_bounds) == ((0, 100), None)  # upstream's default bounds


def test_one_element_bounds_keep_their_meaning():
    got = spec(upstream(thresholds_lower="[1]", thresholds_upper="[50]"))
    assert (got.threshold_range, got.threshold_bounds) == ((1, 50), None)


def test_per_threshold_bounds():
    got = spec(upstream(thresholds_lower="[0, 8]", thresholds_upper="[6, 100]"))
    assert (got.threshold_range, got.threshold_bounds) == ((0, 100), ((0, 6), (8, 100)))
    assert "thresholds 2 in [0, 100] bounds [0, 6, 8, 100] decisions" in knob_attributes(
        dataclasses.replace(got, state_indices=None)
    )


def test_per_threshold_bounds_in_the_papers_form_set_the_count():
    source = (
        "#pragma approx decision_tree state_function=s thresholds_lower=[0, 10, 20] thresholds_upper=[100]"
        " decision_values=[0, 1] transform_type=loop_perforate\n"
    )
    got = spec(source)
    assert got.num_thresholds == 3 and got.threshold_bounds == ((0, 100), (10, 100), (20, 100))
    assert got.initial_decisions == ()  # no starting params: the knob starts exact


def test_decisions_are_the_initial_decisions():
    assert spec(upstream()).initial_decisions == (0, 1, 2)


def test_decision_values_default_to_the_decisions():
    assert spec(upstream(decisions="[2, 0, 2]")).decision_values == (0, 2)
    assert spec(upstream(decision_values="[0, 1, 2, 3]")).decision_values == (0, 1, 2, 3)


def test_static_transform_with_an_initial_value():
    got = spec("// @approx:transform { transform_type: loop_perforate, knob_val: 2 }\n")
    assert (got.decision_values, got.initial_decisions) == ((0, 2), (2,))
    assert knob_attributes(got) == (
        "transforms [loop_perforate] decisions [0, 2] params <transform = loop_perforate, decisions = [2]>"
    )
    pragma = "#pragma approx transform transform_type=loop_perforate knob_val=1 decision_values=[0, 1, 3]\n"
    assert spec(pragma).decision_values == (0, 1, 3)


def test_notes_after_fields_are_ignored():
    assert spec(
        "// @approx:transform {  // the loop\n//   transform_type: loop_perforate // how\n"
        "//   decision_values: [0, 1] // values\n// }\n"
    ).decision_values == (0, 1)


# --- negative cases: located, specific

ERRORS = [
    ("transform_type_missing", upstream(transform_type=None), 1, 12, "needs field 'transform_type'"),
    ("transform_type_unknown", upstream(transform_type="skip"), 1, 44, "unknown transform type 'skip'"),
    ("state_indices_scalar", upstream(state_indices="-1"), 1, 137, "state_indices must be a list of parameter indices"),
    ("state_indices_empty", upstream(state_indices="[]"), 1, 137, "state_indices must not be empty"),
    ("state_indices_ident", upstream(state_indices="[n]"), 1, 138, "state_indices element must be an integer"),
    ("state_function_keyword", upstream(state_function="int"), 1, 76, "got the C keyword 'int'"),
    ("state_function_list", upstream(state_function="[s]"), 1, 76, "state_function must be a function name"),
    ("thresholds_not_ascending", upstream(thresholds="[10, 5]"), 1, 96, "strictly ascending, got 5 after 10"),
    ("thresholds_empty", upstream(thresholds="[]"), 1, 91, "thresholds must not be empty"),
    ("thresholds_without_decisions", upstream(decisions=None), 1, 79, "thresholds needs decisions"),
    ("decisions_without_thresholds", upstream(thresholds=None), 1, 79, "decisions needs thresholds"),
    (
        "threshold_outside_bounds",
        upstream(thresholds_lower="[0, 8]", thresholds_upper="[6, 100]", thresholds="[7, 10]"),
        1,
        92,
        "threshold 7 is outside its bounds [0, 6]",
    ),
    (
        "lower_length",
        upstream(thresholds_lower="[0, 0, 0]"),
        1,
        140,
        "thresholds_lower has 3 elements but the knob has 2 thresholds (thresholds: [5, 10])",
    ),
    (
        "upper_length",
        upstream(thresholds_upper="[100, 100, 100]"),
        1,
        140,
        "thresholds_upper has 3 elements but the knob has 2 thresholds",
    ),
    ("lower_scalar", upstream(thresholds_lower="0"), 1, 140, "thresholds_lower must be a one-element list like [0]"),
    (
        "upper_below_lower",
        upstream(thresholds_lower="[0, 50]", thresholds_upper="[100, 20]"),
        1,
        167,
        "threshold 2's upper bound 20 is below its lower bound 50",
    ),
    (
        "bounds_admit_no_thresholds",
        upstream(
            thresholds_lower="[4, 0]",
            thresholds_upper="[10, 4]",
            thresholds=None,
            decisions=None,
            decision_values="[0, 1]",
        ),
        1,
        12,
        "admit no strictly ascending thresholds",
    ),
    (
        "decisions_length",
        upstream(decisions="[0, 1]"),
        1,
        111,
        "decisions has 2 elements but thresholds has 2: a tree with 2 thresholds takes 3 decisions",
    ),
    ("decisions_negative", upstream(decisions="[0, -1, 2]"), 1, 115, "decisions element -1 is negative"),
    (
        "decision_outside_values",
        upstream(decision_values="[0, 1]"),
        1,
        118,
        "decision 2 is not one of decision_values [0, 1]",
    ),
    ("decision_values_duplicate", upstream(decision_values="[0, 1, 1]"), 1, 146, "duplicate decision value 1"),
    (
        "num_thresholds_mismatch",
        upstream(num_thresholds="3"),
        1,
        138,
        "num_thresholds is 3 but thresholds has 2 elements",
    ),
    (
        "knob_val_outside_values",
        "#pragma approx transform transform_type=loop_perforate knob_val=2 decision_values=[0, 1]\n",
        1,
        65,
        "knob_val 2 is not one of decision_values [0, 1]",
    ),
    ("knob_val_negative", "#pragma approx transform transform_type=loop_perforate knob_val=-2\n", 1, 65, "is negative"),
    (
        "knob_val_list",
        "#pragma approx transform transform_type=loop_perforate knob_val=[2]\n",
        1,
        65,
        "must be an integer",
    ),
]


@pytest.mark.parametrize("source, line, col, message", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error(source, line, col, message):
    got_line, got_col, got_message = error(source)
    assert message in got_message
    assert (got_line, got_col) == (line, col), got_message


# --- the translator: state_indices against the function's parameters


def translate_error(source: str) -> str:
    with pytest.raises(FrontendError) as info:
        translate_source(textwrap.dedent(source), FILE)
    return str(info.value)


KERNEL = """\
int level(int n) {{ return n; }}
double pick(double v) {{ return v; }}
{annotation}
double sum(int n, const double *x) {{
  double s = 0.0;
  for (int i = 0; i < n; i++) s += x[i];
  return s;
}}
"""


@pytest.mark.parametrize(
    "annotation, message",
    [
        (
            "state_indices=[2]",
            "kernel.c:3:96: annotation: state_indices element 2 is out of range: 'sum' has 2 parameters",
        ),
        ("state_indices=[-3]", "kernel.c:3:96: annotation: state_indices element -3 is out of range"),
        (
            "state_indices=[1]",
            "state_indices element 1 selects parameter 'x' of type 'const double *', but parameter 1 of state function 'level' has type 'int'",
        ),
        ("state_indices=[0, 0]", "state function 'level' takes 1 parameters but state_indices selects 2"),
    ],
)
def test_state_indices_are_checked_against_the_function(annotation, message):
    pragma = f"#pragma approx decision_tree transform_type=loop_perforate state_function=level {annotation} thresholds=[5] decisions=[0, 1]"
    assert message in translate_error(KERNEL.format(annotation=pragma))


def test_default_state_must_be_an_integer_parameter():
    pragma = (
        "#pragma approx decision_tree transform_type=loop_perforate state_indices=[1] thresholds=[5] decisions=[0, 1]"
    )
    assert "kernel.c:3:75: annotation: the default state is parameter 'x' itself, which must be an integer" in (
        translate_error(KERNEL.format(annotation=pragma))
    )


def test_state_function_must_return_an_integer():
    pragma = "#pragma approx decision_tree transform_type=loop_perforate state_function=pick state_indices=[0] thresholds=[5] decisions=[0, 1]"
    source = KERNEL.format(annotation=pragma).replace("double pick(double v)", "double pick(int v)")
    assert "state function 'pick' must return an integer, got 'double'" in translate_error(source)


def test_statement_knobs_need_a_state_function_without_arguments():
    source = """\
    void f(int n, double *x) {
      // @approx:decision_tree { transform_type: loop_perforate, thresholds: [5], decisions: [0, 1] }
      for (int i = 0; i < n; i++) x[i] = 0.0;
    }
    """
    assert "kernel.c:2:3: annotation: a statement's knob needs a state_function that takes no arguments" in (
        translate_error(source)
    )


# --- compiled and run


@pytest.fixture(scope="module")
def mlir() -> str:
    return translate_file(SOURCE)


@pytest.fixture(scope="module")
def lib(mlir, tmp_path_factory):
    # No configuration: the knobs run with the params the annotations start them with.
    return compiler.build_native(mlir, None, cache_dir=tmp_path_factory.mktemp("cache")).load()


def test_knobs_start_with_the_annotated_params(mlir):
    knobs = {k.id: k for k in compiler.export_knobs(mlir)}
    assert (knobs["sum"].num_thresholds, knobs["sum"].threshold_range) == (2, (0, 100))
    assert (knobs["sum"].params.thresholds, knobs["sum"].params.decisions) == ((5, 10), (0, 1, 2))
    assert knobs["sum"].threshold_bounds == ((0, 6), (8, 100))  # thresholds_lower / thresholds_upper
    assert knobs["sum"].state_function == "__approx_state_sum"
    assert knobs["half"].state_function is None and knobs["half"].params.decisions == (1,)
    assert knobs["grid"].threshold_range == (10, 1000)


def test_state_function_of_the_first_parameter(lib):
    x = np.arange(1.0, 41.0)
    assert lib["sum"](3, x) == x[:3].sum()  # level 3 < 5: exact
    assert lib["sum"](7, x) == x[:7:2].sum()  # 5 <= 7 < 10: every 2nd element
    assert lib["sum"](20, x) == x[:20:3].sum()  # >= 10: every 3rd


def test_identity_state_of_the_last_parameter(lib):
    x = np.arange(1.0, 201.0)
    assert lib["total"](x, 50) == x[:50].sum()
    assert lib["total"](x, 200) == x[:200:2].sum()


def test_static_transform_starts_at_its_value(lib):
    x = np.arange(1.0, 11.0)
    assert lib["half"](x, 10) == x[::2].sum()


def test_state_function_of_two_parameters_with_negative_indices(lib):
    x = np.arange(1.0, 101.0)
    assert lib["grid"](2, 3, x) == x[:6].sum()  # work 6 < 50: exact
    assert lib["grid"](10, 10, x) == x[:100:4].sum()  # work 100: decision 3, every 4th


def test_a_configuration_replaces_the_initial_params(mlir, tmp_path):
    lib = compiler.build_native(
        mlir, {"sum": {"thresholds": [1, 9], "decisions": [0, 0, 0]}}, cache_dir=tmp_path
    ).load()
    x = np.arange(1.0, 41.0)
    assert lib["sum"](20, x) == x[:20].sum()


def test_a_configuration_outside_the_per_threshold_bounds_is_rejected(mlir):
    with pytest.raises(compiler.CompilerError) as error:
        compiler.apply_config(mlir, {"sum": {"thresholds": [1, 2], "decisions": [0, 0, 0]}})
    assert "params threshold 1 (2) is outside its bounds [8, 100]" in str(error.value.diagnostics)
    assert "upstream_annotated.c:" in str(error.value.diagnostics)  # at the annotation


def test_state_indices_count_struct_parameters_as_one(tmp_path):
    # A struct parameter is several MLIR arguments; state_indices still count C parameters.
    source = textwrap.dedent(
        """\
        #include <stdint.h>
        struct span { double scale; int64_t offset; };
        int level(int n) { return n; }
        #pragma approx decision_tree transform_type=loop_perforate state_function=level state_indices=[1] \\
            thresholds=[5] decisions=[0, 1]
        double total(struct span s, int n, const double *x) {
          double sum = 0.0;
          for (int i = 0; i < n; i++) sum += s.scale * x[i + s.offset];
          return sum;
        }
        double run(int n, const double *x) { struct span s = {1.0, 0}; return total(s, n, x); }
        """
    )
    lib = compiler.build_native(translate_source(source, "span.c"), None, cache_dir=tmp_path).load()
    x = np.arange(1.0, 41.0)
    assert lib["run"](3, x) == x[:3].sum()  # level 3 < 5: exact
    assert lib["run"](20, x) == x[:20:2].sum()  # level 20: every 2nd element


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
