"""Locates the approx-opt binary."""

from __future__ import annotations

import os
import pathlib
import shutil
import sys

from approxmlir.errors import ApproxError

ENV_VAR = "APPROXMLIR_APPROX_OPT"

# Not resolved: under Bazel the module is a symlink into the source tree, and
# the bundled binary sits beside the symlink, not beside the source.
_PACKAGE_DIR = pathlib.Path(os.path.abspath(__file__)).parent.parent


class ToolNotFoundError(ApproxError, FileNotFoundError):
    """approx-opt could not be found by any of the documented means."""


def _candidates() -> list[tuple[str, pathlib.Path | None]]:
    from_env = os.environ.get(ENV_VAR)
    on_path = shutil.which("approx-opt")
    return [
        (f"${ENV_VAR}", pathlib.Path(from_env) if from_env else None),
        # The wheel and Bazel's runfiles both put the binary here.
        ("bundled", _PACKAGE_DIR / "_bin" / "approx-opt"),
        # A source checkout after `bazel build //compiler:approx-opt`.
        ("bazel-bin", _PACKAGE_DIR.parents[2] / "bazel-bin" / "compiler" / "approx-opt"),
        ("PATH", pathlib.Path(on_path) if on_path else None),
    ]


def find_approx_opt() -> pathlib.Path:
    """Returns the approx-opt to use.

    Lookup order: the APPROXMLIR_APPROX_OPT environment variable, the binary
    bundled in the package (wheel, Bazel), `bazel-bin/compiler/approx-opt` of a
    source checkout, then `approx-opt` on PATH.
    """
    tried = []
    for origin, path in _candidates():
        if path is None:
            continue
        if path.is_file() and os.access(path, os.X_OK):
            return path
        tried.append(f"{origin}: {path}")
        if origin.startswith("$"):
            raise ToolNotFoundError(f"{ENV_VAR} points to {path}, which is not an executable file")
    raise ToolNotFoundError(
        "approx-opt not found (tried " + ", ".join(tried or ["nothing"]) + "). "
        f"Install the approxmlir wheel, run `bazel build //compiler:approx-opt`, or set {ENV_VAR}."
    )


def approx_opt_main() -> None:
    """Console entry point: runs the bundled approx-opt with this process's arguments."""
    binary = find_approx_opt()
    os.execv(binary, [str(binary), *sys.argv[1:]])


LLVM_BIN_ENV_VAR = "APPROXMLIR_LLVM_BIN"
_LLVM_BIN_DEFAULT = pathlib.Path("/usr/lib/llvm-22/bin")


def find_llvm_tool(name: str) -> pathlib.Path:
    """Returns an LLVM 22 tool (`mlir-opt`, `mlir-translate`, `clang`, ...).

    Looked up in $APPROXMLIR_LLVM_BIN, then /usr/lib/llvm-22/bin, then as
    `<name>-22` on PATH: the unsuffixed names on PATH may be another LLVM.
    """
    directories = [os.environ.get(LLVM_BIN_ENV_VAR), _LLVM_BIN_DEFAULT]
    for directory in filter(None, directories):
        path = pathlib.Path(directory) / name
        if path.is_file() and os.access(path, os.X_OK):
            return path
    on_path = shutil.which(f"{name}-22")
    if on_path:
        return pathlib.Path(on_path)
    raise ToolNotFoundError(
        f"LLVM 22 tool {name} not found in ${LLVM_BIN_ENV_VAR}, {_LLVM_BIN_DEFAULT} or as {name}-22 on PATH; "
        "install it with `apt-get install mlir-22-tools clang-22` (./bazelw does)."
    )
