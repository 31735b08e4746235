"""Tests of the C annotation parser (approxmlir.frontends.c.annotations)."""

from __future__ import annotations

import json
import random
import subprocess
import textwrap

import pytest

from approxmlir.frontends.c.annotations import (
    Annotation,
    KnobSpec,
    knob_attributes,
    parse_annotations,
)
from approxmlir.frontends.c.errors import FrontendError, SourceLocation

FILE = "kernel.c"

# Section 4.3 of the paper, verbatim.
PAPER_COMMENT = """\
// @approx:decision_tree {
//   state_function: get_state
//   thresholds_lower: [0]
//   thresholds_upper: [100]
//   decision_values: [0, 1]
//   transform_type: func_substitute
// }
"""

PAPER_PRAGMA = """\
#pragma approx decision_tree \\
  state_function=get_state \\
  thresholds_lower=[0] \\
  thresholds_upper=[100] \\
  decision_values=[0, 1] \\
  transform_type=func_substitute
"""

PAPER_SPEC = KnobSpec(
    id=None,
    transform_types=("func_substitute",),
    decision_values=(0, 1),
    state_function="get_state",
    num_thresholds=1,
    threshold_range=(0, 100),
)


def parse(source: str) -> list[Annotation]:
    return parse_annotations(textwrap.dedent(source), FILE)


def error(source: str) -> tuple[int, int, str]:
    with pytest.raises(FrontendError) as info:
        parse_annotations(source, FILE)
    err = info.value
    assert err.location.file == FILE
    assert err.message.startswith("annotation: ")
    assert str(err) == f"{FILE}:{err.location.line}:{err.location.column}: {err.message}"
    return err.location.line, err.location.column, err.message


# ---------------------------------------------------------------------------
# The two forms


def test_paper_comment_form():
    source = PAPER_COMMENT + "double score(double x) { return bm25(x); }\n"
    assert parse_annotations(source, FILE) == [Annotation(PAPER_SPEC, SourceLocation(FILE, 1, 1), 7)]


def test_paper_pragma_form():
    source = PAPER_PRAGMA + "double score(double x) { return bm25(x); }\n"
    assert parse_annotations(source, FILE) == [Annotation(PAPER_SPEC, SourceLocation(FILE, 1, 1), 6)]


def test_paper_python_form_equivalent():
    # The threshold_range form means the same as thresholds_lower/upper.
    (a,) = parse(
        """\
        // @approx:decision_tree {
        //   state_function: get_state
        //   threshold_range: [0, 100]
        //   decision_values: [0, 1]
        //   transform_type: function_substitute
        // }
        f();
        """
    )
    assert a.spec == PAPER_SPEC


def test_both_forms_mixed_in_one_file():
    source = (
        "#include <math.h>\n"  # 1
        "\n"  # 2
        + PAPER_COMMENT  # 3-9
        + "double a(double x) { return bm25(x); }\n"  # 10
        "\n"  # 11
        + PAPER_PRAGMA  # 12-17
        + "double b(double x) { return bm25(x); }\n"  # 18
        "void c(int n, double *v) {\n"  # 19
        "  // @approx:transform { transform_type: loop_perforate, decision_values: [0, 1, 2] }\n"  # 20
        "  for (int i = 0; i < n; i++) v[i] = 0;\n"  # 21
        "}\n"
    )
    result = parse_annotations(source, FILE)
    assert [(a.location.line, a.location.column, a.end_line) for a in result] == [(3, 1, 9), (12, 1, 17), (20, 3, 20)]
    assert result[0].spec == result[1].spec == PAPER_SPEC
    assert result[2].spec == KnobSpec(None, ("loop_perforate",), (0, 1, 2))


def test_one_line_comment_form():
    (a,) = parse(
        """\
        // @approx:transform { transform_type: loop_perforate, decision_values: [0, 1, 2] }
        for (;;) {}
        """
    )
    assert a.spec == KnobSpec(None, ("loop_perforate",), (0, 1, 2))
    assert a.end_line == 1


def test_comment_block_layouts():
    # Fields on the opening and closing lines, commas, a list over two lines,
    # a trailing comma, `//` without a space.
    (a,) = parse(
        """\
        //@approx:decision_tree { id: sum_loop,
        //   state_function: load, threshold_range: [-5, 5],
        //   decision_values: [3, 0
        //                     , 1,],
        //   transform_type: [
        //     task_skipping, loop_perforate], }
        int x;
        """
    )
    assert a.spec == KnobSpec(
        id="sum_loop",
        transform_types=("task_skipping", "loop_perforate"),
        decision_values=(0, 1, 3),
        state_function="load",
        num_thresholds=2,
        threshold_range=(-5, 5),
    )
    assert (a.location.line, a.end_line) == (1, 6)


