"""approxmlir.runtime: runs code built by approxmlir's native backend.

- `load_library(so, signatures_json)` -> `NativeLibrary`: call compiled
  functions with numpy arrays and scalars (`approxmlir.runtime.native`);
  signatures come from the compiler's JSON (`approxmlir.runtime.signatures`).
- `get_runtime()` -> `Runtime`: the approx-runtime C API (seeded per-thread
  random numbers, the iteration state, a monotonic clock) through ctypes
  (`approxmlir.runtime.capi`).
- `runtime_library_path()`, `ml_runtime_library_path()`, `include_dir()`:
  libapprox_runtime.so, libapprox_ml.so (HPAC-ML surrogates) and the
  directory holding `approx/runtime.h`, to link or compile against
  (`approxmlir.runtime.paths`).
"""

from approxmlir.runtime.capi import Runtime, get_runtime
from approxmlir.runtime.marshal import ArgumentError
from approxmlir.runtime.native import NativeFunction, NativeLibrary, NativeLoadError, load_library
from approxmlir.runtime.paths import RuntimeNotFoundError, include_dir, ml_runtime_library_path, runtime_library_path
from approxmlir.runtime.signatures import (
    FunctionSignature,
    MemRefSpec,
    ScalarSpec,
    SignatureError,
    load_signatures,
    parse_signatures,
)

__all__ = [
    "ArgumentError",
    "FunctionSignature",
    "MemRefSpec",
    "NativeFunction",
    "NativeLibrary",
    "NativeLoadError",
    "Runtime",
    "RuntimeNotFoundError",
    "ScalarSpec",
    "SignatureError",
    "get_runtime",
    "include_dir",
    "load_library",
    "load_signatures",
    "parse_signatures",
    "ml_runtime_library_path",
    "runtime_library_path",
]
