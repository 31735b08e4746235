"""Heap memory: `malloc`, `calloc` and `free` of arrays.

`T *p = malloc(bytes)` becomes `memref.alloc(bytes / sizeof(T)) :
memref<?xT>` (viewed as the strided memref every scalar pointer is), and
`T (*B)[N][M] = malloc(sizeof *B)` a `memref<?xNxMxT>` of `bytes /
sizeof(T[N][M])` rows; `calloc(n, size)` also fills the elements with zeros,
and `free(p)` is `memref.dealloc`. A size that is not a whole number of
elements rounds down, like the C program that indexes past it would not.
Whatever the C code does with the pointer afterwards is the pointer subset of
places.py: the allocation is the pointer's one base array.
"""

from __future__ import annotations

from typing import Optional, Union

from clang.cindex import Cursor, CursorKind, Type, TypeKind

from approxmlir.frontends.c.c_types import Pointer, StructPointer, leaf_memref_type
from approxmlir.frontends.c.clang_ops import CAST_KINDS, children, strip
from approxmlir.frontends.c.emitter import Value
from approxmlir.frontends.c.errors import unsupported
from approxmlir.frontends.c.scope import FunctionScope
from approxmlir.frontends.c.values import ArrayPlace, Element, PointerValue, StructPlace

ALLOCATORS = ("malloc", "calloc")
UNSUPPORTED_ALLOCATORS = ("realloc", "aligned_alloc", "posix_memalign", "alloca")


def callee_name(call: Cursor) -> Optional[str]:
    """The name of the function a call expression calls directly, if any."""
    if call.kind != CursorKind.CALL_EXPR:
        return None
    referenced = call.referenced
    return referenced.spelling if referenced is not None and referenced.kind == CursorKind.FUNCTION_DECL else None


def allocation_call(expr: Cursor) -> Optional[Cursor]:
    """The allocator call under `expr`'s casts (`(T *)malloc(...)`), if any."""
    node = strip(expr)
    while node.kind in CAST_KINDS and children(node):
        node = strip(children(node)[-1])
    return node if callee_name(node) in ALLOCATORS + UNSUPPORTED_ALLOCATORS else None


def _is_void_pointer(ctype: Type) -> bool:
    canonical = ctype.get_canonical()
    return canonical.kind == TypeKind.POINTER and canonical.get_pointee().get_canonical().kind == TypeKind.VOID


class Heap:
    """The part of a function's translation that allocates and frees."""

    def __init__(self, scope: FunctionScope):
        self.scope = scope

    def allocate(self, call: Cursor, target: Pointer, where: Cursor) -> Union[PointerValue, ArrayPlace]:
        """A new array for `(target)malloc(...)` or `(target)calloc(...)`."""
        s, e = self.scope, self.scope.emitter
        name, size = self.requested_bytes(call)
        element_bytes = max(1, target.element.width // 8)
        for dim in target.row_dims:
            element_bytes *= dim
        count = s.arith("divui", size, s.index_const(element_bytes))
        shape = "x".join(["?", *map(str, target.row_dims)])
        alloc_type = f"memref<{shape}x{target.element.mlir}>"
        storage = e.op(f"memref.alloc({e.use(count)}) : {alloc_type}", alloc_type)
        if name == "calloc":
            self.zero_fill(storage, count, target)
        if target.row_dims:
            return ArrayPlace(storage, [], target)
        view = e.op(f"memref.cast {e.use(storage)} : {alloc_type} to {target.mlir}", target.mlir)
        return PointerValue(view, s.index_const(0), target)

    def requested_bytes(self, call: Cursor) -> tuple[str, Value]:
        """The allocator's name and the number of bytes the call asks for."""
        name = callee_name(call)
        if name in UNSUPPORTED_ALLOCATORS:
            raise unsupported(call, f"'{name}' (heap arrays are made by malloc and calloc)")
        args = children(call)[1:]
        if len(args) != (1 if name == "malloc" else 2):
            raise unsupported(call, f"call of '{name}' with {len(args)} arguments")
        size = self.byte_count(args[0])
        if name == "calloc":
            size = self.scope.arith("muli", size, self.byte_count(args[1]))
        return name, size

    def byte_count(self, arg: Cursor) -> Value:
        ctype = self.scope.scalar_type(arg)
        if ctype.is_float:
            raise unsupported(arg, "floating-point allocation size")
        return self.scope.to_index(self.scope.expressions.rvalue(arg), ctype)

    def zero_fill(self, storage: Value, count: Value, target: Pointer) -> None:
        """calloc's zeros, element by element."""
        s = self.scope
        zero = s.const(0, target.element)
        s.loop_nest([count, *target.row_dims], lambda indices: s.store(zero, Element(storage, indices, target.element)))

    def allocate_structs(self, call: Cursor, target: StructPointer, where: Cursor) -> StructPlace:
        """`(struct S *)malloc(n * sizeof(struct S))`: one array per leaf."""
        s, e = self.scope, self.scope.emitter
        name, size = self.requested_bytes(call)
        struct_bytes = where.type.get_canonical().get_pointee().get_size()
        count = s.arith("divui", size, s.index_const(max(1, struct_bytes)))
        leaves = {}
        for leaf in target.struct.leaves:
            alloc_type = leaf_memref_type(leaf, ("?",))
            storage = e.op(f"memref.alloc({e.use(count)}) : {alloc_type}", alloc_type)
            leaves[leaf.path] = e.op(
                f"memref.cast {e.use(storage)} : {alloc_type} to {target.leaf_type(leaf)}", target.leaf_type(leaf)
            )
        place = StructPlace(target.struct, leaves, [], 1)
        if name == "calloc":
            with s.for_range(count) as index:
                s.structs.zero(StructPlace(target.struct, leaves, [index], 1))
        return place

    def free(self, call: Cursor) -> None:
        """`free(p)`: the array p points into is deallocated (p must be what
        malloc returned, as C requires)."""
        args = children(call)[1:]
        if len(args) != 1:
            raise unsupported(call, "call of 'free' without exactly one argument")
        node = strip(args[0])
        while node.kind in CAST_KINDS and _is_void_pointer(node.type):
            node = strip(children(node)[-1])  # the conversion to void *
        e = self.scope.emitter
        if isinstance(self.scope.ctype(node), StructPointer):
            storages = list(self.scope.structs.place(node).leaves.values())
        else:
            place = self.scope.places.pointer(node)
            storages = [place.base if isinstance(place, PointerValue) else place.storage]
        for storage in storages:
            e.op(f"memref.dealloc {e.use(storage)} : {storage.type}")
