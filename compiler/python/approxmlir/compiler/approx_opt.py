"""Runs approx-opt on MLIR text or files."""

from __future__ import annotations

import logging
import os
import pathlib
import subprocess
import time
from typing import Optional, Sequence, Union

from approxmlir.compiler.tools import find_approx_opt
from approxmlir.errors import ApproxError

# MLIR text (str) or a path to an .mlir file (pathlib.Path).
MlirInput = Union[str, pathlib.Path]

DEFAULT_TIMEOUT_S = 600.0

_LOG = logging.getLogger(__name__)


class CompilerError(ApproxError, RuntimeError):
    """A compiler stage failed; carries the stage name and its diagnostics."""

    def __init__(self, stage: str, diagnostics: str, command: Sequence[str] = ()):
        self.stage = stage
        self.diagnostics = diagnostics.strip()
        self.command = list(command)
        super().__init__(f"{stage} failed:\n{self.diagnostics}")


def run_approx_opt(
    mlir: MlirInput,
    args: Sequence[str],
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    cwd: Optional[os.PathLike] = None,
) -> str:
    """Runs approx-opt with `args` on `mlir` and returns the printed module.

    `mlir` is MLIR text when it is a `str`, or a file when it is a `pathlib.Path`
    (diagnostics then name the file); relative paths in `args` are resolved
    against `cwd`. Raises CompilerError with MLIR's
    diagnostics when approx-opt fails or exceeds `timeout` seconds.
    """
    binary = find_approx_opt()
    command = [str(binary), "--mlir-print-op-on-diagnostic=false", *args]
    if isinstance(mlir, pathlib.Path):
        command.append(os.fspath(mlir))
        stdin = None
    else:
        command.append("-")
        stdin = mlir
    _LOG.debug("running %s", " ".join(command))
    start = time.perf_counter()
    try:
        result = subprocess.run(
            command, input=stdin, capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd
        )
    except subprocess.TimeoutExpired as error:
        raise CompilerError("approx-opt", f"timed out after {timeout:g} s", command) from error
    _LOG.debug("approx-opt exited %d in %.3f s", result.returncode, time.perf_counter() - start)
    if result.returncode != 0:
        diagnostics = result.stderr or f"exited with status {result.returncode}"
        raise CompilerError("approx-opt", diagnostics, command)
    return result.stdout


def run_pipeline(mlir: MlirInput, pipeline: str, **kwargs) -> str:
    """Runs a textual pass pipeline nested under the module, e.g. "canonicalize,cse"."""
    return run_approx_opt(mlir, [f"--pass-pipeline=builtin.module({pipeline})"], **kwargs)
