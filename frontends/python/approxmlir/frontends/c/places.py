"""Places in memory: lvalues, array elements and rows, and pointers.

A C pointer is a 1-D memref and an element offset into it (PointerValue); a
(partly) indexed multi-dimensional array is an ArrayPlace.
"""

from __future__ import annotations

from typing import Union

from clang.cindex import Cursor, CursorKind

from approxmlir.frontends.c import c_types
from approxmlir.frontends.c.c_types import Array, Pointer, Scalar
from approxmlir.frontends.c.clang_ops import (
    ADD,
    ADDR_OF,
    ASSIGN,
    CAST_KINDS,
    DEREF,
    POST_DEC,
    POST_INC,
    PRE_DEC,
    PRE_INC,
    SUB,
    binary_kind,
    children,
    strip,
    unary_kind,
)
from approxmlir.frontends.c.cxx import UNSUPPORTED_CONSTRUCTS
from approxmlir.frontends.c.emitter import Value
from approxmlir.frontends.c.errors import FrontendError, location_of, unsupported
from approxmlir.frontends.c.heap import allocation_call
from approxmlir.frontends.c.scope import FunctionScope
from approxmlir.frontends.c.values import (
    ArrayPlace,
    ArrayVar,
    Element,
    GlobalVar,
    Induction,
    InductionVar,
    PointerValue,
    PointerVar,
    ScalarVar,
)


