"""Locates libapprox_runtime.so, libapprox_ml.so and the directory holding approx/runtime.h.

Both are bundled beside this package (`approxmlir/runtime/_lib/` and
`approxmlir/runtime/_include/`) in the wheel and in Bazel's runfiles.
Otherwise `$APPROXMLIR_RUNTIME_LIB` names the library and
`$APPROXMLIR_RUNTIME_INCLUDE` the include directory; a source checkout also
finds `bazel-bin/runtime/libapprox_runtime.so` and `runtime/include`.
"""

from __future__ import annotations

import os
import pathlib
from typing import Optional

from approxmlir.errors import ApproxError

LIB_ENV_VAR = "APPROXMLIR_RUNTIME_LIB"
INCLUDE_ENV_VAR = "APPROXMLIR_RUNTIME_INCLUDE"
LIBRARY_NAME = "libapprox_runtime.so"
ML_LIB_ENV_VAR = "APPROXMLIR_ML_RUNTIME_LIB"
ML_LIBRARY_NAME = "libapprox_ml.so"
HEADER = pathlib.PurePosixPath("approx/runtime.h")

# Not resolved: under Bazel the module is a symlink into the source tree, and
# the bundled files sit beside the symlink, not beside the source.
_PACKAGE_DIR = pathlib.Path(os.path.abspath(__file__)).parent
# runtime/python/approxmlir/runtime -> runtime/ in a source checkout.
_SOURCE_RUNTIME_DIR = _PACKAGE_DIR.parents[2]


class RuntimeNotFoundError(ApproxError, FileNotFoundError):
    """The runtime library or headers could not be found by any documented means."""


def _from_env(var: str) -> Optional[pathlib.Path]:
    value = os.environ.get(var)
    return pathlib.Path(value) if value else None


def runtime_library_path() -> pathlib.Path:
    """Returns the path of libapprox_runtime.so.

    Lookup order: the bundled `approxmlir/runtime/_lib/libapprox_runtime.so`,
    `$APPROXMLIR_RUNTIME_LIB`, then `bazel-bin/runtime/libapprox_runtime.so`
    of a source checkout.
    """
    return _find_library(LIBRARY_NAME, LIB_ENV_VAR, "runtime", "//runtime")


def ml_runtime_library_path() -> pathlib.Path:
    """Returns the path of libapprox_ml.so, the HPAC-ML runtime (libtorch, HDF5).

    Lookup order: the bundled `approxmlir/runtime/_lib/libapprox_ml.so`,
    `$APPROXMLIR_ML_RUNTIME_LIB`, then `bazel-bin/runtime/ml/libapprox_ml.so`.
    """
    return _find_library(ML_LIBRARY_NAME, ML_LIB_ENV_VAR, "runtime/ml", "//runtime/ml")


def _find_library(name: str, env_var: str, bazel_dir: str, package: str) -> pathlib.Path:
    candidates = [
        ("bundled", _PACKAGE_DIR / "_lib" / name),
        (f"${env_var}", _from_env(env_var)),
        ("bazel-bin", _SOURCE_RUNTIME_DIR.parent / "bazel-bin" / bazel_dir / name),
    ]
    tried = []
    for origin, path in candidates:
        if path is None:
            continue
        if path.is_file():
            return path
        if origin.startswith("$"):
            raise RuntimeNotFoundError(f"{env_var} points to {path}, which is not a file")
        tried.append(f"{origin}: {path}")
    raise RuntimeNotFoundError(
        f"{name} not found (tried {', '.join(tried)}; {env_var} is not set). Install the "
        f"approxmlir wheel, run `bazel build {package}:{name}`, or set {env_var}."
    )


def include_dir() -> pathlib.Path:
    """Returns the directory to pass as `-I` for `#include "approx/runtime.h"`.

    Lookup order: the bundled `approxmlir/runtime/_include`,
    `$APPROXMLIR_RUNTIME_INCLUDE`, then `runtime/include` of a source checkout.
    """
    candidates = [
        ("bundled", _PACKAGE_DIR / "_include"),
        (f"${INCLUDE_ENV_VAR}", _from_env(INCLUDE_ENV_VAR)),
        ("source checkout", _SOURCE_RUNTIME_DIR / "include"),
    ]
    tried = []
    for origin, path in candidates:
        if path is None:
            continue
        if (path / HEADER).is_file():
            return path
        if origin.startswith("$"):
            raise RuntimeNotFoundError(f"{INCLUDE_ENV_VAR} points to {path}, which has no {HEADER}")
        tried.append(f"{origin}: {path}")
    raise RuntimeNotFoundError(
        f"{HEADER} not found (tried {', '.join(tried)}; {INCLUDE_ENV_VAR} is not set). Install the "
        f"approxmlir wheel or set {INCLUDE_ENV_VAR}."
    )