def test_pragma_layouts():
    # Spaces around '=', commas between fields, comments inside the directive,
    # spaces between '#' and 'pragma', a list split by a continuation.
    (a, b) = parse(
        """\
        #  pragma   approx transform transform_type = loop_perforate, decision_values=[0, \\
                1, 2] // three choices
        for (;;) {}
        #pragma approx /* static */ transform id=k2 transform_type=[func_substitute]\\
          decision_values=[4]
        f();
        """
    )
    assert a.spec == KnobSpec(None, ("loop_perforate",), (0, 1, 2))
    assert (a.location.line, a.location.column, a.end_line) == (1, 1, 2)
    assert b.spec == KnobSpec("k2", ("func_substitute",), (4,))
    assert (b.location.line, b.end_line) == (4, 5)


def test_indented_and_crlf():
    source = "void f() {\r\n    #pragma approx transform \\\r\n      transform_type=task_skipping decision_values=[0, 1]\r\n    if (x) {}\r\n}\r\n"
    (a,) = parse_annotations(source, FILE)
    assert (a.location.line, a.location.column, a.end_line) == (2, 5, 3)
    assert a.spec.transform_types == ("task_skipping",)


# ---------------------------------------------------------------------------
# Defaults, aliases, canonical forms


@pytest.mark.parametrize(
    "fields, expected",
    [
        ("decision_values: [0, 1]", 1),  # the paper: N decisions, N-1 thresholds
        ("decision_values: [0, 1, 2, 3]", 3),
        ("decision_values: [5]", 1),  # at least one threshold
        ("decision_values: [0, 1, 2, 3], threshold_range: [7, 8]", 2),  # clamped to the range
        ("decision_values: [0, 1], threshold_range: [7, 7]", 1),
        ("decision_values: [0, 1], num_thresholds: 4", 4),
        ("decision_values: [0, 1, 2], num_thresholds: 1", 1),
    ],
)
def test_num_thresholds_default(fields, expected):
    if "threshold_range" not in fields:
        fields += ", threshold_range: [0, 100]"
    (a,) = parse(f"// @approx:decision_tree {{ state_function: s, transform_type: loop_perforate, {fields} }}\nx;\n")
    assert a.spec.num_thresholds == expected


def test_function_substitute_alias_and_order():
    (a, b) = parse(
        """\
        #pragma approx transform transform_type=function_substitute decision_values=[2, 0, 1]
        f();
        #pragma approx transform transform_type=[task_skipping, function_substitute, loop_perforate] decision_values=[0]
        f();
        """
    )
    assert a.spec.transform_types == ("func_substitute",)
    assert a.spec.decision_values == (0, 1, 2)
    assert b.spec.transform_types == ("task_skipping", "func_substitute", "loop_perforate")


def test_static_knob_defaults():
    (a,) = parse("// @approx:transform { transform_type: loop_perforate, decision_values: [0, 1] }\nx;\n")
    assert a.spec.state_function is None
    assert a.spec.num_thresholds == 0
    assert a.spec.threshold_range is None
    assert a.spec.checker is None and a.spec.recover is None
    assert a.spec.id is None


def test_full_range_of_i64():
    (a,) = parse(
        """\
        // @approx:decision_tree {
        //   state_function: s, transform_type: loop_perforate, decision_values: [0, 9223372036854775807]
        //   threshold_range: [-9223372036854775808, 9223372036854775807], num_thresholds: 3
        // }
        """
    )
    assert a.spec.threshold_range == (-(2**63), 2**63 - 1)
    assert a.spec.decision_values == (0, 2**63 - 1)


# ---------------------------------------------------------------------------
# Grouping


def test_group_transform_and_safety_across_forms():
    result = parse(
        """\
        void f(double *a, int n) {
          // @approx:decision_tree {
          //   id: sum
          //   state_function: get_state
          //   thresholds_lower: [0]
          //   thresholds_upper: [100]
          //   decision_values: [0, 1, 2]
          //   transform_type: loop_perforate
          // }

          // The contract: a plausible sum, else the exact one.
          /* (checked after the loop) */
          #pragma approx safety checker=sum_is_plausible \\
              recover=exact_sum
          for (int i = 0; i < n; i++) {}
        }
        """
    )
    assert result == [
        Annotation(
            KnobSpec(
                id="sum",
                transform_types=("loop_perforate",),
                decision_values=(0, 1, 2),
                state_function="get_state",
                num_thresholds=2,
                threshold_range=(0, 100),
                checker="sum_is_plausible",
                recover="exact_sum",
            ),
            SourceLocation(FILE, 2, 3),
            14,
        )
    ]


def test_safety_first_then_transform():
    (a,) = parse(
        """\
        // @approx:safety { checker: ok, recover: exact }
        #pragma approx transform transform_type=func_substitute decision_values=[0, 1]
        y = g(x);
        """
    )
    assert (a.spec.checker, a.spec.recover) == ("ok", "exact")
    assert a.spec.transform_types == ("func_substitute",)
    assert (a.location.line, a.end_line) == (1, 2)


