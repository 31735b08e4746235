"""Calls the functions of a shared library built by the native backend.

The backend lowers MLIR to LLVM with `llvm.emit_c_interface`, so each public
function `f` is exported as `_mlir_ciface_f`, taking memrefs as descriptor
pointers and scalars by value. `load_library(so, signatures_json)` reads the
signatures the compiler wrote and returns a NativeLibrary:

    lib = load_library("model.so", "model.signatures.json")
    lib.functions                      # ("sum", ...)
    total = lib["sum"](array, len(array))
    total, seconds = lib["sum"].timed(array, len(array), repeat=5)
    lib.handle                         # the raw ctypes.CDLL

Arrays are passed by reference: what the function writes is visible in them.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import os
import pathlib
import time
from typing import Any, Iterator, Sequence, Union

from approxmlir.errors import ApproxError
from approxmlir.runtime.capi import get_runtime
from approxmlir.runtime.descriptors import descriptor_type
from approxmlir.runtime.marshal import prepare_arguments
from approxmlir.runtime.paths import RuntimeNotFoundError
from approxmlir.runtime.signatures import FunctionSignature, MemRefSpec, SignatureError, load_signatures

PathLike = Union[str, os.PathLike]

_LOG = logging.getLogger(__name__)


class NativeLoadError(ApproxError, OSError):
    """The shared library could not be loaded."""


@dataclasses.dataclass(frozen=True)
class NativeFunction:
    """One compiled function, callable with numpy arrays and Python scalars."""

    signature: FunctionSignature
    _cfunc: Any = dataclasses.field(repr=False)

    @classmethod
    def bind(cls, handle: ctypes.CDLL, signature: FunctionSignature) -> "NativeFunction":
        """Looks up the function's C-interface symbol in `handle` and declares its prototype."""
        try:
            cfunc = handle[signature.symbol]
        except AttributeError:
            raise SignatureError(
                f"function {signature.name!r}: symbol {signature.symbol} is not exported by "
                f"{handle._name} (was it compiled with llvm.emit_c_interface?)"
            ) from None
        cfunc.argtypes = [
            ctypes.POINTER(descriptor_type(spec.rank)) if isinstance(spec, MemRefSpec) else spec.type.ctype
            for spec in signature.arguments
        ]
        cfunc.restype = signature.result.type.ctype if signature.result else None
        return cls(signature, cfunc)

    @property
    def name(self) -> str:
        return self.signature.name

    def _result(self, raw: Any) -> Any:
        return self.signature.result.type.to_python(raw) if self.signature.result else None

    def __call__(self, *args: Any) -> Any:
        """Checks and converts `args`, calls the function, returns its scalar result or None."""
        converted = prepare_arguments(self.signature, args)
        return self._result(self._cfunc(*converted))

    def timed(self, *args: Any, repeat: int = 1) -> tuple[Any, float]:
        """Calls the function `repeat` times; returns (last result, fastest call in seconds).

        Arguments are checked and converted once, outside the timed region.
        Outputs written in place accumulate over the repeats.
        """
        if repeat < 1:
            raise ValueError(f"repeat must be at least 1, got {repeat}")
        converted = prepare_arguments(self.signature, args)
        best = float("inf")
        raw = None
        for _ in range(repeat):
            start = time.perf_counter()
            raw = self._cfunc(*converted)
            best = min(best, time.perf_counter() - start)
        _LOG.debug("%s: best of %d calls %.3g s", self.name, repeat, best)
        return self._result(raw), best


class NativeLibrary:
    """A loaded shared library and the functions its signature JSON lists."""

    def __init__(self, path: pathlib.Path, handle: ctypes.CDLL, signatures: Sequence[FunctionSignature]):
        self.path = path
        # The raw ctypes handle, e.g. for user state functions or counters.
        self.handle = handle
        self._functions = {sig.name: NativeFunction.bind(handle, sig) for sig in signatures}

    @property
    def functions(self) -> tuple[str, ...]:
        """The callable functions' names, in the order of the signature JSON."""
        return tuple(self._functions)

    def function(self, name: str) -> NativeFunction:
        try:
            return self._functions[name]
        except KeyError:
            raise KeyError(
                f"{self.path.name} has no function {name!r} (functions: {', '.join(self._functions) or 'none'})"
            ) from None

    def __getitem__(self, name: str) -> NativeFunction:
        return self.function(name)

    def __contains__(self, name: object) -> bool:
        return name in self._functions

    def __iter__(self) -> Iterator[str]:
        return iter(self._functions)

    def __len__(self) -> int:
        return len(self._functions)

    def __repr__(self) -> str:
        return f"NativeLibrary({str(self.path)!r}, functions={list(self._functions)})"


def _open(path: pathlib.Path, mode: int) -> ctypes.CDLL:
    try:
        return ctypes.CDLL(os.fspath(path), mode=mode)
    except OSError as error:
        message = str(error)
        if "undefined symbol" in message:
            message += (
                " (state functions and approx_rt_* symbols must come from the runtime library or "
                "a library passed in `preload`)"
            )
        raise NativeLoadError(f"cannot load {path}: {message}") from None


def load_library(
    so_path: PathLike,
    signatures_json_path: PathLike,
    *,
    preload: Sequence[PathLike] = (),
    preload_runtime: bool = True,
) -> NativeLibrary:
    """Loads a compiled shared library and the signatures of its functions.

    Before the library itself, libapprox_runtime.so (when `preload_runtime`
    and it can be found) and then each of `preload` (e.g. a library of user
    state functions) are loaded with RTLD_GLOBAL, so the library's undefined
    symbols resolve against them. Raises SignatureError for a malformed JSON,
    an unsupported signature or a missing symbol, NativeLoadError when the
    library cannot be loaded.
    """
    signatures = load_signatures(signatures_json_path)
    if preload_runtime:
        try:
            get_runtime()
        except RuntimeNotFoundError as error:
            _LOG.debug("not preloading the runtime: %s", error)
    for extra in preload:
        _open(pathlib.Path(extra), ctypes.RTLD_GLOBAL)
    path = pathlib.Path(so_path)
    handle = _open(path, ctypes.RTLD_LOCAL)
    library = NativeLibrary(path, handle, signatures)
    _LOG.debug("loaded %s: %s", path, ", ".join(library.functions))
    return library
