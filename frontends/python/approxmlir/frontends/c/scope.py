"""One function's translation state, and the builders every part uses.

A function is translated by parts composed over one `FunctionScope`:
`Expressions` (values), `Places` (lvalues and pointers), `Heap` (malloc, calloc, free), `Structs`, `Statements` (control flow and
declarations), `MLRegions` (`#pragma approx ml`) and the knob part
(`FunctionTranslator`). Each part keeps a reference to the scope and reaches
the others through it (`scope.expressions`, `scope.statements`, ...), so a
statement may hold a knob and a knob may hold statements.
"""

from __future__ import annotations

import contextlib
import struct
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Sequence, Union

from clang.cindex import Cursor, CursorKind

from approxmlir.frontends.c import c_types
from approxmlir.frontends.c.c_types import CType, Scalar
from approxmlir.frontends.c.emitter import Emitter, Entry, Value
from approxmlir.frontends.c.errors import location_of, unsupported
from approxmlir.frontends.c.values import Element, GlobalVar, ScalarVar, StructPlace, Variable

if TYPE_CHECKING:
    from approxmlir.frontends.c.expressions import Expressions
    from approxmlir.frontends.c.heap import Heap
    from approxmlir.frontends.c.ml_regions import MLRegions
    from approxmlir.frontends.c.places import Places
    from approxmlir.frontends.c.statements import JumpTarget, Statements
    from approxmlir.frontends.c.structs import Structs
    from approxmlir.frontends.c.translator import FunctionTranslator, ModuleTranslator, Signature


def float_literal(value: float, ctype: Scalar) -> str:
    """The exact bit pattern of `value` as an MLIR float literal."""
    if ctype.width == 32:
        return "0x%08X" % struct.unpack("<I", struct.pack("<f", value))[0]
    return "0x%016X" % struct.unpack("<Q", struct.pack("<d", value))[0]


