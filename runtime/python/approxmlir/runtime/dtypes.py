"""The scalar and element types of the signature JSON and their C/numpy forms.

| JSON    | numpy   | C (argument/result)                     |
|---------|---------|-----------------------------------------|
| i1      | bool_   | one byte, 0 or 1 (returned as `bool`)   |
| i8..i64 | int8..  | the signed integer of that width        |
| index   | int64   | int64_t                                 |
| f32/f64 | float32 | float / double                          |
"""

from __future__ import annotations

import ctypes
import dataclasses
from typing import Any

import numpy as np


@dataclasses.dataclass(frozen=True)
class ElementType:
    """One MLIR scalar type: its ctypes form, numpy dtype and value kind."""

    name: str
    ctype: Any  # a ctypes simple type, e.g. ctypes.c_double
    dtype: np.dtype
    kind: str  # "bool", "int" or "float"
    bits: int

    def __str__(self) -> str:
        return self.name

    def to_python(self, raw: Any) -> Any:
        """Converts a value returned through ctypes to bool, int or float."""
        if self.kind == "bool":
            return bool(int(raw) & 1)  # only the low bit of an i1 is defined
        if self.kind == "int":
            return int(raw)
        return float(raw)


_TYPES = (
    ElementType("i1", ctypes.c_uint8, np.dtype(np.bool_), "bool", 1),
    ElementType("i8", ctypes.c_int8, np.dtype(np.int8), "int", 8),
    ElementType("i16", ctypes.c_int16, np.dtype(np.int16), "int", 16),
    ElementType("i32", ctypes.c_int32, np.dtype(np.int32), "int", 32),
    ElementType("i64", ctypes.c_int64, np.dtype(np.int64), "int", 64),
    ElementType("index", ctypes.c_int64, np.dtype(np.int64), "int", 64),
    ElementType("f32", ctypes.c_float, np.dtype(np.float32), "float", 32),
    ElementType("f64", ctypes.c_double, np.dtype(np.float64), "float", 64),
)

ELEMENT_TYPES: dict[str, ElementType] = {t.name: t for t in _TYPES}


def element_type(name: str) -> ElementType:
    """Looks up a type by its JSON name; raises KeyError naming the known ones."""
    try:
        return ELEMENT_TYPES[name]
    except KeyError:
        known = ", ".join(ELEMENT_TYPES)
        raise KeyError(f"unknown type {name!r} (known: {known})") from None
