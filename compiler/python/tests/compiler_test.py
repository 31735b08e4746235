"""Tests of approxmlir.compiler: running approx-opt, exporting and applying knobs."""

import pathlib

import pytest

from approxmlir import compiler
from approxmlir.compiler import CompilerError, KnobParams

PROGRAM = """
func.func private @get_state() -> i64
func.func private @bm25(f64) -> f64

func.func @sum(%a: memref<?xf64>, %n: index) -> f64 {
  %r = approx.knob "sum_loop"(%a, %n) : (memref<?xf64>, index) -> f64
      transforms [loop_perforate] state @get_state thresholds 2 in [0, 100]
      decisions [0, 1, 2] {
  ^bb0(%a2: memref<?xf64>, %n2: index):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %s = scf.for %i = %c0 to %n2 step %c1 iter_args(%acc = %zero) -> f64 {
      %x = memref.load %a2[%i] : memref<?xf64>
      %y = arith.addf %acc, %x : f64
      scf.yield %y : f64
    }
    approx.yield %s : f64
  }
  return %r : f64
}

func.func @score(%x: f64) -> f64 {
  %r = approx.knob "score_call"(%x) : (f64) -> f64
      transforms [func_substitute] decisions [0, 1] {
  ^bb0(%x2: f64):
    %y = func.call @bm25(%x2) : (f64) -> f64
    approx.yield %y : f64
  }
  return %r : f64
}
"""


def test_export_knobs_reports_both_search_spaces():
    knobs = compiler.export_knobs(PROGRAM)
    assert [k.id for k in knobs] == ["sum_loop", "score_call"]
    loop, call = knobs
    assert loop.function == "sum"
    assert loop.transform_types == ("loop_perforate",)
    assert loop.state_function == "get_state"
    assert loop.num_thresholds == 2
    assert loop.threshold_range == (0, 100)
    assert loop.decision_values == (0, 1, 2)
    assert loop.params is None
    assert loop.is_dynamic
    assert call.state_function is None and not call.is_dynamic
    assert call.location.startswith("<stdin>:")


def test_apply_config_then_export_round_trips(tmp_path: pathlib.Path):
    config = {
        "sum_loop": KnobParams("loop_perforate", decisions=(2, 1, 0), thresholds=(20, 80)),
        "score_call": {"transform": "func_substitute", "decisions": [1]},
    }
    configured = compiler.apply_config(PROGRAM, config)
    assert "params <transform = loop_perforate, thresholds = [20, 80], decisions = [2, 1, 0]>" in configured
    # Files work as inputs too, and diagnostics would name them.
    path = tmp_path / "configured.mlir"
    path.write_text(configured)
    params = {k.id: k.params for k in compiler.export_knobs(path)}
    assert params == {
        "sum_loop": config["sum_loop"],
        "score_call": KnobParams("func_substitute", decisions=(1,)),
    }


def test_bad_configuration_raises_with_the_knob_location():
    with pytest.raises(CompilerError) as error:
        compiler.apply_config(PROGRAM, {"sum_loop": {"thresholds": [60, 30], "decisions": [0, 1, 2]}})
    assert error.value.stage == "approx-opt"
    assert "<stdin>:6:8: error:" in error.value.diagnostics
    assert "not strictly ascending" in error.value.diagnostics or "strictly ascending" in error.value.diagnostics


def test_unknown_knob_is_an_error():
    with pytest.raises(CompilerError, match='names unknown knob "nope"'):
        compiler.apply_config(PROGRAM, {"nope": {"decisions": [1]}})


def test_invalid_ir_raises_mlir_diagnostics():
    with pytest.raises(CompilerError) as error:
        compiler.run_approx_opt('func.func @f() {\n  "approx.yield"() : () -> ()\n}', [])
    assert "<stdin>:2:3: error: 'approx.yield' op expects parent op to be one of" in error.value.diagnostics


def test_run_pipeline_runs_upstream_passes():
    out = compiler.run_pipeline(
        "func.func @f() -> i32 {\n %a = arith.constant 1 : i32\n %b = arith.addi %a, %a : i32\n return %b : i32\n}",
        "canonicalize",
    )
    assert "arith.constant 2 : i32" in out


def test_missing_binary_from_env_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("APPROXMLIR_APPROX_OPT", str(tmp_path / "nowhere"))
    with pytest.raises(compiler.ToolNotFoundError, match="APPROXMLIR_APPROX_OPT points to"):
        compiler.find_approx_opt()


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))


KERNEL_A = """module {
  func.func private @approx_rt_iteration() -> i64
  func.func @kernel_a() -> i64 {
    %r = func.call @approx_rt_iteration() : () -> i64
    return %r : i64
  }
}
"""

KERNEL_B = KERNEL_A.replace("@kernel_a", "@kernel_b")


def test_link_modules_keeps_shared_declarations_once():
    linked = compiler.link_modules({"a": KERNEL_A, "b": KERNEL_B, "knobs": PROGRAM})
    assert linked.count("func.func private @approx_rt_iteration()") == 1
    for symbol in ("@kernel_a", "@kernel_b", "@sum", "@score"):
        assert f"func.func {symbol}(" in linked
    ids = [k.id for k in compiler.export_knobs(linked)]
    assert sorted(ids) == ["score_call", "sum_loop"]


def test_link_modules_reports_a_conflict_naming_both_modules(tmp_path: pathlib.Path):
    path = tmp_path / "first.mlir"
    path.write_text(KERNEL_A)
    other = KERNEL_A.replace("%r = func.call @approx_rt_iteration() : () -> i64", "%r = arith.constant 1 : i64")
    with pytest.raises(CompilerError) as error:
        compiler.link_modules({"first": path, "second": other})
    assert "second.mlir:3:3: error: symbol @kernel_a of 'second.mlir' conflicts with its definition in" in str(
        error.value
    )
    assert f"{path}" in str(error.value)
    assert "first defined here" in str(error.value)


def test_link_modules_rejects_bad_input():
    with pytest.raises(CompilerError, match="no modules"):
        compiler.link_modules([])
    with pytest.raises(CompilerError, match=r"module1\.mlir:1:\d+: error"):
        compiler.link_modules([KERNEL_A, "module { func.func @x( }"])
    with pytest.raises(TypeError, match="not MLIR text"):
        compiler.link_modules([KERNEL_A, b"module {}"])
