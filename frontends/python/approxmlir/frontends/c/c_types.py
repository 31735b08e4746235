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

from clang.cindex import CursorKind, Type, TypeKind

from approxmlir.frontends.c.cxx import in_namespace_std
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


@dataclasses.dataclass(frozen=True)
class Leaf:
    """One scalar or scalar-array member of a struct, however deeply nested:
    `path` names it (`("pos", "x")`), `dims` are the arrays around it (the
    member's own, and those of arrays of structs on the way)."""

    path: tuple[str, ...]
    element: Scalar
    dims: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Struct:
    """A struct type. Its objects are stored member by member (one memref per
    leaf; an array of structs is a structure of arrays), so the layout is the
    frontend's own: structs cross function boundaries as their leaves."""

    name: str
    fields: tuple[tuple[str, "Scalar | Array | Struct | StructArray"], ...]

    def field(self, name: str) -> "Scalar | Array | Struct | StructArray":
        return dict(self.fields)[name]

    @property
    def leaves(self) -> tuple[Leaf, ...]:
        out: list[Leaf] = []
        for name, ctype in self.fields:
            if isinstance(ctype, Scalar):
                out.append(Leaf((name,), ctype))
            elif isinstance(ctype, Array):
                out.append(Leaf((name,), ctype.element, ctype.dims))
            else:
                inner = ctype if isinstance(ctype, Struct) else ctype.struct
                outer = () if isinstance(ctype, Struct) else ctype.dims
                out.extend(Leaf((name, *leaf.path), leaf.element, outer + leaf.dims) for leaf in inner.leaves)
        return tuple(out)

    @property
    def scalar_only(self) -> bool:
        return all(not leaf.dims for leaf in self.leaves)


@dataclasses.dataclass(frozen=True)
class StructArray:
    """A fixed-size (possibly multi-dimensional) array of structs."""

    struct: Struct
    dims: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class StructPointer:
    """A pointer to structs: one strided 1-D (plus the leaf's own dims) memref
    per leaf."""

    struct: Struct

    def leaf_type(self, leaf: Leaf) -> str:
        return leaf_memref_type(leaf, ("?",), strided=True)


@dataclasses.dataclass(frozen=True)
class Reference:
    """A C++ reference `T &` to a scalar or a struct: passed like a pointer to
    its one element, used like the object itself."""

    target: "Scalar | Struct"


def leaf_memref_type(leaf: Leaf, outer: tuple, strided: bool = False) -> str:
    """The memref of one leaf of structs laid out with `outer` dims."""
    shape = "x".join(map(str, (*outer, *leaf.dims)))
    if not strided:
        return f"memref<{shape}x{leaf.element.mlir}>"
    strides, stride = [], 1
    for dim in reversed((*outer, *leaf.dims)[1:]):
        strides.insert(0, stride)
        stride *= dim
    strides.insert(0, stride)
    return f"memref<{shape}x{leaf.element.mlir}, strided<[{', '.join(map(str, strides))}], offset: ?>>"


def mlir_types(ctype: "CType") -> list[str]:
    """The MLIR types a C value of `ctype` crosses a function boundary as."""
    if isinstance(ctype, Void):
        return []
    if isinstance(ctype, Struct) and ctype.scalar_only:
        return [leaf.element.mlir for leaf in ctype.leaves]
    if isinstance(ctype, Struct):  # by value with array members: passed by pointer, copied by the callee
        return mlir_types(StructPointer(ctype))
    if isinstance(ctype, StructPointer):
        return [ctype.leaf_type(leaf) for leaf in ctype.struct.leaves]
    if isinstance(ctype, Reference):
        target = ctype.target
        return mlir_types(StructPointer(target) if isinstance(target, Struct) else Pointer(target))
    return [ctype.mlir]


CType = Scalar | Array | Pointer | Void | Struct | StructArray | StructPointer | Reference

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
        if isinstance(scalar, Struct):
            return StructArray(scalar, tuple(dims))
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
        if isinstance(target, Struct):
            return StructPointer(target)
        raise FrontendError(where, f"unsupported: pointer to {pointee.spelling}")
    if kind == TypeKind.RECORD:
        return convert_struct(canonical, where)
    if kind in (TypeKind.LVALUEREFERENCE, TypeKind.RVALUEREFERENCE):
        target = convert(canonical.get_pointee(), where)
        if isinstance(target, (Scalar, Struct)):
            return Reference(target)
        raise FrontendError(where, f"unsupported: reference type '{ctype.spelling}'")
    if kind == TypeKind.FUNCTIONPROTO or kind == TypeKind.FUNCTIONNOPROTO:
        raise FrontendError(where, "unsupported: function type used as a value (function pointers)")
    raise FrontendError(where, f"unsupported: type '{ctype.spelling}'")


def convert_struct(canonical: Type, where: SourceLocation) -> Struct:
    declaration = canonical.get_declaration()
    if declaration.kind == CursorKind.UNION_DECL:
        raise FrontendError(where, f"unsupported: union type '{canonical.spelling}'")
    if in_namespace_std(declaration):
        raise FrontendError(where, f"unsupported: standard library type '{canonical.spelling}'")
    if declaration.kind not in (CursorKind.STRUCT_DECL, CursorKind.CLASS_DECL):
        raise FrontendError(where, f"unsupported: type '{canonical.spelling}'")
    for child in declaration.get_children():
        if child.kind == CursorKind.CXX_BASE_SPECIFIER:
            raise FrontendError(where, f"unsupported: inheritance ('{canonical.spelling}' has a base class)")
        if child.kind == CursorKind.CXX_METHOD and child.is_virtual_method():
            raise FrontendError(where, f"unsupported: virtual functions ('{canonical.spelling}' has one)")
    fields = []
    for field in canonical.get_fields():
        if field.is_bitfield():
            raise FrontendError(where, f"unsupported: bit-field '{field.spelling}' of '{canonical.spelling}'")
        if field.type.get_canonical().kind == TypeKind.POINTER:  # before converting: `struct node *next` recurses
            raise FrontendError(where, f"unsupported: pointer member '{field.spelling}' of '{canonical.spelling}'")
        ctype = convert(field.type, where)
        if not isinstance(ctype, (Scalar, Array, Struct, StructArray)):
            raise FrontendError(where, f"unsupported: member '{field.spelling}' of type '{field.type.spelling}'")
        fields.append((field.spelling, ctype))
    if not fields:
        raise FrontendError(where, f"unsupported: struct '{canonical.spelling}' without members")
    return Struct(canonical.spelling, tuple(fields))


def parameter_type(ctype: CType) -> CType:
    """C adjusts array parameters to pointers (`T a[N][M]` is `T (*a)[M]`)."""
    if isinstance(ctype, Array):
        return Pointer(ctype.element, ctype.dims[1:])
    if isinstance(ctype, StructArray) and len(ctype.dims) == 1:
        return StructPointer(ctype.struct)
    return ctype


def common_scalar(ctype: CType, where: SourceLocation) -> Scalar:
    if not isinstance(ctype, Scalar):
        raise FrontendError(where, "unsupported: non-scalar value in a scalar context")
    return ctype


def pointer_to_row(ctype: Optional[CType]) -> bool:
    return isinstance(ctype, Pointer) and bool(ctype.row_dims)
