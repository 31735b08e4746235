"""C types of the supported subset and their MLIR representation.

Scalars: `_Bool` -> i1, `char`/`signed char`/`unsigned char` -> i8, `short`
-> i16, `int` -> i32, `long`/`long long` -> i64 (signedness is kept beside the
MLIR type: it chooses division, shifts, comparisons and conversions),
`float` -> f32, `double` -> f64. Arrays of fixed size -> `memref<NxMxT>`.
Pointers to scalars, as function parameters -> `memref<?xT, strided<[1],
offset: ?>>`; pointers to arrays `T (*)[M]` (2-D array parameters) ->
`memref<?xMxT>`.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from clang.cindex import Type, TypeKind

from approxmlir.frontends.c.errors import FrontendError, SourceLocation

_INTEGERS = {
    TypeKind.BOOL: (1, False),
    TypeKind.CHAR_S: (8, True),
    TypeKind.SCHAR: (8, True),
    TypeKind.CHAR_U: (8, False),
    TypeKind.UCHAR: (8, False),
    TypeKind.SHORT: (16, True),
    TypeKind.USHORT: (16, False),
    TypeKind.INT: (32, True),
    TypeKind.UINT: (32, False),
    TypeKind.LONG: (64, True),
    TypeKind.ULONG: (64, False),
    TypeKind.LONGLONG: (64, True),
    TypeKind.ULONGLONG: (64, False),
}
_FLOATS = {TypeKind.FLOAT: 32, TypeKind.DOUBLE: 64}


@dataclasses.dataclass(frozen=True)
class Scalar:
    """An integer (`signed` matters) or floating-point scalar."""

    width: int
    is_float: bool = False
    signed: bool = True

    @property
    def mlir(self) -> str:
        return f"f{self.width}" if self.is_float else f"i{self.width}"

    @property
    def is_bool(self) -> bool:
        return not self.is_float and self.width == 1


@dataclasses.dataclass(frozen=True)
class Array:
    """A fixed-size (possibly multi-dimensional) array of scalars."""

    element: Scalar
    dims: tuple[int, ...]

    @property
    def mlir(self) -> str:
        return f"memref<{'x'.join(map(str, self.dims))}x{self.element.mlir}>"


@dataclasses.dataclass(frozen=True)
class Pointer:
    """A pointer to scalars, or to rows of `row_dims` (2-D array parameters)."""

    element: Scalar
    row_dims: tuple[int, ...] = ()

    @property
    def mlir(self) -> str:
        if self.row_dims:
            return f"memref<?x{'x'.join(map(str, self.row_dims))}x{self.element.mlir}>"
        return f"memref<?x{self.element.mlir}, strided<[1], offset: ?>>"


@dataclasses.dataclass(frozen=True)
class Void:
    mlir: str = ""


CType = Scalar | Array | Pointer | Void

BOOL = Scalar(1, signed=False)
INT = Scalar(32)
INDEX_LIKE = Scalar(64)
DOUBLE = Scalar(64, is_float=True)


def convert(ctype: Type, where: SourceLocation) -> CType:
    """The CType of a libclang type, or FrontendError for unsupported ones."""
    canonical = ctype.get_canonical()
    kind = canonical.kind
    if kind in _INTEGERS:
        width, signed = _INTEGERS[kind]
        return Scalar(width, signed=signed)
    if kind in _FLOATS:
        return Scalar(_FLOATS[kind], is_float=True)
    if kind == TypeKind.VOID:
        return Void()
    if kind == TypeKind.ENUM:
        return INT
    if kind == TypeKind.CONSTANTARRAY:
        dims = []
        element = canonical
        while element.kind == TypeKind.CONSTANTARRAY:
            dims.append(element.element_count)
            element = element.element_type.get_canonical()
        scalar = convert(element, where)
        if not isinstance(scalar, Scalar):
            raise FrontendError(where, f"unsupported: array of {element.spelling}")
        return Array(scalar, tuple(dims))
    if kind in (TypeKind.POINTER, TypeKind.INCOMPLETEARRAY):
        pointee = (canonical.get_pointee() if kind == TypeKind.POINTER else canonical.element_type).get_canonical()
        target = convert(pointee, where)
        if isinstance(target, Scalar):
            return Pointer(target)
        if isinstance(target, Array):
            return Pointer(target.element, target.dims)
        raise FrontendError(where, f"unsupported: pointer to {pointee.spelling}")
    if kind == TypeKind.RECORD:
        raise FrontendError(where, f"unsupported: struct or union type '{ctype.spelling}'")
    if kind == TypeKind.FUNCTIONPROTO or kind == TypeKind.FUNCTIONNOPROTO:
        raise FrontendError(where, "unsupported: function type used as a value (function pointers)")
    raise FrontendError(where, f"unsupported: type '{ctype.spelling}'")


def parameter_type(ctype: CType) -> CType:
    """C adjusts array parameters to pointers (`T a[N][M]` is `T (*a)[M]`)."""
    if isinstance(ctype, Array):
        return Pointer(ctype.element, ctype.dims[1:])
    return ctype


def common_scalar(ctype: CType, where: SourceLocation) -> Scalar:
    if not isinstance(ctype, Scalar):
        raise FrontendError(where, "unsupported: non-scalar value in a scalar context")
    return ctype


def pointer_to_row(ctype: Optional[CType]) -> bool:
    return isinstance(ctype, Pointer) and bool(ctype.row_dims)