def test_code_separates_groups():
    result = parse(
        """\
        #pragma approx transform transform_type=loop_perforate decision_values=[0, 1]
        for (;;) {}
        #pragma approx transform transform_type=loop_perforate decision_values=[0, 2]
        #pragma omp parallel for
        for (;;) {}
        // @approx:transform { transform_type: loop_perforate, decision_values: [0, 3] }
        """
    )
    assert [a.spec.decision_values for a in result] == [(0, 1), (0, 2), (0, 3)]
    assert [a.end_line for a in result] == [1, 3, 6]


# ---------------------------------------------------------------------------
# What is ignored


def test_ignored_comments_strings_and_pragmas():
    source = textwrap.dedent(
        """\
        #pragma once
        #pragma omp parallel for
        #pragma approximate transform transform_type=x
        #pragma GCC diagnostic push
        // A comment mentioning @approx:transform { is not an annotation.
        /// @approx:transform { doc comments neither
        //  approx:transform { nor without the at sign
        /* // @approx:transform {
           //   transform_type: loop_perforate
           // } */
        /*
        #pragma approx transform transform_type=loop_perforate decision_values=[0]
        */
        const char *s = "// @approx:transform { transform_type: nope }";
        const char *t = "\\" // @approx:safety { garbage";
        char q = '"'; // @approx is only an annotation at the start of a comment
        const char *u = "/* not a comment"; int after_string;
        #define MACRO "#pragma approx transform"
        #define ESCAPED "a\\"b // @approx:transform {"
        const char *unterminated = "a
        #pragma GCC poison
        // A comment ending in a backslash swallows the next line, as in C: \\
        #pragma approx transform garbage
        int x;
        #if 0
        #endif
        /* unterminated at the end of the file
        // @approx:transform {
        """
    )
    assert parse_annotations(source, FILE) == []


def test_block_comment_then_annotation_on_next_line():
    (a,) = parse(
        """\
        /* @approx:transform { */
        // @approx:transform { transform_type: task_skipping, decision_values: [0, 1] }
        if (x) {} else {}
        """
    )
    assert a.location == SourceLocation(FILE, 2, 1)


def test_annotations_in_if0_still_count():
    (a,) = parse(
        """\
        #if 0
        #pragma approx transform transform_type=loop_perforate decision_values=[0]
        #endif
        """
    )
    assert a.spec.decision_values == (0,)


def test_empty_source():
    assert parse_annotations("", FILE) == []
    assert parse_annotations("int main(void) { return 0; }", FILE) == []


# ---------------------------------------------------------------------------
# Errors, each at its exact line:col

