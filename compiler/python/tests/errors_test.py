"""approxmlir.errors.ApproxError is the root of every exception class approxmlir defines.

Three checks: the public error classes of every part (imported by name)
derive from ApproxError and keep their built-in bases; every exception class
in the package's sources (found by parsing them, so a new class cannot be
forgotten) derives from it; and errors raised by real calls are caught by
`except ApproxError`.
"""

import ast
import concurrent.futures
import importlib
import importlib.util
import pathlib

import pytest

import approxmlir
from approxmlir.errors import ApproxError

# module -> {public error class: the built-in base callers may already catch}
PUBLIC_ERRORS = {
    "approxmlir.compiler": {"CompilerError": RuntimeError, "ToolNotFoundError": FileNotFoundError},
    "approxmlir.compiler.iree": {"IreeCompilerError": RuntimeError},
    "approxmlir.frontends.c": {"FrontendError": Exception},
    "approxmlir.frontends.jax.errors": {
        "KnobError": Exception,
        "KnobDefinitionError": ValueError,
        "UnknownTransformError": ValueError,
        "MissingVariantError": ValueError,
        "SignatureMismatchError": TypeError,
        "StateError": ValueError,
        "KnobArgumentError": TypeError,
        "ExportError": RuntimeError,
        "IreeCompileError": RuntimeError,
        "SelectionError": RuntimeError,
    },
    "approxmlir.runtime.paths": {"RuntimeNotFoundError": FileNotFoundError},
    "approxmlir.runtime.native": {"NativeLoadError": OSError},
    "approxmlir.runtime.signatures": {"SignatureError": ValueError},
    "approxmlir.runtime.marshal": {"ArgumentError": ValueError},
    "approxmlir.tuner": {"TuningError": RuntimeError},
    "approxmlir.tuner.executors": {
        "ExecutorError": RuntimeError,
        "EvaluationCancelled": concurrent.futures.CancelledError,
    },
}

# Base-class names that make a class an exception class (besides project ones).
_BUILTIN_EXCEPTION_SUFFIXES = ("Error", "Exception", "Cancelled", "Exit", "Interrupt", "Warning")


def test_top_level_export():
    assert approxmlir.ApproxError is ApproxError
    assert ApproxError.__mro__[1] is Exception


@pytest.mark.parametrize("module", sorted(PUBLIC_ERRORS))
def test_public_error_classes_derive_from_approx_error(module):
    imported = importlib.import_module(module)
    for name, builtin in PUBLIC_ERRORS[module].items():
        cls = getattr(imported, name)
        assert issubclass(cls, ApproxError), f"{module}.{name}"
        assert issubclass(cls, builtin), f"{module}.{name} lost its base {builtin.__name__}"


def _exception_classes(root: pathlib.Path):
    """(file, class name, base names) of the classes in `root`'s sources that derive from an exception."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases]
                found.append((path, node.name, bases))
    return found


def test_every_exception_class_in_the_sources_derives_from_approx_error():
    roots = [pathlib.Path(p) for p in approxmlir.__path__]
    benchmarks = importlib.util.find_spec("approxbench")  # on the path under pytest, not a dep under Bazel
    if benchmarks is not None:
        roots += [pathlib.Path(p) for p in benchmarks.submodule_search_locations]
    classes = [c for root in roots for c in _exception_classes(root)]
    by_name = {name: bases for _, name, bases in classes}
    memo = {"ApproxError": True}

    def is_approx(name, seen=()):
        if name not in memo:
            bases = by_name.get(name, [])
            memo[name] = name not in seen and any(is_approx(b, seen + (name,)) for b in bases)
        return memo[name]

    def is_exception(name, seen=()):
        if name in seen:
            return False
        if name not in by_name:
            return name.endswith(_BUILTIN_EXCEPTION_SUFFIXES)
        return name.endswith(_BUILTIN_EXCEPTION_SUFFIXES) or any(is_exception(b, seen + (name,)) for b in by_name[name])

    exceptions = [
        (path, name) for path, name, bases in classes if name != "ApproxError" and any(is_exception(b) for b in bases)
    ]
    # The parts this test depends on are on the path, so the scan found their classes.
    assert {"CompilerError", "FrontendError", "KnobError", "SignatureError", "TuningError", "ExecutorError"} <= {
        name for _, name in exceptions
    }
    missing = [f"{path}: {name}" for path, name in exceptions if not is_approx(name)]
    assert not missing, "exception classes not deriving from approxmlir.errors.ApproxError:\n" + "\n".join(missing)


def test_invalid_ir_is_caught_as_approx_error():
    from approxmlir import compiler

    with pytest.raises(ApproxError) as raised:
        compiler.run_approx_opt('func.func @f() {\n  "approx.yield"() : () -> ()\n}', [])
    assert isinstance(raised.value, compiler.CompilerError) and isinstance(raised.value, RuntimeError)
    assert "'approx.yield' op expects parent op" in raised.value.diagnostics


def test_errors_of_each_part_are_caught_as_approx_error(monkeypatch, tmp_path):
    from approxmlir import compiler
    from approxmlir.frontends.c import translate_source
    from approxmlir.runtime.signatures import parse_signatures

    monkeypatch.setenv("APPROXMLIR_APPROX_OPT", str(tmp_path / "nowhere"))
    try:
        compiler.find_approx_opt()
    except ApproxError as e:
        assert isinstance(e, FileNotFoundError)
    else:
        pytest.fail("find_approx_opt() found a binary that does not exist")
    with pytest.raises(ApproxError, match="expected expression"):
        translate_source("int f(int x) { return x +; }")
    with pytest.raises(ApproxError, match='"functions" list'):
        parse_signatures({"functions": 3})


def test_a_failing_tuning_is_caught_as_approx_error(tmp_path):
    from approxmlir.compiler import KnobSpace
    from approxmlir.tuner import TuneOptions, TuningError, tune

    def broken(config):
        raise ValueError("no such program")

    knobs = [KnobSpace("a", "f", "-", ("loop_perforate",), (0, 1))]
    with pytest.raises(ApproxError) as raised:
        tune(None, broken, 0.9, options=TuneOptions(knobs=knobs, engine="random", output_dir=tmp_path, progress=False))
    assert isinstance(raised.value, TuningError)
    assert "the exact configuration failed (error): ValueError: no such program" in str(raised.value)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