class Places:
    """The part of a function's translation that finds places in memory."""

    def __init__(self, scope: FunctionScope):
        self.scope = scope

    def lvalue(self, expr: Cursor) -> Union[Element, Induction, PointerVar]:
        """The memory an assignable expression designates."""
        expr = strip(expr)
        if expr.kind == CursorKind.DECL_REF_EXPR:
            var = self.scope.variable(expr)
            if isinstance(var, ScalarVar):
                return self.scope.scalar_element(var)
            if isinstance(var, InductionVar):
                return Induction(var)
            if isinstance(var, PointerVar):
                return var
            if isinstance(var, GlobalVar) and isinstance(var.ctype, Scalar):
                return Element(self.scope.get_global(var), [], var.ctype)
            raise unsupported(expr, f"assignment to array '{expr.spelling}'")
        if expr.kind == CursorKind.MEMBER_REF_EXPR:
            member = self.scope.structs.member(expr)
            if isinstance(member, Element):
                return member
            raise unsupported(expr, f"assignment to member '{expr.spelling}' of type '{expr.type.spelling}'")
        if expr.kind == CursorKind.ARRAY_SUBSCRIPT_EXPR:
            place = self.subscript(expr)
            if isinstance(place, Element):
                return place
            raise unsupported(expr, "assignment to a whole array row")
        if expr.kind == CursorKind.UNARY_OPERATOR and unary_kind(expr) == DEREF:
            pointer = self.pointer(children(expr)[0])
            if isinstance(pointer, PointerValue):
                return Element(pointer.base, [pointer.offset], pointer.ctype.element)
            raise unsupported(expr, "dereferencing a pointer to an array row")
        raise unsupported(expr, f"'{expr.kind.name.lower()}' as an assignable expression")

    def subscript(self, expr: Cursor) -> Union[Element, ArrayPlace]:
        """`base[index]`: an element, or a partly indexed multi-dimensional array."""
        base_expr, index_expr = children(expr)
        base = self.pointer(base_expr)
        index_type = self.scope.scalar_type(index_expr)
        index = self.scope.to_index(self.scope.expressions.rvalue(index_expr), index_type)
        if isinstance(base, PointerValue):
            offset = self.scope.arith("addi", base.offset, index)
            return Element(base.base, [offset], base.ctype.element)
        indices = base.indices + [index]
        if len(indices) == base.rank:
            return Element(base.storage, indices, base.ctype.element)
        return ArrayPlace(base.storage, indices, base.ctype)

    def pointer(self, expr: Cursor) -> Union[PointerValue, ArrayPlace]:
        """A pointer-valued (or array-valued) expression as a place in memory."""
        expr = strip(expr)
        kind = expr.kind
        if kind in UNSUPPORTED_CONSTRUCTS:
            raise unsupported(expr, UNSUPPORTED_CONSTRUCTS[kind])
        if kind in CAST_KINDS:
            allocation = allocation_call(expr)
            target = self.scope.ctype(expr)
            if allocation is not None and isinstance(target, Pointer):
                return self.scope.heap.allocate(allocation, target, expr)
            inner = children(expr)[-1]
            source = self.scope.ctype(inner)
            target = self.scope.ctype(expr)
            if isinstance(target, Pointer) and isinstance(source, (Array, Pointer)):
                place = self.pointer(inner)
                return self.decay(place, target, expr)
            raise unsupported(expr, f"conversion from '{inner.type.spelling}' to '{expr.type.spelling}'")
        if kind == CursorKind.DECL_REF_EXPR:
            var = self.scope.variable(expr)
            if isinstance(var, PointerVar):
                e = self.scope.emitter
                offset = e.op(f"memref.load {e.use(var.offset_slot)}[] : memref<index>", "index")
                return PointerValue(var.base, offset, var.ctype)
            if isinstance(var, ArrayVar):
                return ArrayPlace(var.storage, [], var.ctype)
            if isinstance(var, GlobalVar) and isinstance(var.ctype, Array):
                return ArrayPlace(self.scope.get_global(var), [], var.ctype)
            raise unsupported(expr, f"'{expr.spelling}' used as a pointer")
        if kind == CursorKind.MEMBER_REF_EXPR:
            member = self.scope.structs.member(expr)
            if isinstance(member, ArrayPlace):
                return member
        if kind == CursorKind.ARRAY_SUBSCRIPT_EXPR:
            place = self.subscript(expr)
            if isinstance(place, ArrayPlace):
                return place
        if kind == CursorKind.STRING_LITERAL:
            storage = self.scope.module.string_literal(expr, self.scope.emitter)
            return ArrayPlace(storage, [], Array(c_types.Scalar(8), (int(storage.type.split("<")[1].split("x")[0]),)))
        if kind == CursorKind.BINARY_OPERATOR and binary_kind(expr) in (ADD, SUB):
            lhs, rhs = children(expr)
            if isinstance(self.scope.ctype(lhs), Pointer):
                pointer, amount, negate = lhs, rhs, binary_kind(expr) == SUB
            else:
                pointer, amount, negate = rhs, lhs, False
            base = self.as_pointer_value(self.pointer(pointer), expr)
            delta = self.scope.to_index(self.scope.expressions.rvalue(amount), self.scope.scalar_type(amount))
            offset = self.scope.arith("subi" if negate else "addi", base.offset, delta)
            return PointerValue(base.base, offset, base.ctype)
        if kind == CursorKind.UNARY_OPERATOR and unary_kind(expr) == ADDR_OF:
            target = self.lvalue(children(expr)[0])
            if isinstance(target, Element) and len(target.indices) == 1:
                return PointerValue(target.memref, target.indices[0], Pointer(target.ctype))
            if isinstance(target, Element) and len(target.indices) > 1:
                return self.linearize(target.memref, target.indices, target.ctype)
            raise unsupported(expr, "taking the address of this expression")
        if kind == CursorKind.UNARY_OPERATOR and unary_kind(expr) == DEREF:
            # `*B` for a pointer to arrays: its first array (`B[0]`).
            place = self.pointer(children(expr)[0])
            if isinstance(place, ArrayPlace) and place.rank - len(place.indices) > 1:
                return ArrayPlace(place.storage, place.indices + [self.scope.index_const(0)], place.ctype)
            raise unsupported(expr, "dereferencing this pointer as an array")
        if kind == CursorKind.UNARY_OPERATOR and unary_kind(expr) in (PRE_INC, PRE_DEC, POST_INC, POST_DEC):
            return self.step_pointer(expr)
        if kind == CursorKind.BINARY_OPERATOR and binary_kind(expr) == ASSIGN:
            self.scope.expressions.assign(expr)
            return self.pointer(children(expr)[0])
        raise unsupported(expr, f"pointer expression '{kind.name.lower()}'")

    def element_slot(self, element: Element, where: Cursor) -> Value:
        """A one-element view of `element` (`memref<1xT, strided<[1], offset:
        ?>>`): what a C++ reference to it is."""
        if not element.indices:
            raise unsupported(where, "reference to this scalar")
        if len(element.indices) == 1:
            base, offset = element.memref, element.indices[0]
        else:
            pointer = self.linearize(element.memref, element.indices, element.ctype)
            base, offset = pointer.base, pointer.offset
        e = self.scope.emitter
        view_type = f"memref<1x{element.ctype.mlir}, strided<[1], offset: ?>>"
        return e.op(f"memref.subview {e.use(base)}[{e.use(offset)}] [1] [1] : {base.type} to {view_type}", view_type)

    def decay(self, place, target: Pointer, where: Cursor) -> Union[PointerValue, ArrayPlace]:
        """Array-to-pointer decay: a 1-D array becomes a pointer to its first element."""
        if isinstance(place, PointerValue):
            return place
        remaining = place.rank - len(place.indices)
        if remaining == 1 and not target.row_dims:
            if place.indices:
                return self.linearize(place.storage, place.indices, target.element)
            return PointerValue(place.storage, self.scope.index_const(0), Pointer(target.element))
        if target.row_dims and remaining == len(target.row_dims) + 1:
            return place  # still indexable; only whole arrays pass to row-pointer parameters
        raise unsupported(where, "pointer into a multi-dimensional array")

    def as_pointer_value(self, place, where: Cursor) -> PointerValue:
        if isinstance(place, PointerValue):
            return place
        if place.rank - len(place.indices) == 1:
            if place.indices:
                return self.linearize(place.storage, place.indices, place.ctype.element)
            return PointerValue(place.storage, self.scope.index_const(0), Pointer(place.ctype.element))
        raise unsupported(where, "pointer arithmetic on a multi-dimensional array")

    def linearize(self, storage: Value, indices: list[Value], element: Scalar) -> PointerValue:
        """A pointer into a row-major multi-dimensional array: the array viewed
        as 1-D (memref.collapse_shape) and the flat offset of `indices`."""
        e = self.scope.emitter
        shape = storage.type[len("memref<") :].split(">")[0].split("x")[:-1]
        rank = len(shape)
        if any(d == "?" for d in shape[1:]):
            raise FrontendError(location_of(self.scope.function), "unsupported: dynamic inner dimension")
        total = "?" if shape[0] == "?" else str(_product(int(d) for d in shape))
        # A strided source (a member array reached through a pointer to structs)
        # keeps a dynamic offset when collapsed.
        layout = ", strided<[1], offset: ?>" if "strided<" in storage.type else ""
        flat_type = f"memref<{total}x{element.mlir}{layout}>"
        group = ", ".join(str(i) for i in range(rank))
        flat = e.op(f"memref.collapse_shape {e.use(storage)} [[{group}]] : {storage.type} into {flat_type}", flat_type)
        offset = self.scope.index_const(0)
        for position, index in enumerate(indices):
            stride = _product(int(d) for d in shape[position + 1 :])
            offset = self.scope.arith("addi", offset, self.scope.arith("muli", index, self.scope.index_const(stride)))
        return PointerValue(flat, offset, Pointer(element))

    def step_pointer(self, expr: Cursor) -> PointerValue:
        """`p++`, `++p`, `p--`, `--p` on a pointer variable."""
        target = self.lvalue(children(expr)[0])
        if not isinstance(target, PointerVar):
            raise unsupported(expr, "incrementing this pointer expression")
        e = self.scope.emitter
        old = e.op(f"memref.load {e.use(target.offset_slot)}[] : memref<index>", "index")
        kind = unary_kind(expr)
        new = self.scope.arith("addi" if kind in (PRE_INC, POST_INC) else "subi", old, self.scope.index_const(1))
        e.op(f"memref.store {e.use(new)}, {e.use(target.offset_slot)}[] : memref<index>")
        return PointerValue(target.base, new if kind in (PRE_INC, PRE_DEC) else old, target.ctype)

    # -- rvalues -------------------------------------------------------------

    def address(self, pointer: PointerValue) -> Value:
        """The byte address of the element `pointer` points to, as an index."""
        e = self.scope.emitter
        base = pointer.base
        aligned = e.op(f"memref.extract_aligned_pointer_as_index {e.use(base)} : {base.type} -> index", "index")
        element = pointer.ctype.element
        offset = pointer.offset
        if "strided<" in base.type:
            names = [e.fresh("md") for _ in range(4)]
            e.line(
                f"{names[0]}, {names[1]}, {names[2]}, {names[3]} = memref.extract_strided_metadata "
                f"{e.use(base)} : {base.type} -> memref<{element.mlir}>, index, index, index"
            )
            offset = self.scope.arith("addi", offset, Value(names[1], "index", e.scope))
        size = self.scope.index_const(max(1, element.width // 8))
        return self.scope.arith("addi", aligned, self.scope.arith("muli", offset, size))

    def pointer_argument(self, arg: Cursor, param_type: Pointer) -> Value:
        """A memref of the callee's parameter type for a pointer argument."""
        place = self.pointer(arg)
        e = self.scope.emitter
        if param_type.row_dims:
            if isinstance(place, ArrayPlace) and not place.indices and place.storage.type != param_type.mlir:
                return e.op(
                    f"memref.cast {e.use(place.storage)} : {place.storage.type} to {param_type.mlir}", param_type.mlir
                )
            if isinstance(place, ArrayPlace) and not place.indices:
                return place.storage
            if isinstance(place, ArrayPlace) and all(i.literal == "0" for i in place.indices):
                # `*B` or `B[0]` of a pointer to arrays: the same memory, its
                # leading dimensions collapsed into the row count.
                lead = len(place.indices) + 1
                groups = [list(range(lead))] + [[d] for d in range(lead, place.rank)]
                text = ", ".join("[" + ", ".join(map(str, g)) + "]" for g in groups)
                return e.op(
                    f"memref.collapse_shape {e.use(place.storage)} [{text}] : {place.storage.type} into "
                    f"{param_type.mlir}",
                    param_type.mlir,
                )
            raise unsupported(arg, "passing this pointer to a multi-dimensional array parameter")
        pointer = self.as_pointer_value(place, arg)
        return self.pointer_view(pointer, param_type)

    def pointer_view(self, pointer: PointerValue, param_type: Pointer) -> Value:
        """The memory from `pointer` on, as a callee's pointer parameter."""
        e = self.scope.emitter
        size = e.op(
            f"memref.dim {e.use(pointer.base)}, {e.use(self.scope.index_const(0))} : {pointer.base.type}", "index"
        )
        remaining = self.scope.arith("subi", size, pointer.offset)
        return e.op(
            f"memref.subview {e.use(pointer.base)}[{e.use(pointer.offset)}] [{e.use(remaining)}] [1] : "
            f"{pointer.base.type} to {param_type.mlir}",
            param_type.mlir,
        )


def _product(values) -> int:
    total = 1
    for value in values:
        total *= value
    return total