class FunctionScope:
    """The function being translated: its variables, jump targets, return
    slot and flag, hoisted allocations, and the value builders."""

    def __init__(self, module: "ModuleTranslator", function: Cursor, emitter: Emitter, signature: "Signature"):
        self.module = module
        self.function = function
        self.function_name = function.spelling
        self.emitter = emitter
        self.signature = signature
        self.result_type = signature.result
        self.variables: dict[Cursor, Variable] = {}
        self.targets: list["JumpTarget"] = []
        self.return_flag: Optional[Value] = None
        self.return_slot: Optional[Value] = None
        self.return_slot_struct: Optional["StructPlace"] = None  # a function returning a struct
        self.entry: Optional[Entry] = None
        self.address_taken: set[Cursor] = set()
        self.this_place: Optional["StructPlace"] = None  # a C++ member function's `this`
        # The parts, set by FunctionTranslator.
        self.expressions: "Expressions"
        self.places: "Places"
        self.heap: "Heap"
        self.structs: "Structs"
        self.statements: "Statements"
        self.ml_regions: "MLRegions"
        self.knobs: "FunctionTranslator"

    def params(self) -> list[Cursor]:
        return [c for c in self.function.get_children() if c.kind == CursorKind.PARM_DECL]

    # -- types ---------------------------------------------------------------

    def ctype(self, cursor: Cursor) -> CType:
        return c_types.convert(cursor.type, location_of(cursor))

    def scalar_type(self, cursor: Cursor) -> Scalar:
        ctype = self.ctype(cursor)
        if not isinstance(ctype, Scalar):
            raise unsupported(cursor, f"'{cursor.type.spelling}' value where a scalar is needed")
        return ctype

    # -- variables and memory ------------------------------------------------

    def variable(self, expr: Cursor) -> Variable:
        referenced = expr.referenced
        if referenced is None:
            raise unsupported(expr, f"reference to '{expr.spelling}'")
        if referenced in self.variables:
            return self.variables[referenced]
        global_var = self.module.global_variable(referenced)
        if global_var is not None:
            return global_var
        if referenced.kind == CursorKind.FUNCTION_DECL:
            raise unsupported(expr, "function used as a value (function pointers)")
        raise unsupported(expr, f"reference to '{expr.spelling}'")

    def alloca(self, memref_type: str) -> Value:
        return self.emitter.hoisted(self.entry, f"memref.alloca() : {memref_type}", memref_type)

    def scalar_slot(self, decl: Cursor, ctype: Scalar) -> ScalarVar:
        """A scalar's memory: rank 0, or one element when its address is taken
        (so that `&x` is a pointer like any other)."""
        if decl in self.address_taken or self.module.cxx:  # C++: any scalar may be bound to a reference
            return ScalarVar(self.alloca(f"memref<1x{ctype.mlir}>"), ctype, addressable=True)
        return ScalarVar(self.alloca(f"memref<{ctype.mlir}>"), ctype)

    def scalar_element(self, var: ScalarVar) -> Element:
        return Element(var.slot, [self.index_const(0)] if var.addressable else [], var.ctype)

    def get_global(self, var: GlobalVar) -> Value:
        return self.emitter.op(f"memref.get_global @{var.symbol} : {var.memref_type}", var.memref_type)

    def load(self, element: Element) -> Value:
        e = self.emitter
        indices = ", ".join(e.use(i) for i in element.indices)
        return e.op(f"memref.load {e.use(element.memref)}[{indices}] : {element.memref.type}", element.ctype.mlir)

    def store(self, value: Value, element: Element) -> None:
        e = self.emitter
        indices = ", ".join(e.use(i) for i in element.indices)
        e.op(f"memref.store {e.use(value)}, {e.use(element.memref)}[{indices}] : {element.memref.type}")

    # -- loops ---------------------------------------------------------------

    @contextlib.contextmanager
    def for_range(self, upper: Value) -> Iterator[Value]:
        """An scf.for over [0, upper) with step 1; yields its index."""
        e = self.emitter
        lower, step = self.index_const(0), self.index_const(1)
        name = e.fresh("i")
        with e.region(f"scf.for {name} = {e.use(lower)} to {e.use(upper)} step {e.use(step)} {{"):
            yield Value(name, "index", e.scope)

    def loop_nest(self, bounds: Sequence[Union[Value, int]], body: Callable[[list[Value]], None]) -> None:
        """`body(indices)` inside one loop per bound (an int is a constant bound)."""
        if not bounds:
            body([])
            return
        upper = bounds[0] if isinstance(bounds[0], Value) else self.index_const(bounds[0])
        with self.for_range(upper) as index:
            self.loop_nest(bounds[1:], lambda rest: body([index, *rest]))

    # -- flags (break, continue, return) -------------------------------------

    def new_flag(self) -> Value:
        return self.alloca("memref<i1>")

    def set_flag(self, flag: Value, value: int) -> None:
        self.store(self.const(value, c_types.BOOL), Element(flag, [], c_types.BOOL))

    def read_flag(self, flag: Value) -> Value:
        return self.load(Element(flag, [], c_types.BOOL))

    # -- values --------------------------------------------------------------

    def const(self, value: Union[int, float], ctype: Scalar) -> Value:
        if ctype.is_float:
            return self.emitter.constant(float_literal(float(value), ctype), ctype.mlir)
        if ctype.is_bool:
            return self.emitter.constant("true" if value else "false", "i1")
        bits = ctype.width
        value = int(value) & ((1 << bits) - 1)
        if value >= 1 << (bits - 1):
            value -= 1 << bits
        return self.emitter.constant(str(value), ctype.mlir)

    def index_const(self, value: int) -> Value:
        return self.emitter.constant(str(value), "index")

    def arith(self, op: str, lhs: Value, rhs: Value) -> Value:
        e = self.emitter
        return e.op(f"arith.{op} {e.use(lhs)}, {e.use(rhs)} : {lhs.type}", lhs.type)

    def to_index(self, value: Value, ctype: Scalar) -> Value:
        e = self.emitter
        cast = "arith.index_cast" if ctype.signed else "arith.index_castui"
        return e.op(f"{cast} {e.use(value)} : {value.type} to index", "index")

    def from_index(self, value: Value, ctype: Scalar) -> Value:
        e = self.emitter
        cast = "arith.index_cast" if ctype.signed else "arith.index_castui"
        return e.op(f"{cast} {e.use(value)} : index to {ctype.mlir}", ctype.mlir)

    def to_bool(self, value: Value, ctype: Scalar) -> Value:
        if ctype.is_bool:
            return value
        e = self.emitter
        zero = self.const(0, ctype)
        if ctype.is_float:
            return e.op(f"arith.cmpf une, {e.use(value)}, {e.use(zero)} : {ctype.mlir}", "i1")
        return e.op(f"arith.cmpi ne, {e.use(value)}, {e.use(zero)} : {ctype.mlir}", "i1")

    def convert(self, value: Value, source: Scalar, target: Scalar) -> Value:
        """C's conversion of a scalar between two scalar types."""
        e = self.emitter
        if target.is_bool:
            return self.to_bool(value, source)
        if source.mlir == target.mlir:
            return value
        v = e.use(value)
        if source.is_float and target.is_float:
            op = "arith.extf" if target.width > source.width else "arith.truncf"
        elif source.is_float:
            op = "arith.fptosi" if target.signed else "arith.fptoui"
        elif target.is_float:
            op = "arith.sitofp" if source.signed and not source.is_bool else "arith.uitofp"
        elif target.width > source.width:
            op = "arith.extsi" if source.signed and not source.is_bool else "arith.extui"
        else:
            op = "arith.trunci"
        return e.op(f"{op} {v} : {source.mlir} to {target.mlir}", target.mlir)

    def compare(self, op: str, a: Value, b: Value, ctype: Scalar) -> Value:
        """`a op b` for op in < > <= >= == != (C's signedness and NaN rules)."""
        e = self.emitter
        if ctype.is_float:
            predicate = {"<": "olt", ">": "ogt", "<=": "ole", ">=": "oge", "==": "oeq", "!=": "une"}[op]
            return e.op(f"arith.cmpf {predicate}, {e.use(a)}, {e.use(b)} : {a.type}", "i1")
        signed = ctype.signed and not ctype.is_bool
        predicate = {
            "<": "slt" if signed else "ult",
            ">": "sgt" if signed else "ugt",
            "<=": "sle" if signed else "ule",
            ">=": "sge" if signed else "uge",
            "==": "eq",
            "!=": "ne",
        }[op]
        return e.op(f"arith.cmpi {predicate}, {e.use(a)}, {e.use(b)} : {a.type}", "i1")