ERRORS = [
    # --- kinds and structure of comment blocks
    ("unknown_kind_comment", "// @approx:decision {\n// }\n", 1, 12, "unknown annotation kind 'decision'"),
    (
        "missing_kind_comment",
        "// @approx: {\n// }\n",
        1,
        13,
        "expected an annotation kind (decision_tree, transform or safety) after '@approx:', got '{'",
    ),
    (
        "missing_brace",
        "// @approx:transform transform_type: loop_perforate\n",
        1,
        22,
        "expected '{' after '@approx:transform', got 'transform_type'",
    ),
    ("missing_brace_eol", "  // @approx:safety\n", 1, 20, "expected '{' after '@approx:safety', got end of line"),
    (
        "unterminated_code",
        "// @approx:transform {\n//   transform_type: loop_perforate\nfor (;;) {}\n",
        1,
        22,
        "unterminated '{'",
    ),
    ("unterminated_eof", "x;\n  // @approx:transform {\n  //   decision_values: [0]", 2, 24, "unterminated '{'"),
    (
        "unterminated_blank_line",
        "// @approx:transform {\n//   transform_type: loop_perforate\n\n// }\n",
        1,
        22,
        "unterminated '{'",
    ),
    (
        "unterminated_by_next_annotation",
        "// @approx:transform {\n//   transform_type: loop_perforate\n// @approx:safety { checker: c, recover: r }\n",
        1,
        22,
        "unterminated '{'",
    ),
    (
        "unterminated_trailing_code_comment",
        "// @approx:transform {\nint x; // }\n",
        1,
        22,
        "unterminated '{'",
    ),
    (
        "after_closing_brace",
        "// @approx:safety { checker: c, recover: r } extra\n",
        1,
        46,
        "unexpected 'extra' after the closing '}'",
    ),
    (
        "after_closing_brace_next",
        "// @approx:safety { checker: c\n//   recover: r }, x\n",
        2,
        18,
        "unexpected ',' after the closing '}'",
    ),
    (
        "annotation_after_code",
        "int x; // @approx:transform { transform_type: loop_perforate, decision_values: [0] }\n",
        1,
        11,
        "an @approx comment must be on its own line",
    ),
    (
        "splice_in_first_line",
        "// @approx:transform { \\\n transform_type: loop_perforate }\n",
        1,
        24,
        "backslash line continuation in an @approx comment",
    ),
    ("splice_at_eof", "// @approx:transform { \\\n", 1, 24, "backslash line continuation in an @approx comment"),
    (
        "splice_in_block",
        "// @approx:transform {\n//   transform_type: loop_perforate \\\n// }\n",
        2,
        37,
        "backslash line continuation in an @approx comment",
    ),
    (
        "missing_separator",
        "// @approx:transform { transform_type: loop_perforate decision_values: [0] }\n",
        1,
        55,
        "expected ',' or a line break before 'decision_values'",
    ),
    (
        "double_comma",
        "// @approx:transform { transform_type: loop_perforate,, decision_values: [0] }\n",
        1,
        55,
        "expected a field name, got ','",
    ),
    (
        "equals_in_comment",
        "// @approx:transform { transform_type = loop_perforate }\n",
        1,
        39,
        "expected ':' after field name 'transform_type', got '='",
    ),
    (
        "nested_brace",
        "// @approx:transform {\n//   { transform_type: loop_perforate }\n",
        2,
        6,
        "expected a field name, got '{'",
    ),
    (
        "value_missing_eol",
        "// @approx:transform {\n//   transform_type:\n// }\n",
        2,
        21,
        "expected a value for field 'transform_type' (an integer, an identifier or a [list]), got end of line",
    ),
    (
        "garbage_char",
        "// @approx:transform {\n//   decision_values: [0, 1] %\n// }\n",
        2,
        30,
        "unexpected character '%'",
    ),
    (
        # A note after a field (`// ...`, as upstream ApproxMLIR's examples write) is
        # fine (upstream_grammar_test.py); a lone '/' is not.
        "stray_slash",
        "// @approx:transform {\n//   decision_values: [0] / note\n// }\n",
        2,
        27,
        "unexpected character '/'",
    ),
    ("string_value", '// @approx:transform { id: "k" }\n', 1, 28, "unexpected character '\"'"),
    # --- pragmas
    ("unknown_kind_pragma", "#pragma approx perfo(small:2)\n", 1, 16, "unknown annotation kind 'perfo'"),
    (
        "missing_kind_pragma",
        "#pragma approx\n",
        1,
        15,
        "expected an annotation kind (decision_tree, transform or safety) after '#pragma approx', got end of pragma",
    ),
    ("missing_kind_pragma_comment", "#pragma approx // nothing\n", 1, 15, "got end of pragma"),
    (
        "pragma_colon",
        "#pragma approx safety checker: c recover: r\n",
        1,
        30,
        "expected '=' after field name 'checker', got ':'",
    ),
    (
        "pragma_no_equals",
        "#pragma approx decision_tree state_function get_state\n",
        1,
        45,
        "expected '=' after field name 'state_function', got 'get_state'",
    ),
    (
        "pragma_value_missing",
        "#pragma approx decision_tree state_function=\n",
        1,
        45,
        "expected a value for field 'state_function' (an integer, an identifier or a [list]), got end of pragma",
    ),
    (
        "pragma_braces",
        "#pragma approx transform { transform_type=loop_perforate }\n",
        1,
        26,
        "expected a field name, got '{'",
    ),
    (
        "pragma_swallowed_code",
        "#pragma approx transform transform_type=loop_perforate decision_values=[0] \\\nfor (i = 0;;) {}\n",
        2,
        5,
        "unexpected character '('",
    ),
    (
        "dangling_backslash",
        "x;\n#pragma approx transform transform_type=loop_perforate \\\n",
        2,
        56,
        "backslash line continuation at the end of the file",
    ),
    (
        "dangling_backslash_in_comment",
        "#pragma approx transform // c \\\n",
        1,
        31,
        "backslash line continuation at the end of the file",
    ),
    (
        "dangling_backslash_no_newline",
        "#pragma approx transform \\",
        1,
        26,
        "backslash line continuation at the end of the file",
    ),
    # --- lists and integers
    (
        "list_missing_comma",
        "#pragma approx transform decision_values=[0 1]\n",
        1,
        45,
        "expected ',' or ']' in the list of field 'decision_values', got '1'",
    ),
    (
        "list_unclosed",
        "#pragma approx transform decision_values=[0, 1\n",
        1,
        47,
        "expected ',' or ']' in the list of field 'decision_values', got end of pragma",
    ),
    (
        "nested_list",
        "#pragma approx transform decision_values=[0, [1]]\n",
        1,
        46,
        "nested lists are not allowed (in field 'decision_values')",
    ),
    (
        "list_garbage_element",
        "#pragma approx transform decision_values=[0, :]\n",
        1,
        46,
        "expected a list element (an integer or an identifier) in field 'decision_values', got ':'",
    ),
    (
        "hex",
        "#pragma approx transform decision_values=[0x10]\n",
        1,
        43,
        "malformed integer '0x10': expected a decimal integer without leading zeros",
    ),
    ("leading_zero", "#pragma approx transform decision_values=[0, 07]\n", 1, 46, "malformed integer '07'"),
    ("float", "#pragma approx transform decision_values=[1.5]\n", 1, 43, "malformed integer '1.5'"),
    ("lone_minus", "#pragma approx transform decision_values=[- 1]\n", 1, 43, "expected digits after '-'"),
    # --- fields
    (
        "unknown_field",
        "// @approx:decision_tree {\n//   runtime: get_state\n// }\n",
        2,
        6,
        "unknown field 'runtime' in a decision_tree annotation: expected one of decision_values, decisions, id, num_thresholds, state_function, state_indices, threshold_range, thresholds, thresholds_lower, thresholds_upper, transform_type",
    ),
    (
        "field_of_other_kind",
        "#pragma approx transform transform_type=loop_perforate decision_values=[0] state_function=s\n",
        1,
        76,
        "unknown field 'state_function' in a transform annotation: expected one of decision_values, id, knob_val, transform_type",
    ),
    (
        "safety_unknown_field",
        "#pragma approx safety checker=c recover=r id=k\n",
        1,
        43,
        "unknown field 'id' in a safety annotation",
    ),
    (
        "duplicate_field",
        "// @approx:transform {\n//   decision_values: [0]\n//   transform_type: loop_perforate\n//   decision_values: [1]\n// }\n",
        4,
        6,
        "duplicate field 'decision_values' (first given at line 2)",
    ),
    (
        "missing_transform_type",
        "// @approx:transform { decision_values: [0] }\n",
        1,
        12,
        "transform annotation needs field 'transform_type'",
    ),
    (
        "missing_decision_values",
        "x;\n#pragma approx transform transform_type=loop_perforate\n",
        2,
        16,
        "transform annotation needs field 'decision_values'",
    ),
    (
        "missing_state_function",
        "#pragma approx decision_tree transform_type=loop_perforate decision_values=[0] threshold_range=[0, 1]\n",
        1,
        16,
        "decision_tree annotation needs field 'state_function'",
    ),
    (
        "missing_range",
        "#pragma approx decision_tree state_function=s transform_type=loop_perforate decision_values=[0]\n",
        1,
        16,
        "decision_tree annotation needs a threshold range: field 'threshold_range' (or 'thresholds_lower' and 'thresholds_upper')",
    ),
    ("missing_recover", "// @approx:safety { checker: c }\n", 1, 12, "safety annotation needs field 'recover'"),
    ("missing_checker", "#pragma approx safety recover=r\n", 1, 16, "safety annotation needs field 'checker'"),
    # --- value shapes
    (
        "state_function_list",
        "#pragma approx decision_tree state_function=[s]\n",
        1,
        45,
        "state_function must be a function name (a C identifier), got a list",
    ),
    (
        "state_function_int",
        "#pragma approx decision_tree state_function=5\n",
        1,
        45,
        "state_function must be a function name (a C identifier), got integer 5",
    ),
    (
        "state_function_keyword",
        "#pragma approx decision_tree state_function=int\n",
        1,
        45,
        "state_function must be a function name, got the C keyword 'int'",
    ),
    (
        "checker_int",
        "#pragma approx safety checker=0 recover=r\n",
        1,
        31,
        "checker must be a function name (a C identifier), got integer 0",
    ),
    (
        "recover_list",
        "#pragma approx safety checker=c recover=[r]\n",
        1,
        41,
        "recover must be a function name (a C identifier), got a list",
    ),
    (
        "id_int",
        "#pragma approx transform id=3 transform_type=loop_perforate decision_values=[0]\n",
        1,
        29,
        "id must be a knob id (a C identifier), got integer 3",
    ),
    (
        "decision_values_scalar",
        "#pragma approx transform decision_values=1\n",
        1,
        42,
        "decision_values must be a list of non-negative integers like [0, 1], got integer 1",
    ),
    (
        "decision_values_empty",
        "#pragma approx transform decision_values=[]\n",
        1,
        42,
        "decision_values must not be empty",
    ),
    (
        "decision_values_ident",
        "#pragma approx transform decision_values=[0, one]\n",
        1,
        46,
        "decision_values must hold non-negative integers, got identifier 'one'",
    ),
    (
        "decision_value_negative",
        "#pragma approx transform decision_values=[0, -1]\n",
        1,
        46,
        "decision value -1 is negative: decision values must be >= 0",
    ),
    (
        "decision_value_duplicate",
        "#pragma approx transform decision_values=[0, 1, 2, 1]\n",
        1,
        52,
        "duplicate decision value 1",
    ),
    (
        "decision_value_too_big",
        "#pragma approx transform decision_values=[9223372036854775808]\n",
        1,
        43,
        "decision value 9223372036854775808 does not fit in a signed 64-bit integer",
    ),
    (
        "transform_type_int",
        "#pragma approx transform transform_type=3\n",
        1,
        41,
        "expected a transform type (loop_perforate, func_substitute (or function_substitute), task_skipping or ml_surrogate), got integer 3",
    ),
    (
        "transform_type_unknown",
        "#pragma approx transform transform_type=[loop_perforate, loop_perf]\n",
        1,
        58,
        "unknown transform type 'loop_perf': expected loop_perforate, func_substitute (or function_substitute), task_skipping or ml_surrogate",
    ),
    (
        "transform_type_empty",
        "#pragma approx transform transform_type=[]\n",
        1,
        41,
        "transform_type must not be an empty list",
    ),
    (
        "transform_type_duplicate_alias",
        "#pragma approx transform transform_type=[func_substitute, function_substitute]\n",
        1,
        59,
        "transform type 'func_substitute' is listed twice",
    ),
    # --- threshold ranges
    (
        "lower_scalar",
        "#pragma approx decision_tree thresholds_lower=0\n",
        1,
        47,
        "thresholds_lower must be a one-element list like [0], got integer 0",
    ),
    (
        # Per-threshold bounds (upstream's form) must give one bound per threshold.
        "lower_two_elements",
        PAPER_PRAGMA.replace("thresholds_lower=[0]", "thresholds_lower=[0, 5] num_thresholds=3"),
        3,
        20,
        "thresholds_lower has 2 elements but the knob has num_thresholds 3",
    ),
    (
        "upper_empty",
        "#pragma approx decision_tree thresholds_upper=[]\n",
        1,
        47,
        "thresholds_upper must be a one-element list like [100], got 0 elements",
    ),
    (
        "upper_ident",
        "#pragma approx decision_tree thresholds_upper=[hi]\n",
        1,
        48,
        "thresholds_upper element must be an integer, got identifier 'hi'",
    ),
    (
        "range_one_element",
        "#pragma approx decision_tree threshold_range=[0]\n",
        1,
        46,
        "threshold_range must be a 2-element list like [0, 100], got 1 elements",
    ),
    (
        "range_too_big",
        "#pragma approx decision_tree threshold_range=[0, 9223372036854775808]\n",
        1,
        50,
        "threshold_range element 9223372036854775808 does not fit in a signed 64-bit integer",
    ),
    (
        "num_thresholds_list",
        "#pragma approx decision_tree num_thresholds=[1]\n",
        1,
        45,
        "num_thresholds must be an integer, got a list",
    ),
    (
        "lower_above_upper",
        PAPER_PRAGMA.replace("thresholds_lower=[0]", "thresholds_lower=[100]").replace(
            "thresholds_upper=[100]", "thresholds_upper=[0]"
        ),
        4,
        20,
        "thresholds_upper [0] is below thresholds_lower [100]",
    ),
    (
        "range_reversed",
        "// @approx:decision_tree {\n//   state_function: s\n//   threshold_range: [5, 1]\n//   decision_values: [0, 1]\n//   transform_type: loop_perforate\n// }\n",
        3,
        23,
        "threshold_range [5, 1]: the lower bound is above the upper bound",
    ),
    (
        "lower_without_upper",
        PAPER_PRAGMA.replace("  thresholds_upper=[100] \\\n", ""),
        3,
        3,
        "thresholds_lower needs thresholds_upper",
    ),
    (
        "upper_without_lower",
        PAPER_COMMENT.replace("//   thresholds_lower: [0]\n", ""),
        3,
        6,
        "thresholds_upper needs thresholds_lower",
    ),
    (
        "both_range_forms",
        PAPER_COMMENT.replace("//   decision_values", "//   threshold_range: [0, 100]\n//   decision_values"),
        5,
        6,
        "give either threshold_range or thresholds_lower/thresholds_upper, not both",
    ),
    (
        "num_thresholds_zero",
        PAPER_PRAGMA.replace("[0, 1] \\", "[0, 1] num_thresholds=0 \\"),
        5,
        41,
        "num_thresholds must be at least 1, got 0",
    ),
    (
        "num_thresholds_too_many",
        "// @approx:decision_tree { state_function: s, threshold_range: [0, 3], num_thresholds: 5,\n//   decision_values: [0, 1], transform_type: loop_perforate }\n",
        1,
        88,
        "num_thresholds 5 does not fit in the threshold range [0, 3] (at most 4 strictly ascending thresholds)",
    ),
    # --- groups
    (
        "safety_alone",
        "x;\n  // @approx:safety { checker: c, recover: r }\nfor (;;) {}\n",
        2,
        14,
        "safety contract without a decision_tree or transform",
    ),
    (
        "safety_alone_pragma",
        "#pragma approx safety checker=c recover=r\n",
        1,
        16,
        "safety contract without a decision_tree or transform",
    ),
    (
        "safety_cut_off_by_code",
        "#pragma approx transform transform_type=loop_perforate decision_values=[0]\nx;\n#pragma approx safety checker=c recover=r\n",
        3,
        16,
        "safety contract without a decision_tree or transform",
    ),
    (
        "two_knobs_one_target",
        "#pragma approx transform transform_type=loop_perforate decision_values=[0]\n\n" + PAPER_COMMENT,
        3,
        12,
        "a second decision_tree or transform for the same target (the first is at line 1)",
    ),
    (
        "two_safety_one_target",
        "// @approx:safety { checker: c, recover: r }\n// @approx:transform { transform_type: loop_perforate, decision_values: [0] }\n#pragma approx safety checker=c2 recover=r2\n",
        3,
        16,
        "a second safety contract for the same target (the first is at line 1)",
    ),
    (
        "duplicate_id",
        "#pragma approx transform id=k transform_type=loop_perforate decision_values=[0]\nf();\n// @approx:transform { id: k, transform_type: loop_perforate, decision_values: [0] }\ng();\n",
        3,
        28,
        "duplicate knob id 'k' (already used at line 1)",
    ),
]


