"""HPAC-ML pragmas in the C frontend: spec text, approx.ml_region IR, errors."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

from approxmlir.compiler import tools
from approxmlir.frontends.c import FrontendError, translate_source

STENCIL = textwrap.dedent("""\
    #pragma approx tensor functor(ifn: [i, j, 0:5] = ([i-1, j], [i+1, j], [i, j-1:j+2]))
    #pragma approx tensor functor(ofn: [i, j, 0:1] = ([i, j]))

    void step(double t[16][16], double tnew[16][16], int n, int m, int use_model, int it) {
    #pragma approx tensor map(to: ifn(t[1:n-1, 1:m-1]))
    #pragma approx tensor map(from: ofn(tnew[1:n-1, 1:m-1]))
    #pragma approx ml(predicated: use_model) in(t) out(tnew) model("m.pt") \\
        database("d.h5") if(it % 2 == 0)
      {
        for (int i = 1; i < n - 1; i++)
          for (int j = 1; j < m - 1; j++)
            tnew[i][j] = 0.2 * (t[i-1][j] + t[i+1][j] + t[i][j-1] + t[i][j] + t[i][j+1]);
      }
    }
    """)

OPTIONS = textwrap.dedent("""\
    #pragma approx tensor functor(opt_in: [i, 0:3] = ([i], [i], [i]))
    #pragma approx tensor functor(opt_out: [i, 0:1] = ([i]))
    void price(double *s, double *k, double *v, double *out, int n) {
      double *tail = out + 2;
    #pragma approx ml(infer) in(opt_in(s[0:n:2], k[0:n:2], v[0:n:2])) out(opt_out(tail[0:n-2])) model("b.pt")
      for (int i = 0; i < n; i++)
        out[i] = s[i] * k[i] + v[i];
    }
    """)


def spec_of(mlir: str) -> list[str]:
    match = re.search(r'spec "([^"]*)"', mlir)
    assert match, mlir
    return match.group(1).replace("\\0A", "\n").splitlines()


def test_stencil_spec_and_operands():
    mlir = translate_source(STENCIL, "stencil.c")
    assert spec_of(mlir) == [
        "region step_7 stencil.c:7",
        "model m.pt",
        "database d.h5",
        "arrays t tnew",
        "functor ifn lhs 2 5 rhs 3",
        "slice 2 s,0,-1,0,0 s,1,0,0,0",
        "slice 2 s,0,1,0,0 s,1,0,0,0",
        "slice 2 s,0,0,0,0 r,1,-1,2,1",
        "functor ofn lhs 2 1 rhs 1",
        "slice 2 s,0,0,0,0 s,1,0,0,0",
        # array 0 = t, array 1 = tnew; bounds 0-5 and 6-11 are lo,hi,step of i then j.
        "map to ifn 1 0,-1,0,1,2,3,4,5",
        "map from ofn 1 1,-1,6,7,8,9,10,11",
        "in 0",
        "out 1",
    ]
    header = next(line for line in mlir.splitlines() if "approx.ml_region" in line)
    assert re.search(
        r"approx\.ml_region predicated\(%\w+\) if\(%\w+\) arrays\(%arg0, %arg1 : "
        r"memref<\?x16xf64>, memref<\?x16xf64>\) bounds\((%\w+, ){11}%\w+\)",
        header,
    ), header
    # The region carries the directive's location.
    assert re.search(r'} loc\("stencil.c":7:\d+\)', mlir)


def test_inline_applications_strides_and_pointer_offsets():
    mlir = translate_source(OPTIONS, "options.c")
    spec = spec_of(mlir)
    # Three arrays composed by one functor. Pointers carry their element offset
    # as a bound (`tail` is `out + 2`), then lo,hi,step.
    assert spec[-4:] == [
        "map to opt_in 3 0,0,1,2,3 1,4,5,6,7 2,8,9,10,11",
        "map from opt_out 1 3,12,13,14,15",
        "in 0",
        "out 1",
    ]
    assert "approx.ml_region infer arrays(" in mlir


def test_lowered_module_calls_the_runtime():
    mlir = translate_source(STENCIL, "stencil.c")
    lowered = subprocess.run(
        [str(tools.find_approx_opt()), "--approx-pipeline", "-"], input=mlir, capture_output=True, text=True, check=True
    ).stdout
    assert "call @approx_ml_enter" in lowered and "call @approx_ml_exit" in lowered
    assert "approx.ml_region" not in lowered


def test_ml_region_inside_a_surrogate_knob():
    source = STENCIL.replace(
        "#pragma approx tensor map(to:",
        "#pragma approx transform transform_type=ml_surrogate decision_values=[0,1,2] "
        "id=weather\n#pragma approx tensor map(to:",
        1,
    )
    mlir = translate_source(source, "stencil.c")
    knob = mlir.index('approx.knob "weather"')
    assert knob < mlir.index("approx.ml_region") < mlir.rindex("approx.yield")


def error(source: str) -> tuple[int, int, str]:
    with pytest.raises(FrontendError) as info:
        translate_source(source, "bad.c")
    return info.value.location.line, info.value.location.column, info.value.message


FUNCTORS = (
    "#pragma approx tensor functor(f: [i, 0:2] = ([i], [i]))\n#pragma approx tensor functor(g: [i, 0:1] = ([i]))\n"
)


def region(pragma: str, body: str = "y[0] = x[0];") -> str:
    return FUNCTORS + f"void k(double *x, double *y, double (*z)[4], int n, float w) {{\n{pragma}\n  {{ {body} }}\n}}\n"


@pytest.mark.parametrize(
    "name, source, line, message",
    [
        (
            "wrong_arity",
            region('#pragma approx ml(infer) in(f(x[0:n], y[0:n], x[0:n])) out(g(y[0:n])) model("m.pt")'),
            4,
            "functor 'f' has 2 right-hand-side slices: apply it to one array or to 2 arrays, not 3",
        ),
        (
            "unknown_functor",
            region('#pragma approx ml(infer) in(h(x[0:n])) out(g(y[0:n])) model("m.pt")'),
            4,
            "unknown functor 'h'",
        ),
        (
            "ranges_per_symbol",
            region('#pragma approx ml(infer) in(f(x[0:n, 0:2])) out(g(y[0:n])) model("m.pt")'),
            4,
            "map target 'x' gives 2 ranges but functor 'f' has 1 symbols (i)",
        ),
        (
            "rank_mismatch",
            region('#pragma approx ml(infer) in(f(z[0:n])) out(g(y[0:n])) model("m.pt")'),
            4,
            "functor 'f' slice 1 indexes 1 dimensions but 'z' has 2",
        ),
        (
            "feature_mismatch",
            "#pragma approx tensor functor(f: [i, 0:4] = ([i], [i-1:i+1]))\n",
            1,
            "functor 'f': the right-hand side yields 3 features per point but the left-hand side declares 4",
        ),
        (
            "unknown_symbol",
            "#pragma approx tensor functor(f: [i, 0:1] = ([j]))\n",
            1,
            "unknown symbol 'j' (the functor's symbols are i",
        ),
        (
            "non_affine",
            "#pragma approx tensor functor(f: [i, 0:1] = ([-i]))\n",
            1,
            "a symbolic slice expression must be '<symbol> + <integer>', '<symbol>*<positive integer> + <integer>'",
        ),
        (
            "no_map",
            region('#pragma approx ml(infer) in(x) out(g(y[0:n])) model("m.pt")'),
            4,
            "in(x): no '#pragma approx tensor map(to: ...)' before this region maps 'x'",
        ),
        (
            "predicated_without_condition",
            region('#pragma approx ml(predicated) in(f(x[0:n])) out(g(y[0:n])) model("m.pt") database("d.h5")'),
            4,
            "ml(predicated: <condition>) needs a condition",
        ),
        (
            "infer_without_model",
            region("#pragma approx ml(infer) in(f(x[0:n])) out(g(y[0:n]))"),
            4,
            'ml(infer) needs a model("<file>.pt") or label("<name>") clause',
        ),
        (
            "unknown_clause",
            region('#pragma approx ml(collect) in(f(x[0:n])) out(g(y[0:n])) tag("a")'),
            4,
            "unknown clause 'tag'",
        ),
        (
            "unknown_variable",
            region('#pragma approx ml(infer) in(f(x[0:N])) out(g(y[0:n])) model("m.pt")'),
            4,
            "unknown variable 'N'",
        ),
        (
            "float_bound",
            region('#pragma approx ml(infer) in(f(x[0:w])) out(g(y[0:n])) model("m.pt")'),
            4,
            "'w' is floating-point; pragma expressions take integer variables",
        ),
        (
            "scalar_target",
            region('#pragma approx ml(infer) in(f(n[0:2])) out(g(y[0:n])) model("m.pt")'),
            4,
            "'n' is not an array or pointer; map targets are arrays",
        ),
        (
            "no_statement",
            FUNCTORS + "void k(double *x, double *y, int n) {\n  y[0] = 1;\n}\n"
            '#pragma approx ml(infer) in(f(x[0:n])) out(g(y[0:n])) model("m.pt")\n',
            6,
            "'#pragma approx ml' is not followed by a statement in a function body",
        ),
        (
            "return_in_region",
            region(
                '#pragma approx ml(infer) in(f(x[0:n])) out(g(y[0:n])) model("m.pt")', "if (n) return; y[0] = x[0];"
            ),
            4,
            "may not return, break, continue or goto out of it",
        ),
        (
            "bad_direction",
            "#pragma approx tensor map(into: f(x[0:1]))\n",
            1,
            "a tensor map is 'to' or 'from', got 'into'",
        ),
        ("unterminated", '#pragma approx ml(infer) model("m.pt\n', 1, "unterminated string literal"),
    ],
)
def test_errors(name: str, source: str, line: int, message: str):
    got_line, _, got = error(source)
    assert got.startswith("annotation: ")
    assert message in got
    assert got_line == line


# ---------------------------------------------------------------------------
# The HPAC-ML artifact's spellings (c_subset.md, "The artifact's spellings")

ARTIFACT = textwrap.dedent("""\
    #pragma approx declare tensor_functor(ipt: [i, 0:3] = ([i*3:i*3+3]))
    #pragma approx declare tensor_functor(opt: [i, 0:1] = ([i]))
    void rowsum(double *x, double *y, int n) {
    #pragma approx declare tensor(ipt_tensor: ipt(x[1:n]))
    #pragma approx ml(offline) in(ipt_tensor) out(opt(y[0:n])) label("RowSum")
      for (int i = 0; i < n; i++)
        y[i] = x[3 * i] + x[3 * i + 1] + x[3 * i + 2];
    }
    """)


def test_artifact_spelling_is_the_fig3_form():
    mlir = translate_source(ARTIFACT, "rows.c")
    assert spec_of(mlir) == [
        # label names the region (its database group) and defaults both files.
        "region RowSum rows.c:5",
        "model RowSum.pt",
        "database RowSum.h5",
        "arrays x y",
        # i*3 : i*3+3 is kept as the range 0:3 of a symbol the translator scales ...
        "functor ipt lhs 1 3 rhs 1",
        "slice 1 r,0,0,3,1",
        "functor opt lhs 1 1 rhs 1",
        "slice 1 s,0,0,0,0",
        # pointer targets: bound 0 and 4 are x's and y's element offsets.
        "map to ipt 1 0,0,1,2,3",
        "map from opt 1 1,4,5,6,7",
        "in 0",
        "out 1",
    ]
    header = next(line for line in mlir.splitlines() if "approx.ml_region" in line)
    assert header.lstrip().startswith("approx.ml_region collect arrays(")  # offline is collect
    # ... by 3: the bounds of x's range 1:n:1 are 1*3, n*3 and 1*3.
    assert len(re.findall(r"arith\.muli %\w+, %c\w+ : i64", mlir)) == 3
    fig3 = ARTIFACT.replace("declare tensor_functor(", "tensor functor(")
    fig3 = fig3.replace(
        "#pragma approx declare tensor(ipt_tensor: ipt(x[1:n]))", "#pragma approx tensor map(to: ipt(x[1:n]))"
    )
    fig3 = fig3.replace(
        'ml(offline) in(ipt_tensor) out(opt(y[0:n])) label("RowSum")',
        'ml(collect) in(x) out(opt(y[0:n])) model("RowSum.pt") database("RowSum.h5") label("RowSum")',
    )
    assert spec_of(translate_source(fig3, "rows.c")) == spec_of(mlir)


def test_artifact_infer_with_explicit_files_and_no_label():
    source = ARTIFACT.replace("ml(offline)", "ml(infer)").replace('label("RowSum")', 'model("r.pt")')
    spec = spec_of(translate_source(source, "rows.c"))
    assert spec[:3] == ["region rowsum_5 rows.c:5", "model r.pt", "database -"]


def artifact(pragma: str, declare: str = "#pragma approx declare tensor(tx: f(x[0:n]))") -> str:
    return (
        "#pragma approx declare tensor_functor(f: [i, 0:2] = ([i*2:i*2+2]))\n"
        "#pragma approx declare tensor_functor(g: [i, 0:1] = ([i]))\n"
        f"void k(double *x, double *y, int n) {{\n{declare}\n{pragma}\n  {{ y[0] = x[0]; }}\n}}\n"
    )


@pytest.mark.parametrize(
    "name, source, line, column, message",
    [
        ("bad_mode", artifact("#pragma approx ml(online) in(tx) out(g(y[0:n]))"), 5, 19, "unknown ml mode 'online'"),
        (
            "offline_without_database",
            artifact("#pragma approx ml(offline) in(tx) out(g(y[0:n]))"),
            5,
            19,
            'ml(offline) needs a database("<file>.h5") or label("<name>") clause',
        ),
        (
            "label_not_a_name",
            artifact('#pragma approx ml(offline) in(tx) out(g(y[0:n])) label("my region")'),
            5,
            56,
            "label('my region') names the region",
        ),
        (
            "label_not_a_string",
            artifact("#pragma approx ml(offline) in(tx) out(g(y[0:n])) label(R)"),
            5,
            56,
            "label(...) takes a string literal",
        ),
        (
            "undeclared_tensor",
            artifact('#pragma approx ml(offline) in(tz) out(g(y[0:n])) label("R")'),
            5,
            18,
            "in(tz): no '#pragma approx tensor map(to: ...)' before this region maps 'tz' and no "
            "'#pragma approx declare tensor(tz: ...)' declares it",
        ),
        (
            "unknown_declare",
            artifact(
                '#pragma approx ml(offline) in(tx) out(g(y[0:n])) label("R")', "#pragma approx declare functor(h)"
            ),
            4,
            24,
            "unknown declare directive 'functor': expected tensor_functor or tensor",
        ),
        (
            "tensor_without_name",
            artifact(
                '#pragma approx ml(offline) in(tx) out(g(y[0:n])) label("R")',
                "#pragma approx declare tensor(f(x[0:n]))",
            ),
            4,
            32,
            "expected ':' after the tensor name 'f'",
        ),
        (
            "variable_factor",
            "#pragma approx declare tensor_functor(f: [i, 0:1] = ([i*m:i*m+m]))\n",
            1,
            57,
            "unknown symbol 'm' (the functor's symbols are i; factors such as i*5 are integer constants)",
        ),
        (
            "two_factors",
            "#pragma approx declare tensor_functor(f: [i, 0:5] = ([i*3:i*3+3], [i*2:i*2+2]))\n",
            1,
            42,
            "functor 'f': symbol 'i' is scaled by 3 and by 2; the data bridge takes one factor per symbol",
        ),
        (
            "ends_scaled_differently",
            "#pragma approx declare tensor_functor(f: [i, 0:3] = ([i*3:i*2+3]))\n",
            1,
            55,
            "both ends of a range must scale their symbol alike (3 vs 2)",
        ),
        (
            "scaled_lhs",
            "#pragma approx declare tensor_functor(f: [i*3, 0:1] = ([i]))\n",
            1,
            44,
            "(the left-hand side takes bare symbols)",
        ),
        (
            "symbol_times_symbol",
            "#pragma approx declare tensor_functor(f: [i, j, 0:1] = ([i*j, j]))\n",
            1,
            59,
            "a symbolic expression cannot multiply two symbols",
        ),
    ],
)
def test_artifact_errors(name: str, source: str, line: int, column: int, message: str):
    got_line, got_column, got = error(source)
    assert got.startswith("annotation: ")
    assert message in got, got
    assert (got_line, got_column) == (line, column), got


def test_duplicate_functor():
    line, _, message = error(FUNCTORS + "#pragma approx tensor functor(f: [i, 0:1] = ([i]))\n")
    assert line == 3 and "functor 'f' is already declared at bad.c:1" in message


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
