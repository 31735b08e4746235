"""Function signatures of a compiled library, read from the compiler's JSON.

The compiler writes one entry per public function:

    {"functions": [
      {"name": "sum",
       "arguments": [{"kind": "memref", "element_type": "f64", "shape": [-1],
                      "strided": false},
                     {"kind": "scalar", "type": "index"}],
       "results": [{"kind": "scalar", "type": "f64"}]}]}

`shape` holds -1 for a dynamic dimension. `strided` is false for the identity
layout (the compiled code assumes a row-major contiguous array) and true for a
`strided<...>` layout. A strided memref may also carry the layout's `strides`
(a list, -1 dynamic) and `offset` (-1 dynamic): static strides are checked
against the array's, and a static offset is honoured by the descriptor; when
they are absent, strides and offset are taken to be dynamic.

Every argument must be a supported scalar or memref and there is at most one
result, a scalar; otherwise (including `{"kind": "unsupported", "type": ...}`
entries) loading fails with an error naming the function.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any, Mapping, Optional, Union

from approxmlir.errors import ApproxError
from approxmlir.runtime.dtypes import ElementType, element_type

DYNAMIC = -1

# The prefix `llvm.emit_c_interface` gives each function's C wrapper.
CIFACE_PREFIX = "_mlir_ciface_"


class SignatureError(ApproxError, ValueError):
    """The signature JSON is malformed or uses something the binding cannot call."""


@dataclasses.dataclass(frozen=True)
class ScalarSpec:
    """A scalar argument or result, passed by value."""

    type: ElementType

    def __str__(self) -> str:
        return self.type.name


@dataclasses.dataclass(frozen=True)
class MemRefSpec:
    """A memref argument, passed as a pointer to its descriptor."""

    element_type: ElementType
    shape: tuple[int, ...]
    strided: bool
    strides: Optional[tuple[int, ...]] = None  # the strided layout's strides, if given (-1 dynamic)
    offset: int = DYNAMIC  # the strided layout's offset (-1 dynamic)

    @property
    def static_offset(self) -> int:
        """The offset the compiled code applies itself (0 when dynamic)."""
        return 0 if self.offset == DYNAMIC else self.offset

    @property
    def rank(self) -> int:
        return len(self.shape)

    def __str__(self) -> str:
        dims = "".join(("?" if d == DYNAMIC else str(d)) + "x" for d in self.shape)
        layout = ""
        if self.strided:
            strides = self.strides or (DYNAMIC,) * self.rank
            offset = "?" if self.offset == DYNAMIC else str(self.offset)
            layout = (
                ", strided<[" + ", ".join("?" if s == DYNAMIC else str(s) for s in strides) + f"], offset: {offset}>"
            )
        return f"memref<{dims}{self.element_type.name}{layout}>"


ArgumentSpec = Union[ScalarSpec, MemRefSpec]


@dataclasses.dataclass(frozen=True)
class FunctionSignature:
    """One public function of the compiled module."""

    name: str
    arguments: tuple[ArgumentSpec, ...]
    result: Optional[ScalarSpec]

    @property
    def symbol(self) -> str:
        """The exported C-interface symbol."""
        return CIFACE_PREFIX + self.name

    def __str__(self) -> str:
        args = ", ".join(str(a) for a in self.arguments)
        return f"{self.name}({args}) -> {self.result if self.result else '()'}"


def _scalar(data: Mapping[str, Any], where: str) -> ScalarSpec:
    try:
        return ScalarSpec(element_type(data["type"]))
    except KeyError as error:
        raise SignatureError(f"{where}: {error.args[0]}") from None


def _int_list(value: Any, where: str, field: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= DYNAMIC for v in value
    ):
        raise SignatureError(f"{where}: {field} must be a list of integers >= -1, got {value!r}")
    return tuple(value)


def _memref(data: Mapping[str, Any], where: str) -> MemRefSpec:
    try:
        elem = element_type(data["element_type"])
    except KeyError as error:
        raise SignatureError(f"{where}: {error.args[0]}") from None
    shape = _int_list(data.get("shape"), where, "shape")
    strided = data.get("strided", False)
    if not isinstance(strided, bool):
        raise SignatureError(f"{where}: strided must be true or false, got {strided!r}")
    strides = None
    if data.get("strides") is not None:
        strides = _int_list(data["strides"], where, "strides")
        if not strided or len(strides) != len(shape):
            raise SignatureError(f"{where}: strides {list(strides)} need strided=true and one per dimension")
    offset = data.get("offset", DYNAMIC)
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < DYNAMIC or (offset > 0 and not strided):
        raise SignatureError(
            f"{where}: offset must be -1 (dynamic) or the static offset of a strided layout, got {offset!r}"
        )
    return MemRefSpec(elem, shape, strided, strides, offset)


def _argument(data: Any, where: str) -> ArgumentSpec:
    if not isinstance(data, Mapping):
        raise SignatureError(f"{where}: expected an object, got {data!r}")
    kind = data.get("kind")
    if kind == "scalar":
        return _scalar(data, where)
    if kind == "memref":
        return _memref(data, where)
    if kind == "unsupported":
        raise SignatureError(
            f"{where}: type {data.get('type', '?')} is not supported by the native binding (supported: "
            "scalars and memrefs of i1, i8, i16, i32, i64, index, f32, f64 with the identity or a strided layout)"
        )
    raise SignatureError(f"{where}: unknown kind {kind!r} (expected 'scalar' or 'memref')")


def _function(data: Any) -> FunctionSignature:
    if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
        raise SignatureError(f"function entry without a name: {data!r}")
    name = data["name"]
    arguments = data.get("arguments", [])
    results = data.get("results", [])
    if not isinstance(arguments, list) or not isinstance(results, list):
        raise SignatureError(f"function {name!r}: arguments and results must be lists")
    args = tuple(_argument(a, f"function {name!r}, argument {i}") for i, a in enumerate(arguments))
    if len(results) > 1:
        raise SignatureError(
            f"function {name!r} has {len(results)} results; the native binding supports at most one scalar result"
        )
    result = None
    if results:
        spec = _argument(results[0], f"function {name!r}, result 0")
        if not isinstance(spec, ScalarSpec):
            raise SignatureError(f"function {name!r} returns {spec}; the native binding supports only a scalar result")
        result = spec
    return FunctionSignature(name, args, result)


def parse_signatures(data: Mapping[str, Any]) -> tuple[FunctionSignature, ...]:
    """Parses the compiler's JSON object; raises SignatureError naming the culprit."""
    functions = data.get("functions") if isinstance(data, Mapping) else None
    if not isinstance(functions, list):
        raise SignatureError('signature JSON must be an object with a "functions" list')
    signatures = tuple(_function(f) for f in functions)
    seen: set[str] = set()
    for sig in signatures:
        if sig.name in seen:
            raise SignatureError(f"function {sig.name!r} is listed twice")
        seen.add(sig.name)
    return signatures


def load_signatures(path: Union[str, os.PathLike]) -> tuple[FunctionSignature, ...]:
    """Reads and parses a signature JSON file."""
    with open(path, encoding="utf-8") as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as error:
            raise SignatureError(f"{os.fspath(path)}: invalid JSON: {error}") from None
    try:
        return parse_signatures(data)
    except SignatureError as error:
        raise SignatureError(f"{os.fspath(path)}: {error}") from None