@pytest.mark.parametrize("source, line, col, message", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error(source, line, col, message):
    got_line, got_col, got_message = error(source)
    assert (got_line, got_col) == (line, col), got_message
    assert message in got_message


def test_first_error_wins():
    # Errors are reported in source order: the unknown field on line 2 before
    # the missing field (at the kind) of the annotation on line 4.
    source = "#pragma approx transform bogus=1\nx;\n#pragma approx transform decision_values=[0]\n"
    assert error(source)[:2] == (1, 26)


def test_byte_columns():
    # Columns count bytes, like clang's.
    source = "/* é */ #pragma approx transform transform_type=nope decision_values=[0]\n"
    assert error(source)[:2] == (1, 50)


def test_hpac_ml_pragmas_are_not_knob_annotations():
    # hpacml_test.py covers them; a knob annotation next to them is unaffected.
    source = (
        "#pragma approx tensor functor(f: [i, 0:1] = ([i]))\n#pragma approx ml(infer) in(f(a[0:n])) "
        'out(f(b[0:n])) model("m.pt")\n'
    )
    assert parse_annotations(source, "t.c") == []


# ---------------------------------------------------------------------------
# knob_attributes


def test_knob_attributes():
    assert knob_attributes(PAPER_SPEC) == (
        "transforms [func_substitute] state @get_state thresholds 1 in [0, 100] decisions [0, 1]"
    )
    spec = KnobSpec("k", ("loop_perforate", "task_skipping"), (0, 2), checker="c", recover="r")
    assert knob_attributes(spec) == "transforms [loop_perforate, task_skipping] decisions [0, 2] check @c recover @r"
    spec = KnobSpec(None, ("loop_perforate",), (0,), "s", 2, (-5, 5), "c", "r")
    assert knob_attributes(spec) == (
        "transforms [loop_perforate] state @s thresholds 2 in [-5, 5] decisions [0] check @c recover @r"
    )


@pytest.mark.parametrize(
    "spec",
    [
        KnobSpec(None, (), (0,)),
        KnobSpec(None, ("loop_perforate",), ()),
        KnobSpec(None, ("loop_perforate",), (0,), checker="c"),
        KnobSpec(None, ("loop_perforate",), (0,), state_function="s"),
        KnobSpec(None, ("loop_perforate",), (0,), num_thresholds=1, threshold_range=(0, 1)),
    ],
)
def test_knob_attributes_rejects_inconsistent_specs(spec):
    with pytest.raises(ValueError):
        knob_attributes(spec)


APPROX_OPT_SOURCE = (
    PAPER_COMMENT
    + "f();\n"
    + PAPER_PRAGMA.replace("decision_tree", "decision_tree id=second", 1).replace("[0, 1]", "[2, 0, 1, 3]")
    + "  f();\n"
    "#pragma approx transform transform_type=[task_skipping, function_substitute, loop_perforate] decision_values=[0]\n"
    "// @approx:safety { checker: check_it, recover: exact_it }\n"
    "f();\n"
    "// @approx:decision_tree { id: wide, state_function: s2, threshold_range: [-9223372036854775808, 9223372036854775807],\n"
    "//   num_thresholds: 7, decision_values: [0, 9223372036854775807], transform_type: task_skipping }\n"
    "// @approx:safety { checker: check_it, recover: exact_it }\n"
    "f();\n"
)


def test_knob_attributes_accepted_by_approx_opt(tmp_path):
    tools = pytest.importorskip("approxmlir.compiler.tools")
    try:
        approx_opt = tools.find_approx_opt()
    except tools.ToolNotFoundError:
        pytest.skip("approx-opt is not built")
    annotations = parse_annotations(APPROX_OPT_SOURCE, FILE)
    assert len(annotations) == 4
    functions = set()
    lines = []
    for index, annotation in enumerate(annotations):
        spec = annotation.spec
        knob_id = spec.id or f"knob{index}"
        if spec.state_function:
            functions.add(f"func.func private @{spec.state_function}() -> i64")
        if spec.checker:
            functions.add(f"func.func private @{spec.checker}() -> i1")
            functions.add(f"func.func private @{spec.recover}()")
        lines.append(f'  approx.knob "{knob_id}"() : () -> () {knob_attributes(spec)} {{\n    approx.yield\n  }}')
    module = "\n".join(sorted(functions)) + "\nfunc.func @f() {\n" + "\n".join(lines) + "\n  return\n}\n"
    (tmp_path / "knobs.mlir").write_text(module)
    knobs_json = tmp_path / "knobs.json"
    run = subprocess.run(
        [str(approx_opt), f"--approx-export-knobs=output={knobs_json}", str(tmp_path / "knobs.mlir")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr + module
    for annotation in annotations:  # the printed form is the input form
        assert knob_attributes(annotation.spec) in run.stdout
    exported = json.loads(knobs_json.read_text())["knobs"]
    assert len(exported) == len(annotations)
    for knob, annotation in zip(exported, annotations):
        spec = annotation.spec
        assert knob["transform_types"] == list(spec.transform_types)
        assert knob["decision_values"] == list(spec.decision_values)
        assert knob["state_function"] == spec.state_function
        assert knob["num_thresholds"] == spec.num_thresholds
        assert knob["threshold_range"] == (list(spec.threshold_range) if spec.threshold_range else None)
        expected_safety = {"checker": spec.checker, "recover": spec.recover} if spec.checker else None
        assert knob["safety"] == expected_safety


# ---------------------------------------------------------------------------
# Fuzzing: mutations of valid annotations parse or fail with a located error

FUZZ_SEEDS = [
    PAPER_COMMENT + "double f(double x) { return g(x); }\n",
    PAPER_PRAGMA + "double f(double x) { return g(x); }\n",
    APPROX_OPT_SOURCE,
    "void k(int n) {\n"
    '  const char *s = "// @approx:x";  /* @approx:transform { */\n'
    "  // @approx:transform { transform_type: loop_perforate, decision_values: [0, 1, 2] }\n"
    "  #pragma approx safety checker=ok \\\n      recover=exact // trailing\n"
    "  for (int i = 0; i < n; i++) {}\n}\n",
    "// @approx:decision_tree { id: a1,\n//   state_function: s, threshold_range: [-5, 5], num_thresholds: 3,\n"
    "//   decision_values: [3, 0,\n//     1,], transform_type: [task_skipping, loop_perforate], }\nint x;\n",
]

GARBAGE = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "=",
    "-",
    "\\",
    "\\\n",
    "\n",
    "\r\n",
    '"',
    "'",
    "/*",
    "*/",
    "//",
    "#",
    "@approx:",
    "#pragma approx ",
    "0x1",
    "007",
    "99999999999999999999",
    "-3",
    "é",
    "\t",
    "ml(",
    "safety",
    "transform",
    "decision_tree",
    "function_substitute",
    "ml_surrogate",
    "id",
    "int",
    "",
    " ",
    "\\\r\n",
]


def _mutate(rng: random.Random, source: str) -> str:
    import re

    tokens = re.findall(r"\w+|\s+|.", source, re.S)
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(["drop", "duplicate", "garble", "cut", "drop_line", "swap_lines", "truncate"])
        if not tokens:
            break
        i = rng.randrange(len(tokens))
        if op == "drop":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "garble":
            tokens[i] = rng.choice(GARBAGE)
        elif op == "cut":  # cut a line in two
            tokens.insert(i, rng.choice(["\n", "\\\n", "\n// "]))
        else:
            lines = "".join(tokens).split("\n")
            j = rng.randrange(len(lines))
            if op == "drop_line":
                del lines[j]
            elif op == "swap_lines":
                k = rng.randrange(len(lines))
                lines[j], lines[k] = lines[k], lines[j]
            else:  # truncate the file
                lines = lines[: j + 1]
                lines[-1] = lines[-1][: rng.randrange(len(lines[-1]) + 1)]
            tokens = re.findall(r"\w+|\s+|.", "\n".join(lines), re.S)
    return "".join(tokens)


def test_fuzz_mutations():
    rng = random.Random(20240611)
    outcomes = {"parsed": 0, "error": 0}
    for case in range(300):
        source = _mutate(rng, FUZZ_SEEDS[case % len(FUZZ_SEEDS)])
        try:
            result = parse_annotations(source, FILE)
        except FrontendError as err:
            outcomes["error"] += 1
            lines = source.split("\n")
            loc = err.location
            assert loc.file == FILE, (case, source)
            assert 1 <= loc.line <= len(lines), (case, source, str(err))
            width = len(lines[loc.line - 1].encode("utf-8"))
            assert 1 <= loc.column <= width + 1, (case, source, str(err))
            assert err.message.startswith("annotation: "), (case, source, str(err))
        else:
            outcomes["parsed"] += 1
            for annotation in result:
                spec = annotation.spec
                knob_attributes(spec)
                assert list(spec.decision_values) == sorted(set(spec.decision_values))
                assert all(v >= 0 for v in spec.decision_values)
                assert set(spec.transform_types) <= {"loop_perforate", "func_substitute", "task_skipping"}
                if spec.state_function:
                    lo, hi = spec.threshold_range
                    assert 1 <= spec.num_thresholds <= hi - lo + 1
                assert annotation.location.line <= annotation.end_line
    # Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert outcomes["parsed"] > 20 and outcomes["error"] > 20, outcomes


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
