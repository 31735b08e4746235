"""Structs, arrays of structs and pointers to structs.

A struct is stored member by member: one memref per leaf (c_types.Leaf), an
array of structs being a structure of arrays (`struct P ps[8]` with members
`x` and `v[3]` is a `memref<8xf64>` and a `memref<8x3xf64>`; a single struct
is a length-1 array). A pointer to structs passes one strided memref per leaf,
a struct by value passes its scalar leaves, and a function returning a struct
returns them as results. Scalar replacement is what LLVM would do to the
struct anyway, and it keeps every member a plain memref the approx
transforms and the vectorizer see through.
"""

from __future__ import annotations

from typing import Optional, Union

from clang.cindex import Cursor, CursorKind, TypeKind

from approxmlir.frontends.c.c_types import (
    Array,
    Leaf,
    Reference,
    Scalar,
    Struct,
    StructArray,
    StructPointer,
    leaf_memref_type,
)
from approxmlir.frontends.c.clang_ops import (
    ADD,
    ADDR_OF,
    CAST_KINDS,
    DEREF,
    SUB,
    binary_kind,
    children,
    strip,
    unary_kind,
)
from approxmlir.frontends.c.cxx import UNSUPPORTED_CONSTRUCTS
from approxmlir.frontends.c.emitter import Value
from approxmlir.frontends.c.errors import unsupported
from approxmlir.frontends.c.heap import allocation_call
from approxmlir.frontends.c.scope import FunctionScope
from approxmlir.frontends.c.values import ArrayPlace, Element, StructPlace, StructVar

Member = Union[Element, ArrayPlace, StructPlace]


