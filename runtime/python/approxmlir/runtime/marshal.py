"""Checks Python arguments against a signature and converts them for ctypes.

Scalars: `i1` takes a bool (or 0/1), integer types an int in the type's
signed range, float types an int or float. Memrefs take a numpy.ndarray of
exactly the element dtype and rank, matching static dimensions, passed by
reference (never copied). For the identity layout the array must be
C-contiguous; for a strided layout numpy's strides are passed (in elements).
"""

from __future__ import annotations

import ctypes
import numbers
from typing import Any, Optional, Sequence

import numpy as np

from approxmlir.errors import ApproxError
from approxmlir.runtime.descriptors import contiguous_strides, make_descriptor
from approxmlir.runtime.signatures import DYNAMIC, ArgumentSpec, FunctionSignature, MemRefSpec, ScalarSpec


class ArgumentError(ApproxError, ValueError):
    """An argument does not match the function's signature."""

    def __init__(self, function: str, index: Optional[int], message: str):
        self.function = function
        self.index = index  # None when the number of arguments is wrong
        where = function if index is None else f"{function}: argument {index}"
        super().__init__(f"{where}: {message}")


def _convert_scalar(spec: ScalarSpec, value: Any) -> Any:
    t = spec.type
    if t.kind == "bool":
        if isinstance(value, (bool, np.bool_)):
            return t.ctype(1 if value else 0)
        if isinstance(value, numbers.Integral) and int(value) in (0, 1):
            return t.ctype(int(value))
        raise ValueError(f"expected i1 (a bool or 0/1), got {value!r}")
    if t.kind == "int":
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise ValueError(f"expected {t} (an int), got {type(value).__name__} {value!r}")
        low, high = -(1 << (t.bits - 1)), (1 << (t.bits - 1)) - 1
        if not low <= int(value) <= high:
            raise ValueError(f"{int(value)} is out of range for {t} [{low}, {high}]")
        return t.ctype(int(value))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"expected {t} (a float), got {type(value).__name__} {value!r}")
    return t.ctype(float(value))


def _check_aligned(value: np.ndarray) -> None:
    if not value.flags.aligned:
        raise ValueError(f"the array's data is not aligned for {value.dtype}")


def _check_memref(spec: MemRefSpec, value: Any) -> tuple[int, ...]:
    """Validates `value` and returns the strides to pass, in elements."""
    expected = f"{spec} (numpy {spec.element_type.dtype}, ndim {spec.rank})"
    if not isinstance(value, np.ndarray):
        raise ValueError(
            f"expected a numpy.ndarray for {expected}, got {type(value).__name__}; arrays are passed "
            "by reference, so create the array yourself to see what the function writes"
        )
    if value.dtype != spec.element_type.dtype:
        raise ValueError(f"expected {expected}, got dtype {value.dtype.str} ({value.dtype})")
    if value.ndim != spec.rank:
        raise ValueError(f"expected {expected}, got an array of rank {value.ndim}, shape {value.shape}")
    for dim, (want, got) in enumerate(zip(spec.shape, value.shape)):
        if want != DYNAMIC and want != got:
            raise ValueError(f"expected {expected}, got shape {value.shape} (dimension {dim} must be {want})")
    if not spec.strided:
        if not value.flags.c_contiguous:
            raise ValueError(
                f"{spec} has the identity layout, so the compiled code assumes a C-contiguous array, "
                f"but this one has strides {value.strides} (bytes) for shape {value.shape}; pass "
                "np.ascontiguousarray(a) (a copy: outputs are then written to the copy), or compile "
                "the function with a strided layout"
            )
        _check_aligned(value)
        return contiguous_strides(value.shape)
    itemsize = value.itemsize
    if any(s % itemsize for s in value.strides):
        raise ValueError(f"strides {value.strides} (bytes) are not multiples of the itemsize {itemsize}")
    _check_aligned(value)
    strides = tuple(s // itemsize for s in value.strides)
    if spec.strides is not None:
        for dim, (want, got) in enumerate(zip(spec.strides, strides)):
            if want != DYNAMIC and want != got and value.shape[dim] > 1:
                raise ValueError(
                    f"expected {spec}, got strides {strides} (elements): dimension {dim} must have stride {want}"
                )
    return strides


def _convert(spec: ArgumentSpec, value: Any) -> Any:
    if isinstance(spec, ScalarSpec):
        return _convert_scalar(spec, value)
    return ctypes.pointer(make_descriptor(value, _check_memref(spec, value), spec.static_offset))


def prepare_arguments(signature: FunctionSignature, args: Sequence[Any]) -> list[Any]:
    """Returns ctypes values for `args`; memrefs become descriptor pointers.

    The returned list keeps the descriptors alive; the caller keeps `args`
    (the arrays) alive while the call runs. Raises ArgumentError naming the
    function and the argument index.
    """
    if len(args) != len(signature.arguments):
        raise ArgumentError(
            signature.name,
            None,
            f"expected {len(signature.arguments)} argument(s) ({signature}), got {len(args)}",
        )
    converted = []
    for index, (spec, value) in enumerate(zip(signature.arguments, args)):
        try:
            converted.append(_convert(spec, value))
        except ValueError as error:
            raise ArgumentError(signature.name, index, str(error)) from None
    return converted
