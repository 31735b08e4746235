"""The root of approxmlir's exceptions.

Every exception class that approxmlir defines derives from `ApproxError`, so
`except approxmlir.ApproxError` catches each of them, whichever part of the
toolchain raised it:

- compiler: `CompilerError` (an approx-opt or lowering stage failed),
  `ToolNotFoundError`, `IreeCompilerError`;
- frontends: `FrontendError` (C), `KnobError` and its subclasses (JAX);
- runtime: `RuntimeNotFoundError`, `NativeLoadError`, `SignatureError`,
  `ArgumentError`;
- tuner: `TuningError`, `ExecutorError`, `EvaluationCancelled`.

Each class also keeps the built-in base a caller would catch without knowing
approxmlir (`RuntimeError`, `ValueError`, `FileNotFoundError`, ...), so
existing `except` clauses still work. Most checks of an API's own arguments
(e.g. `TuneOptions(parallelism=0)`) raise the plain built-in `ValueError` or
`TypeError` instead.

This module imports nothing, so every part of the package can import it.
"""

__all__ = ["ApproxError"]


class ApproxError(Exception):
    """The root of every error approxmlir raises on purpose."""