class Structs:
    """The part of a function's translation that handles struct values."""

    def __init__(self, scope: FunctionScope):
        self.scope = scope

    # -- storage -------------------------------------------------------------

    def new_object(self, ctype: Union[Struct, StructArray]) -> StructPlace:
        """Fresh stack storage: a struct object, or an array of structs."""
        struct, outer = (ctype, (1,)) if isinstance(ctype, Struct) else (ctype.struct, ctype.dims)
        leaves = {leaf.path: self.scope.alloca(leaf_memref_type(leaf, outer)) for leaf in struct.leaves}
        if isinstance(ctype, Struct):
            return StructPlace(struct, leaves, [self.scope.index_const(0)], 1)
        return StructPlace(struct, leaves, [], len(outer))

    def declare(self, decl: Cursor, ctype, init: Cursor | None) -> None:
        """A local struct, array of structs, or pointer to structs."""
        if isinstance(ctype, Reference):  # `Particle &p = ps[i];`
            place = None if init is None else self.place(unwrap(init))
            if place is None or not place.is_object:
                raise unsupported(decl, f"reference '{decl.spelling}' not bound to a struct object")
            self.scope.variables[decl] = StructVar(place)
            return
        if isinstance(ctype, StructPointer):
            if init is None:
                raise unsupported(decl, "pointer to structs without an initializer")
            place = self.pointer_place(init, ctype)
            self.scope.variables[decl] = StructVar(place)
            return
        place = self.new_object(ctype)
        self.scope.variables[decl] = StructVar(place)
        if init is not None:
            self.initialize(place, init)

    def pointer_parameter(self, ctype: StructPointer, args: list[Value]) -> StructPlace:
        leaves = {leaf.path: arg for leaf, arg in zip(ctype.struct.leaves, args)}
        return StructPlace(ctype.struct, leaves, [], 1)

    def parameter(self, decl: Cursor, ctype, args: list[Value]) -> None:
        """A struct parameter from its leaf arguments."""
        if isinstance(ctype, StructPointer):
            self.scope.variables[decl] = StructVar(self.pointer_parameter(ctype, args))
            return
        if isinstance(ctype, Reference):  # the object the pointer's first element is
            place = self.pointer_parameter(StructPointer(ctype.target), args)
            self.scope.variables[decl] = StructVar(self.dereference(place, decl))
            return
        if not ctype.scalar_only:  # by value, passed by pointer: the callee's own copy
            origin = self.dereference(self.pointer_parameter(StructPointer(ctype), args), decl)
            place = self.new_object(ctype)
            self.copy_leaves(place, origin)
            self.scope.variables[decl] = StructVar(place)
            return
        place = self.new_object(ctype)  # by value: the callee's own copy
        self.store_values(place, args)
        self.scope.variables[decl] = StructVar(place)

    # -- places --------------------------------------------------------------

    def place(self, expr: Cursor) -> StructPlace:
        """Where a struct-, struct-array- or struct-pointer-typed expression is."""
        expr = strip(expr)
        kind = expr.kind
        if kind in UNSUPPORTED_CONSTRUCTS:
            raise unsupported(expr, UNSUPPORTED_CONSTRUCTS[kind])
        if kind == CursorKind.CXX_THIS_EXPR:
            if self.scope.this_place is None:
                raise unsupported(expr, "'this' outside a member function")
            return self.scope.this_place
        if kind == CursorKind.DECL_REF_EXPR:
            var = self.scope.variable(expr)
            if isinstance(var, StructVar):
                return var.place
            raise unsupported(expr, f"'{expr.spelling}' used as a struct")
        if kind in CAST_KINDS and len(children(expr)) == 1:
            return self.place(children(expr)[0])  # array-to-pointer decay, lvalue-to-rvalue
        if kind == CursorKind.ARRAY_SUBSCRIPT_EXPR:
            base_expr, index_expr = children(expr)
            base = self.place(base_expr)
            index = self.index(index_expr)
            if base.offset is not None:
                index = self.scope.arith("addi", base.offset, index)
            if base.is_object:
                raise unsupported(expr, "subscript of a struct")
            return StructPlace(base.ctype, base.leaves, base.indices + [index], base.rank)
        if kind == CursorKind.MEMBER_REF_EXPR:
            member = self.member(expr)
            if isinstance(member, StructPlace):
                return member
        if kind == CursorKind.UNARY_OPERATOR and unary_kind(expr) == DEREF:
            return self.dereference(self.place(children(expr)[0]), expr)
        if kind == CursorKind.UNARY_OPERATOR and unary_kind(expr) == ADDR_OF:
            target = self.place(children(expr)[0])
            if not target.is_object:
                raise unsupported(expr, "address of an array of structs")
            return StructPlace(target.ctype, target.leaves, target.indices[:-1], target.rank, target.indices[-1])
        if kind == CursorKind.BINARY_OPERATOR and binary_kind(expr) in (ADD, SUB):
            lhs, rhs = children(expr)
            pointer, amount = (lhs, rhs) if _is_struct_pointer(lhs) else (rhs, lhs)
            base = self.place(pointer)
            if base.is_object:
                raise unsupported(expr, "pointer arithmetic on a struct")
            delta = self.index(amount)
            start = base.offset if base.offset is not None else self.scope.index_const(0)
            offset = self.scope.arith("subi" if binary_kind(expr) == SUB else "addi", start, delta)
            return StructPlace(base.ctype, base.leaves, base.indices, base.rank, offset)
        raise unsupported(expr, f"struct expression '{kind.name.lower()}'")

    def dereference(self, pointer: StructPlace, where: Cursor) -> StructPlace:
        if pointer.is_object:
            raise unsupported(where, "dereferencing a struct")
        index = pointer.offset if pointer.offset is not None else self.scope.index_const(0)
        return StructPlace(pointer.ctype, pointer.leaves, pointer.indices + [index], pointer.rank)

    def member(self, expr: Cursor) -> Member:
        """`s.f` or `p->f`: an element, an array member, or a struct member."""
        kids = children(expr)
        if not kids:  # `x` for `this->x` in a member function
            if self.scope.this_place is None:
                raise unsupported(expr, f"member '{expr.spelling}' without an object")
            base = self.dereference(self.scope.this_place, expr)
        elif kids[0].type.get_canonical().kind == TypeKind.POINTER:
            base = self.dereference(self.place(kids[0]), expr)
        else:
            base = self.place(kids[0])
            if not base.is_object:
                raise unsupported(expr, "member of an array of structs")
        name = expr.spelling
        ftype = base.ctype.field(name)
        leaves = {path[1:]: value for path, value in base.leaves.items() if path[0] == name}
        if isinstance(ftype, Scalar):
            return Element(leaves[()], list(base.indices), ftype)
        if isinstance(ftype, Array):
            return ArrayPlace(leaves[()], list(base.indices), Array(ftype.element, (1,) * base.rank + ftype.dims))
        if isinstance(ftype, Struct):
            return StructPlace(ftype, leaves, list(base.indices), base.rank)
        return StructPlace(ftype.struct, leaves, list(base.indices), base.rank + len(ftype.dims))

    def pointer_place(self, expr: Cursor, ctype: StructPointer) -> StructPlace:
        """A pointer to structs: into an existing array, or a new heap array."""
        call = allocation_call(expr)
        if call is not None:
            return self.scope.heap.allocate_structs(call, ctype, expr)
        place = self.place(expr)
        if place.is_object or len(place.indices) != place.rank - 1:
            raise unsupported(expr, "this value as a pointer to structs")
        return place

    def index(self, expr: Cursor) -> Value:
        return self.scope.to_index(self.scope.expressions.rvalue(expr), self.scope.scalar_type(expr))

    # -- values --------------------------------------------------------------

    def leaf_element(self, place: StructPlace, leaf: Leaf) -> Element:
        return Element(place.leaves[leaf.path], list(place.indices), leaf.element)

    def values(self, expr: Cursor, ctype: Struct) -> list[Value]:
        """The scalar leaves of a scalar-only struct-valued expression."""
        node = unwrap(expr)
        if node.kind == CursorKind.CALL_EXPR:
            return self.scope.expressions.call_results(node)
        return self.values_of(self.object(node))

    def object(self, expr: Cursor) -> StructPlace:
        """The struct object an expression is: a variable's or element's place,
        or a temporary holding a `T{...}` or a call's result."""
        node = unwrap(expr)
        literal = _braced_literal(node)
        if literal is not None:
            temporary = self.new_object(self.scope.ctype(node))
            self.initialize(temporary, literal)
            return temporary
        if node.kind == CursorKind.CALL_EXPR:
            temporary = self.new_object(self.scope.ctype(node))
            results = self.scope.expressions.call_results(node, into=temporary)
            if results:
                self.store_values(temporary, results)
            return temporary
        place = self.place(node)
        if not place.is_object:
            raise unsupported(expr, "array of structs used as a struct")
        return place

    def values_of(self, place: StructPlace) -> list[Value]:
        """The scalar leaves of a struct object, loaded."""
        return [self.scope.load(self.leaf_element(place, leaf)) for leaf in place.ctype.leaves]

    def store_values(self, place: StructPlace, values: list[Value]) -> None:
        for leaf, value in zip(place.ctype.leaves, values):
            self.scope.store(value, self.leaf_element(place, leaf))

    def assign(self, expr: Cursor) -> None:
        """`a = b` for structs."""
        lhs, rhs = children(expr)
        self.copy_into(self.place(lhs), rhs)

    def copy_into(self, target: StructPlace, source: Cursor) -> None:
        """Stores the struct `source` evaluates to into the object `target`:
        member by member (array members element by element)."""
        node = unwrap(source)
        if node.kind == CursorKind.CALL_EXPR and target.ctype.scalar_only:
            self.store_values(target, self.values(node, target.ctype))
            return
        self.copy_leaves(target, self.object(node))

    def copy_leaves(self, target: StructPlace, origin: StructPlace) -> None:
        """Every leaf of the object `origin` into the object `target`."""
        loads = [(leaf, self.leaf_element(origin, leaf)) for leaf in target.ctype.leaves]
        for leaf, element in loads:
            destination = self.leaf_element(target, leaf)
            self.scope.loop_nest(list(leaf.dims), _copy_at(self.scope, element, destination))

    def argument(self, arg: Cursor, param_type) -> list[Value]:
        """The leaf operands of a struct or struct-pointer argument."""
        if isinstance(param_type, Struct) and param_type.scalar_only:
            return self.values(arg, param_type)
        if isinstance(param_type, (Reference, Struct)):
            param_type = StructPointer(param_type.target if isinstance(param_type, Reference) else param_type)
            place = self.object_pointer(arg)
        else:
            place = self.pointer_place(arg, param_type)
        return [self.view(place, leaf, param_type) for leaf in param_type.struct.leaves]

    def object_pointer(self, expr: Optional[Cursor]) -> StructPlace:
        """A pointer to the struct object `expr` (a C++ reference or method
        call binds to it); None is the member function's own object."""
        if expr is None:
            if self.scope.this_place is None:
                raise unsupported(self.scope.function, "member call without an object")
            return self.scope.this_place
        if expr.type.get_canonical().kind == TypeKind.POINTER:
            return self.pointer_place(expr, self.scope.ctype(expr))
        target = self.object(expr)
        return StructPlace(target.ctype, target.leaves, target.indices[:-1], target.rank, target.indices[-1])

    def view(self, place: StructPlace, leaf: Leaf, ctype: StructPointer) -> Value:
        """The leaf's memory from the pointer's element on, as the callee's
        strided memref (the chosen leading indices dropped)."""
        s, e = self.scope, self.scope.emitter
        storage = place.leaves[leaf.path]
        chosen = len(place.indices)
        start = place.offset if place.offset is not None else s.index_const(0)
        size = e.op(f"memref.dim {e.use(storage)}, {e.use(s.index_const(chosen))} : {storage.type}", "index")
        count = s.arith("subi", size, start)
        offsets = [e.use(i) for i in place.indices] + [e.use(start)] + ["0"] * len(leaf.dims)
        sizes = ["1"] * chosen + [e.use(count)] + [str(d) for d in leaf.dims]
        strides = ["1"] * (chosen + 1 + len(leaf.dims))
        target = ctype.leaf_type(leaf)
        return e.op(
            f"memref.subview {e.use(storage)}[{', '.join(offsets)}] [{', '.join(sizes)}] [{', '.join(strides)}] : "
            f"{storage.type} to {target}",
            target,
        )

    # -- initializers --------------------------------------------------------

    def initialize(self, place: StructPlace, init: Cursor) -> None:
        """`= {...}` (missing members are zero, as in C) or `= expression`."""
        if init.kind != CursorKind.INIT_LIST_EXPR:
            if not place.is_object:
                raise unsupported(init, "initializing an array of structs from an expression")
            self.copy_into(place, init)
            return
        self.zero(place)
        self.fill(place, init)

    def zero(self, place: StructPlace) -> None:
        """Zeros in every element of every leaf under `place`."""
        s = self.scope
        for leaf in place.ctype.leaves:
            storage = place.leaves[leaf.path]
            shape = storage.type[len("memref<") :].split(",")[0].split(">")[0].split("x")[:-1]
            dims = [int(d) for d in shape[len(place.indices) :]]
            element = Element(storage, list(place.indices), leaf.element)
            self.scope.loop_nest(dims, _store_at(s, s.const(0, leaf.element), element))

    def fill(self, place: StructPlace, init: Cursor) -> None:
        items = children(init)
        if not place.is_object:  # an array of structs: one initializer per element
            for i, item in enumerate(items):
                element = StructPlace(
                    place.ctype, place.leaves, place.indices + [self.scope.index_const(i)], place.rank
                )
                if item.kind == CursorKind.INIT_LIST_EXPR:
                    self.fill(element, item)
                else:
                    self.copy_into(element, item)
            return
        for (name, ftype), item in zip(place.ctype.fields, items):
            leaves = {path[1:]: value for path, value in place.leaves.items() if path[0] == name}
            if isinstance(ftype, Scalar):
                value = self.scope.expressions.rvalue(item)
                value = self.scope.convert(value, self.scope.scalar_type(item), ftype)
                self.scope.store(value, Element(leaves[()], list(place.indices), ftype))
            elif isinstance(ftype, Array):
                self.fill_array(leaves[()], list(place.indices), ftype, item)
            else:
                struct = ftype if isinstance(ftype, Struct) else ftype.struct
                extra = 0 if isinstance(ftype, Struct) else len(ftype.dims)
                sub = StructPlace(struct, leaves, list(place.indices), place.rank + extra)
                if item.kind == CursorKind.INIT_LIST_EXPR:
                    self.fill(sub, item)
                elif isinstance(ftype, Struct):
                    self.copy_into(sub, item)
                else:
                    raise unsupported(item, "array of structs initialized from an expression")

    def fill_array(self, storage: Value, indices: list[Value], ctype: Array, init: Cursor) -> None:
        if init.kind != CursorKind.INIT_LIST_EXPR:
            raise unsupported(init, "array member initialized from an expression")

        def walk(node: Cursor, prefix: list[int]) -> None:
            if node.kind == CursorKind.INIT_LIST_EXPR:
                for i, child in enumerate(children(node)):
                    walk(child, prefix + [i])
                return
            value = self.scope.convert(self.scope.expressions.rvalue(node), self.scope.scalar_type(node), ctype.element)
            position = indices + [self.scope.index_const(i) for i in prefix]
            self.scope.store(value, Element(storage, position, ctype.element))

        walk(init, [])


def unwrap(expr: Cursor) -> Cursor:
    """`expr` without conversions and C++'s implicit copy constructions."""
    node = strip(expr)
    while True:
        kids = children(node)
        if node.kind in CAST_KINDS and len(kids) == 1:
            node = strip(kids[0])
        elif (
            node.kind == CursorKind.CALL_EXPR
            and node.referenced is not None
            and node.referenced.kind == CursorKind.CONSTRUCTOR
            and len(kids) == 1
        ):
            node = strip(kids[0])
        else:
            return node


def _braced_literal(node: Cursor) -> Optional[Cursor]:
    """The initializer list of a C compound literal or C++ `T{...}`, if `node` is one."""
    if node.kind in (CursorKind.CXX_FUNCTIONAL_CAST_EXPR, CursorKind.COMPOUND_LITERAL_EXPR, CursorKind.INIT_LIST_EXPR):
        if node.kind == CursorKind.INIT_LIST_EXPR:
            return node
        kids = children(node)
        if kids and kids[-1].kind == CursorKind.INIT_LIST_EXPR:
            return kids[-1]
    return None


def _copy_at(scope: FunctionScope, source: Element, target: Element):
    """A loop body copying `source` to `target`, both extended by the loop indices."""

    def body(indices: list[Value]) -> None:
        value = scope.load(Element(source.memref, source.indices + indices, source.ctype))
        scope.store(value, Element(target.memref, target.indices + indices, target.ctype))

    return body


def _store_at(scope: FunctionScope, value: Value, element: Element):
    """A loop body storing `value` at `element` extended by the loop indices."""

    def body(indices: list[Value]) -> None:
        scope.store(value, Element(element.memref, element.indices + indices, element.ctype))

    return body


def _is_struct_pointer(expr: Cursor) -> bool:
    canonical = expr.type.get_canonical()
    return canonical.kind in (TypeKind.POINTER, TypeKind.CONSTANTARRAY)
