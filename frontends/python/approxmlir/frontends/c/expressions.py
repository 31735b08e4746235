"""C expressions to MLIR (arith, math, memref, scf for && || ?:, func.call)."""

from __future__ import annotations

import ctypes
import struct
from typing import Optional, Union

from clang.cindex import Cursor, CursorKind, conf

from approxmlir.frontends.c import c_types
from approxmlir.frontends.c.c_types import Array, CType, Pointer, Scalar, Void
from approxmlir.frontends.c.emitter import Value
from approxmlir.frontends.c.errors import FrontendError, location_of
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

# clang's CXBinaryOperatorKind / CXUnaryOperatorKind values (libclang >= 17).
MUL, DIV, REM, ADD, SUB, SHL, SHR = 3, 4, 5, 6, 7, 8, 9
LT, GT, LE, GE, EQ, NE = 11, 12, 13, 14, 15, 16
AND, XOR, OR, LAND, LOR, ASSIGN, COMMA = 17, 18, 19, 20, 21, 22, 33
COMPOUND = {23: MUL, 24: DIV, 25: REM, 26: ADD, 27: SUB, 28: SHL, 29: SHR, 30: AND, 31: XOR, 32: OR}
POST_INC, POST_DEC, PRE_INC, PRE_DEC, ADDR_OF, DEREF, PLUS, MINUS, NOT, LNOT = range(1, 11)

# libm functions with an exact math-dialect counterpart (others stay calls).
_MATH_OPS = {
    "sqrt": "math.sqrt",
    "sqrtf": "math.sqrt",
    "fabs": "math.absf",
    "fabsf": "math.absf",
    "floor": "math.floor",
    "floorf": "math.floor",
    "ceil": "math.ceil",
    "ceilf": "math.ceil",
    "trunc": "math.trunc",
    "truncf": "math.trunc",
}


_EVALUATION_API = None


def _evaluation_api():
    """libclang's constant evaluator, with its ctypes signatures set once."""
    global _EVALUATION_API
    if _EVALUATION_API is None:
        lib = conf.lib
        signatures = {
            "clang_Cursor_Evaluate": ([Cursor], ctypes.c_void_p),
            "clang_EvalResult_getKind": ([ctypes.c_void_p], ctypes.c_int),
            "clang_EvalResult_isUnsignedInt": ([ctypes.c_void_p], ctypes.c_uint),
            "clang_EvalResult_getAsUnsigned": ([ctypes.c_void_p], ctypes.c_ulonglong),
            "clang_EvalResult_getAsLongLong": ([ctypes.c_void_p], ctypes.c_longlong),
            "clang_EvalResult_getAsDouble": ([ctypes.c_void_p], ctypes.c_double),
            "clang_EvalResult_dispose": ([ctypes.c_void_p], None),
        }
        for name, (argtypes, restype) in signatures.items():
            function = getattr(lib, name)
            function.argtypes = argtypes
            function.restype = restype
        _EVALUATION_API = lib
    return _EVALUATION_API


def evaluate_constant(expr: Cursor) -> Optional[Union[int, float]]:
    """clang's value of a constant expression: int, float, or None."""
    lib = _evaluation_api()
    result = lib.clang_Cursor_Evaluate(expr)
    if not result:
        return None
    try:
        kind = lib.clang_EvalResult_getKind(result)
        if kind == 1:  # CXEval_Int
            if lib.clang_EvalResult_isUnsignedInt(result):
                return lib.clang_EvalResult_getAsUnsigned(result)
            return lib.clang_EvalResult_getAsLongLong(result)
        if kind == 2:  # CXEval_Float
            return lib.clang_EvalResult_getAsDouble(result)
        return None
    finally:
        lib.clang_EvalResult_dispose(result)


def _libclang(name: str, restype):
    function = getattr(conf.lib, name)
    function.argtypes = [Cursor]
    function.restype = restype
    return function


_binary_kind = None
_unary_kind = None


def binary_kind(cursor: Cursor) -> int:
    global _binary_kind
    if _binary_kind is None:
        _binary_kind = _libclang("clang_getCursorBinaryOperatorKind", ctypes.c_int)
    return _binary_kind(cursor)


def unary_kind(cursor: Cursor) -> int:
    global _unary_kind
    if _unary_kind is None:
        _unary_kind = _libclang("clang_getCursorUnaryOperatorKind", ctypes.c_int)
    return _unary_kind(cursor)


def children(cursor: Cursor) -> list[Cursor]:
    return list(cursor.get_children())


def _unsupported(cursor: Cursor, what: str) -> FrontendError:
    return FrontendError(location_of(cursor), f"unsupported: {what}")


def float_literal(value: float, ctype: Scalar) -> str:
    """The exact bit pattern of `value` as an MLIR float literal."""
    if ctype.width == 32:
        return "0x%08X" % struct.unpack("<I", struct.pack("<f", value))[0]
    return "0x%016X" % struct.unpack("<Q", struct.pack("<d", value))[0]


class ExpressionTranslator:
    """Mixin of FunctionTranslator: everything that yields a value."""

    # Provided by FunctionTranslator.
    emitter: "object"
    module: "object"

    # -- helpers -------------------------------------------------------------

    def ctype(self, cursor: Cursor) -> CType:
        return c_types.convert(cursor.type, location_of(cursor))

    def scalar_type(self, cursor: Cursor) -> Scalar:
        ctype = self.ctype(cursor)
        if not isinstance(ctype, Scalar):
            raise _unsupported(cursor, f"'{cursor.type.spelling}' value where a scalar is needed")
        return ctype

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

    def load(self, element: Element) -> Value:
        e = self.emitter
        indices = ", ".join(e.use(i) for i in element.indices)
        return e.op(f"memref.load {e.use(element.memref)}[{indices}] : {element.memref.type}", element.ctype.mlir)

    def store(self, value: Value, element: Element) -> None:
        e = self.emitter
        indices = ", ".join(e.use(i) for i in element.indices)
        e.op(f"memref.store {e.use(value)}, {e.use(element.memref)}[{indices}] : {element.memref.type}")

    def scalar_element(self, var: ScalarVar) -> Element:
        return Element(var.slot, [self.index_const(0)] if var.addressable else [], var.ctype)

    def get_global(self, var: GlobalVar) -> Value:
        return self.emitter.op(f"memref.get_global @{var.symbol} : {var.memref_type}", var.memref_type)

    # -- lvalues and places --------------------------------------------------

    def strip(self, expr: Cursor) -> Cursor:
        """Skips parentheses and implicit casts that keep the type (lvalue-to-rvalue)."""
        while True:
            if expr.kind == CursorKind.PAREN_EXPR:
                expr = children(expr)[0]
            elif expr.kind == CursorKind.UNEXPOSED_EXPR and len(children(expr)) == 1:
                child = children(expr)[0]
                if child.type.get_canonical() != expr.type.get_canonical():
                    return expr
                expr = child
            else:
                return expr

    def lvalue(self, expr: Cursor) -> Union[Element, Induction, PointerVar]:
        """The memory an assignable expression designates."""
        expr = self.strip(expr)
        if expr.kind == CursorKind.DECL_REF_EXPR:
            var = self.variable(expr)
            if isinstance(var, ScalarVar):
                return self.scalar_element(var)
            if isinstance(var, InductionVar):
                return Induction(var)
            if isinstance(var, PointerVar):
                return var
            if isinstance(var, GlobalVar) and isinstance(var.ctype, Scalar):
                return Element(self.get_global(var), [], var.ctype)
            raise _unsupported(expr, f"assignment to array '{expr.spelling}'")
        if expr.kind == CursorKind.ARRAY_SUBSCRIPT_EXPR:
            place = self.subscript(expr)
            if isinstance(place, Element):
                return place
            raise _unsupported(expr, "assignment to a whole array row")
        if expr.kind == CursorKind.UNARY_OPERATOR and unary_kind(expr) == DEREF:
            pointer = self.pointer(children(expr)[0])
            if isinstance(pointer, PointerValue):
                return Element(pointer.base, [pointer.offset], pointer.ctype.element)
            raise _unsupported(expr, "dereferencing a pointer to an array row")
        raise _unsupported(expr, f"'{expr.kind.name.lower()}' as an assignable expression")

    def subscript(self, expr: Cursor) -> Union[Element, ArrayPlace]:
        """`base[index]`: an element, or a partly indexed multi-dimensional array."""
        base_expr, index_expr = children(expr)
        base = self.pointer(base_expr)
        index_type = self.scalar_type(index_expr)
        index = self.to_index(self.rvalue(index_expr), index_type)
        if isinstance(base, PointerValue):
            offset = self.arith("addi", base.offset, index)
            return Element(base.base, [offset], base.ctype.element)
        indices = base.indices + [index]
        if len(indices) == base.rank:
            return Element(base.storage, indices, base.ctype.element)
        return ArrayPlace(base.storage, indices, base.ctype)

    def pointer(self, expr: Cursor) -> Union[PointerValue, ArrayPlace]:
        """A pointer-valued (or array-valued) expression as a place in memory."""
        expr = self.strip(expr)
        kind = expr.kind
        if kind == CursorKind.UNEXPOSED_EXPR or kind == CursorKind.CSTYLE_CAST_EXPR:
            inner = children(expr)[-1]
            source = self.ctype(inner)
            target = self.ctype(expr)
            if isinstance(target, Pointer) and isinstance(source, (Array, Pointer)):
                place = self.pointer(inner)
                return self.decay(place, target, expr)
            raise _unsupported(expr, f"conversion from '{inner.type.spelling}' to '{expr.type.spelling}'")
        if kind == CursorKind.DECL_REF_EXPR:
            var = self.variable(expr)
            if isinstance(var, PointerVar):
                e = self.emitter
                offset = e.op(f"memref.load {e.use(var.offset_slot)}[] : memref<index>", "index")
                return PointerValue(var.base, offset, var.ctype)
            if isinstance(var, ArrayVar):
                return ArrayPlace(var.storage, [], var.ctype)
            if isinstance(var, GlobalVar) and isinstance(var.ctype, Array):
                return ArrayPlace(self.get_global(var), [], var.ctype)
            raise _unsupported(expr, f"'{expr.spelling}' used as a pointer")
        if kind == CursorKind.ARRAY_SUBSCRIPT_EXPR:
            place = self.subscript(expr)
            if isinstance(place, ArrayPlace):
                return place
        if kind == CursorKind.STRING_LITERAL:
            storage = self.module.string_literal(expr, self.emitter)
            return ArrayPlace(storage, [], Array(c_types.Scalar(8), (int(storage.type.split("<")[1].split("x")[0]),)))
        if kind == CursorKind.BINARY_OPERATOR and binary_kind(expr) in (ADD, SUB):
            lhs, rhs = children(expr)
            if isinstance(self.ctype(lhs), Pointer):
                pointer, amount, negate = lhs, rhs, binary_kind(expr) == SUB
            else:
                pointer, amount, negate = rhs, lhs, False
            base = self.as_pointer_value(self.pointer(pointer), expr)
            delta = self.to_index(self.rvalue(amount), self.scalar_type(amount))
            offset = self.arith("subi" if negate else "addi", base.offset, delta)
            return PointerValue(base.base, offset, base.ctype)
        if kind == CursorKind.UNARY_OPERATOR and unary_kind(expr) == ADDR_OF:
            target = self.lvalue(children(expr)[0])
            if isinstance(target, Element) and len(target.indices) == 1:
                return PointerValue(target.memref, target.indices[0], Pointer(target.ctype))
            if isinstance(target, Element) and len(target.indices) > 1:
                return self.linearize(target.memref, target.indices, target.ctype)
            raise _unsupported(expr, "taking the address of this expression")
        if kind == CursorKind.UNARY_OPERATOR and unary_kind(expr) in (PRE_INC, PRE_DEC, POST_INC, POST_DEC):
            return self.step_pointer(expr)
        if kind == CursorKind.BINARY_OPERATOR and binary_kind(expr) == ASSIGN:
            self.assign(expr)
            return self.pointer(children(expr)[0])
        raise _unsupported(expr, f"pointer expression '{kind.name.lower()}'")

    def decay(self, place, target: Pointer, where: Cursor) -> Union[PointerValue, ArrayPlace]:
        """Array-to-pointer decay: a 1-D array becomes a pointer to its first element."""
        if isinstance(place, PointerValue):
            return place
        remaining = place.rank - len(place.indices)
        if remaining == 1 and not target.row_dims:
            if place.indices:
                return self.linearize(place.storage, place.indices, target.element)
            return PointerValue(place.storage, self.index_const(0), Pointer(target.element))
        if target.row_dims and remaining == len(target.row_dims) + 1:
            return place  # still indexable; only whole arrays pass to row-pointer parameters
        raise _unsupported(where, "pointer into a multi-dimensional array")

    def as_pointer_value(self, place, where: Cursor) -> PointerValue:
        if isinstance(place, PointerValue):
            return place
        if place.rank - len(place.indices) == 1:
            if place.indices:
                return self.linearize(place.storage, place.indices, place.ctype.element)
            return PointerValue(place.storage, self.index_const(0), Pointer(place.ctype.element))
        raise _unsupported(where, "pointer arithmetic on a multi-dimensional array")

    def linearize(self, storage: Value, indices: list[Value], element: Scalar) -> PointerValue:
        """A pointer into a row-major multi-dimensional array: the array viewed
        as 1-D (memref.collapse_shape) and the flat offset of `indices`."""
        e = self.emitter
        shape = storage.type[len("memref<") :].split(">")[0].split("x")[:-1]
        rank = len(shape)
        if any(d == "?" for d in shape[1:]):
            raise FrontendError(location_of(self.function), "unsupported: dynamic inner dimension")
        total = "?" if shape[0] == "?" else str(_product(int(d) for d in shape))
        flat_type = f"memref<{total}x{element.mlir}>"
        group = ", ".join(str(i) for i in range(rank))
        flat = e.op(f"memref.collapse_shape {e.use(storage)} [[{group}]] : {storage.type} into {flat_type}", flat_type)
        offset = self.index_const(0)
        for position, index in enumerate(indices):
            stride = _product(int(d) for d in shape[position + 1 :])
            offset = self.arith("addi", offset, self.arith("muli", index, self.index_const(stride)))
        return PointerValue(flat, offset, Pointer(element))

    def step_pointer(self, expr: Cursor) -> PointerValue:
        """`p++`, `++p`, `p--`, `--p` on a pointer variable."""
        target = self.lvalue(children(expr)[0])
        if not isinstance(target, PointerVar):
            raise _unsupported(expr, "incrementing this pointer expression")
        e = self.emitter
        old = e.op(f"memref.load {e.use(target.offset_slot)}[] : memref<index>", "index")
        kind = unary_kind(expr)
        new = self.arith("addi" if kind in (PRE_INC, POST_INC) else "subi", old, self.index_const(1))
        e.op(f"memref.store {e.use(new)}, {e.use(target.offset_slot)}[] : memref<index>")
        return PointerValue(target.base, new if kind in (PRE_INC, PRE_DEC) else old, target.ctype)

    # -- rvalues -------------------------------------------------------------

    def rvalue(self, expr: Cursor) -> Value:
        """The value of a scalar expression (side effects emitted in order)."""
        kind = expr.kind
        ctype = self.ctype(expr)
        if isinstance(ctype, Pointer) and kind not in (CursorKind.CALL_EXPR,):
            raise _unsupported(expr, "pointer value used as a number")
        if kind in (CursorKind.INTEGER_LITERAL, CursorKind.CHARACTER_LITERAL, CursorKind.FLOATING_LITERAL):
            value = self.evaluate(expr)
            if value is None:
                raise _unsupported(expr, "literal")
            return self.const(value, self.scalar_type(expr))
        if kind == CursorKind.PAREN_EXPR:
            return self.rvalue(children(expr)[0])
        if kind == CursorKind.DECL_REF_EXPR:
            return self.read_variable(expr)
        if kind in (CursorKind.UNEXPOSED_EXPR, CursorKind.CSTYLE_CAST_EXPR):
            return self.cast(expr)
        if kind == CursorKind.ARRAY_SUBSCRIPT_EXPR:
            place = self.subscript(expr)
            if isinstance(place, Element):
                return self.load(place)
            raise _unsupported(expr, "array row used as a value")
        if kind == CursorKind.UNARY_OPERATOR:
            return self.unary(expr)
        if kind == CursorKind.BINARY_OPERATOR:
            return self.binary(expr)
        if kind == CursorKind.COMPOUND_ASSIGNMENT_OPERATOR:
            return self.compound_assign(expr)
        if kind == CursorKind.CONDITIONAL_OPERATOR:
            return self.conditional(expr)
        if kind == CursorKind.CALL_EXPR:
            result = self.call(expr)
            if result is None:
                raise _unsupported(expr, "using the result of a void function")
            return result
        constant = self.evaluate_int(expr)
        if constant is not None and isinstance(ctype, Scalar):
            return self.const(constant, ctype)
        raise _unsupported(expr, f"expression '{kind.name.lower()}'")

    def evaluate_int(self, expr: Cursor) -> Optional[int]:
        """clang's value of an integer constant expression (sizeof, enums, macros)."""
        value = self.evaluate(expr)
        return value if isinstance(value, int) else None

    def evaluate(self, expr: Cursor) -> Optional[Union[int, float]]:
        return evaluate_constant(expr)

    def read_variable(self, expr: Cursor) -> Value:
        referenced = expr.referenced
        if referenced is not None and referenced.kind == CursorKind.ENUM_CONSTANT_DECL:
            return self.const(referenced.enum_value, self.scalar_type(expr))
        var = self.variable(expr)
        if isinstance(var, ScalarVar):
            return self.load(self.scalar_element(var))
        if isinstance(var, InductionVar):
            return self.from_index(var.index, var.ctype)
        if isinstance(var, GlobalVar) and isinstance(var.ctype, Scalar):
            return self.load(Element(self.get_global(var), [], var.ctype))
        raise _unsupported(expr, f"'{expr.spelling}' used as a number")

    def cast(self, expr: Cursor) -> Value:
        kids = children(expr)
        if not kids:
            constant = self.evaluate_int(expr)
            if constant is not None:
                return self.const(constant, self.scalar_type(expr))
            raise _unsupported(expr, "expression")
        inner = kids[-1]
        target = self.ctype(expr)
        source = self.ctype(inner)
        if isinstance(target, Void):
            self.discard(inner)
            return None
        if isinstance(source, Pointer) or isinstance(source, Array):
            raise _unsupported(expr, f"conversion from '{inner.type.spelling}' to '{expr.type.spelling}'")
        if len(kids) > 1 and expr.kind == CursorKind.UNEXPOSED_EXPR:
            constant = self.evaluate_int(expr)
            if constant is not None:
                return self.const(constant, self.scalar_type(expr))
            raise _unsupported(expr, "expression")
        value = self.rvalue(inner)
        return self.convert(value, source, c_types.common_scalar(target, location_of(expr)))

    def unary(self, expr: Cursor) -> Value:
        op = unary_kind(expr)
        operand = children(expr)[0]
        ctype = self.scalar_type(expr)
        e = self.emitter
        if op in (POST_INC, POST_DEC, PRE_INC, PRE_DEC):
            target = self.lvalue(operand)
            if isinstance(target, PointerVar):
                raise _unsupported(expr, "pointer increment used as a number")
            if isinstance(target, Induction):
                raise _unsupported(expr, "assigning the loop counter inside its loop")
            old = self.load(target)
            one = self.const(1, target.ctype)
            if target.ctype.is_bool:
                new = (
                    self.const(1, target.ctype)
                    if op in (POST_INC, PRE_INC)
                    else e.op(f"arith.xori {e.use(old)}, {e.use(one)} : i1", "i1")
                )
            else:
                add = op in (POST_INC, PRE_INC)
                name = ("addf" if add else "subf") if target.ctype.is_float else ("addi" if add else "subi")
                new = self.arith(name, old, one)
            self.store(new, target)
            return old if op in (POST_INC, POST_DEC) else new
        if op == DEREF:
            return self.load(self.lvalue(expr))
        if op == PLUS:
            return self.rvalue(operand)
        if op == MINUS:
            value = self.rvalue(operand)
            if ctype.is_float:
                return e.op(f"arith.negf {e.use(value)} : {ctype.mlir}", ctype.mlir)
            return self.arith("subi", self.const(0, ctype), value)
        if op == NOT:
            return self.arith("xori", self.rvalue(operand), self.const(-1, ctype))
        if op == LNOT:
            operand_type = self.scalar_type(operand)
            truth = self.to_bool(self.rvalue(operand), operand_type)
            negated = e.op(f"arith.xori {e.use(truth)}, {e.use(self.const(1, c_types.BOOL))} : i1", "i1")
            return self.convert(negated, c_types.BOOL, ctype)
        raise _unsupported(expr, "unary operator")

    def arithmetic(self, op: int, lhs: Value, rhs: Value, ctype: Scalar, where: Cursor) -> Value:
        """A binary arithmetic operator on two values of `ctype`."""
        f = ctype.is_float
        s = ctype.signed
        names = {
            ADD: "addf" if f else "addi",
            SUB: "subf" if f else "subi",
            MUL: "mulf" if f else "muli",
            DIV: "divf" if f else ("divsi" if s else "divui"),
            REM: "remf" if f else ("remsi" if s else "remui"),
            SHL: "shli",
            SHR: "shrsi" if s else "shrui",
            AND: "andi",
            XOR: "xori",
            OR: "ori",
        }
        if op not in names:
            raise _unsupported(where, "operator")
        return self.arith(names[op], lhs, rhs)

    def shift_amount(self, value: Value, source: Scalar, target: Scalar) -> Value:
        """C converts a shift's right operand separately: match the left's type."""
        return self.convert(value, Scalar(source.width, signed=source.signed), Scalar(target.width, signed=False))

    def binary(self, expr: Cursor) -> Value:
        op = binary_kind(expr)
        lhs, rhs = children(expr)
        ctype = self.ctype(expr)
        if op == ASSIGN:
            return self.assign(expr)
        if op == COMMA:
            self.discard(lhs)
            return self.rvalue(rhs)
        if op in (LAND, LOR):
            return self.logical(op, lhs, rhs, ctype)
        lhs_type, rhs_type = self.ctype(lhs), self.ctype(rhs)
        if isinstance(lhs_type, Pointer) or isinstance(rhs_type, Pointer):
            return self.pointer_binary(op, lhs, rhs, expr)
        if op in (LT, GT, LE, GE, EQ, NE):
            operand_type = c_types.common_scalar(lhs_type, location_of(lhs))
            a, b = self.rvalue(lhs), self.rvalue(rhs)
            flag = self.compare(op, a, b, operand_type)
            return self.convert(flag, c_types.BOOL, ctype)
        if op in (SHL, SHR):
            a = self.rvalue(lhs)
            b = self.shift_amount(self.rvalue(rhs), rhs_type, ctype)
            return self.arithmetic(op, a, b, ctype, expr)
        return self.arithmetic(op, self.rvalue(lhs), self.rvalue(rhs), ctype, expr)

    def compare(self, op: int, a: Value, b: Value, ctype: Scalar) -> Value:
        e = self.emitter
        if ctype.is_float:
            predicate = {LT: "olt", GT: "ogt", LE: "ole", GE: "oge", EQ: "oeq", NE: "une"}[op]
            return e.op(f"arith.cmpf {predicate}, {e.use(a)}, {e.use(b)} : {a.type}", "i1")
        signed = ctype.signed and not ctype.is_bool
        predicate = {
            LT: "slt" if signed else "ult",
            GT: "sgt" if signed else "ugt",
            LE: "sle" if signed else "ule",
            GE: "sge" if signed else "uge",
            EQ: "eq",
            NE: "ne",
        }[op]
        return e.op(f"arith.cmpi {predicate}, {e.use(a)}, {e.use(b)} : {a.type}", "i1")

    def pointer_binary(self, op: int, lhs: Cursor, rhs: Cursor, expr: Cursor) -> Value:
        """Pointer difference and comparison, on the elements' addresses (two
        pointers may come from different memrefs viewing the same array)."""
        if op not in (SUB, LT, GT, LE, GE, EQ, NE):
            raise _unsupported(expr, "pointer arithmetic producing a pointer in a numeric context")
        left = self.as_pointer_value(self.pointer(lhs), lhs)
        right = self.as_pointer_value(self.pointer(rhs), rhs)
        a, b = self.address(left), self.address(right)
        ctype = self.scalar_type(expr)
        if op == SUB:
            size = self.index_const(max(1, left.ctype.element.width // 8))
            return self.from_index(self.arith("divsi", self.arith("subi", a, b), size), ctype)
        flag = self.compare(op, a, b, Scalar(64, signed=False))
        return self.convert(flag, c_types.BOOL, ctype)

    def address(self, pointer: PointerValue) -> Value:
        """The byte address of the element `pointer` points to, as an index."""
        e = self.emitter
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
            offset = self.arith("addi", offset, Value(names[1], "index", e.scope))
        size = self.index_const(max(1, element.width // 8))
        return self.arith("addi", aligned, self.arith("muli", offset, size))

    def logical(self, op: int, lhs: Cursor, rhs: Cursor, ctype: Scalar) -> Value:
        """`&&` and `||` evaluate their right operand only when needed."""
        e = self.emitter
        left = self.to_bool(self.rvalue(lhs), self.scalar_type(lhs))
        result = Value(e.fresh(), "i1", e.scope)
        e.line(f"{result.name} = scf.if {e.use(left)} -> (i1) {{")
        e._depth += 1
        if op == LAND:
            right = self.to_bool(self.rvalue(rhs), self.scalar_type(rhs))
            e.line(f"scf.yield {e.use(right)} : i1")
        else:
            e.line(f"scf.yield {e.use(self.const(1, c_types.BOOL))} : i1")
        e._depth -= 1
        e.line("} else {")
        e._depth += 1
        if op == LAND:
            e.line(f"scf.yield {e.use(self.const(0, c_types.BOOL))} : i1")
        else:
            right = self.to_bool(self.rvalue(rhs), self.scalar_type(rhs))
            e.line(f"scf.yield {e.use(right)} : i1")
        e._depth -= 1
        e.line("}")
        return self.convert(result, c_types.BOOL, ctype)

    def conditional(self, expr: Cursor) -> Value:
        cond, then, other = children(expr)
        ctype = self.scalar_type(expr)
        e = self.emitter
        flag = self.to_bool(self.rvalue(cond), self.scalar_type(cond))
        result = Value(e.fresh(), ctype.mlir, e.scope)
        e.line(f"{result.name} = scf.if {e.use(flag)} -> ({ctype.mlir}) {{")
        for index, branch in enumerate((then, other)):
            e._depth += 1
            value = self.convert(self.rvalue(branch), self.scalar_type(branch), ctype)
            e.line(f"scf.yield {e.use(value)} : {ctype.mlir}")
            e._depth -= 1
            e.line("} else {" if index == 0 else "}")
        return result

    def assign(self, expr: Cursor) -> Optional[Value]:
        lhs, rhs = children(expr)
        target = self.lvalue(lhs)
        if isinstance(target, Induction):
            raise _unsupported(expr, "assigning the loop counter inside its loop")
        if isinstance(target, PointerVar):
            place = self.as_pointer_value(self.pointer(rhs), rhs)
            if place.base is not target.base:
                raise _unsupported(expr, "pointer variable pointing into different arrays")
            e = self.emitter
            e.op(f"memref.store {e.use(place.offset)}, {e.use(target.offset_slot)}[] : memref<index>")
            return None
        value = self.rvalue(rhs)
        value = self.convert(value, self.scalar_type(rhs), target.ctype)
        self.store(value, target)
        return value

    def compound_assign(self, expr: Cursor) -> Optional[Value]:
        lhs, rhs = children(expr)
        op = COMPOUND[binary_kind(expr)]
        target = self.lvalue(lhs)
        if isinstance(target, Induction):
            raise _unsupported(expr, "assigning the loop counter inside its loop")
        e = self.emitter
        if isinstance(target, PointerVar):
            if op not in (ADD, SUB):
                raise _unsupported(expr, "this operator on a pointer")
            old = e.op(f"memref.load {e.use(target.offset_slot)}[] : memref<index>", "index")
            delta = self.to_index(self.rvalue(rhs), self.scalar_type(rhs))
            new = self.arith("addi" if op == ADD else "subi", old, delta)
            e.op(f"memref.store {e.use(new)}, {e.use(target.offset_slot)}[] : memref<index>")
            return None
        rhs_type = self.scalar_type(rhs)
        compute = usual_arithmetic(target.ctype, rhs_type) if op not in (SHL, SHR) else promote(target.ctype)
        old = self.convert(self.load(target), target.ctype, compute)
        right = self.rvalue(rhs)
        if op in (SHL, SHR):
            right = self.shift_amount(right, rhs_type, compute)
        else:
            right = self.convert(right, rhs_type, compute)
        result = self.convert(self.arithmetic(op, old, right, compute, expr), compute, target.ctype)
        self.store(result, target)
        return result

    def discard(self, expr: Cursor) -> None:
        """Evaluates an expression for its side effects only."""
        if expr.kind == CursorKind.CALL_EXPR:
            self.call(expr)
            return
        stripped = self.strip(expr)
        if stripped.kind == CursorKind.UNARY_OPERATOR and isinstance(self.ctype(stripped), Pointer):
            self.pointer(stripped)
            return
        if (
            stripped.kind in (CursorKind.BINARY_OPERATOR, CursorKind.COMPOUND_ASSIGNMENT_OPERATOR)
            and isinstance(self.ctype(children(stripped)[0]), Pointer)
            and binary_kind(stripped) != COMMA
        ):
            if stripped.kind == CursorKind.BINARY_OPERATOR:
                self.assign(stripped)
            else:
                self.compound_assign(stripped)
            return
        if isinstance(self.ctype(expr), Void):
            self.cast(expr)
            return
        self.rvalue(expr)

    # -- calls ---------------------------------------------------------------

    def call(self, expr: Cursor) -> Optional[Value]:
        kids = children(expr)
        callee = kids[0]
        while callee.kind in (CursorKind.UNEXPOSED_EXPR, CursorKind.PAREN_EXPR) and len(children(callee)) == 1:
            callee = children(callee)[0]  # function-to-pointer decay
        function = callee.referenced if callee.kind == CursorKind.DECL_REF_EXPR else None
        if function is None or function.kind != CursorKind.FUNCTION_DECL:
            raise _unsupported(expr, "call through a function pointer")
        name = function.spelling
        if function.type.is_function_variadic():
            raise _unsupported(expr, f"call of variadic function '{name}'")
        args = kids[1:]
        result_type = self.ctype(expr)
        e = self.emitter
        if name in _MATH_OPS and len(args) == 1 and isinstance(result_type, Scalar) and result_type.is_float:
            value = self.convert(self.rvalue(args[0]), self.scalar_type(args[0]), result_type)
            return e.op(f"{_MATH_OPS[name]} {e.use(value)} : {result_type.mlir}", result_type.mlir)
        signature = self.module.declare_function(function, expr)
        operands = []
        for arg, param_type in zip(args, signature.params):
            if isinstance(param_type, Pointer):
                operands.append(self.pointer_argument(arg, param_type))
            else:
                operands.append(self.convert(self.rvalue(arg), self.scalar_type(arg), param_type))
        names = ", ".join(e.use(v) for v in operands)
        types = ", ".join(v.type for v in operands)
        result = signature.result
        if isinstance(result, Void):
            e.op(f"func.call @{name}({names}) : ({types}) -> ()")
            return None
        return e.op(f"func.call @{name}({names}) : ({types}) -> {result.mlir}", result.mlir)

    def pointer_argument(self, arg: Cursor, param_type: Pointer) -> Value:
        """A memref of the callee's parameter type for a pointer argument."""
        place = self.pointer(arg)
        e = self.emitter
        if param_type.row_dims:
            if isinstance(place, ArrayPlace) and not place.indices and place.storage.type != param_type.mlir:
                return e.op(
                    f"memref.cast {e.use(place.storage)} : {place.storage.type} to {param_type.mlir}", param_type.mlir
                )
            if isinstance(place, ArrayPlace) and not place.indices:
                return place.storage
            raise _unsupported(arg, "passing this pointer to a multi-dimensional array parameter")
        pointer = self.as_pointer_value(place, arg)
        size = e.op(f"memref.dim {e.use(pointer.base)}, {e.use(self.index_const(0))} : {pointer.base.type}", "index")
        remaining = self.arith("subi", size, pointer.offset)
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


def promote(ctype: Scalar) -> Scalar:
    """C's integer promotion."""
    if ctype.is_float or ctype.width >= 32:
        return ctype
    return c_types.INT


def usual_arithmetic(a: Scalar, b: Scalar) -> Scalar:
    """C's usual arithmetic conversions of two operand types."""
    if a.is_float or b.is_float:
        width = max(x.width for x in (a, b) if x.is_float)
        return Scalar(width, is_float=True)
    a, b = promote(a), promote(b)
    if a.signed == b.signed:
        return a if a.width >= b.width else b
    unsigned, signed = (a, b) if not a.signed else (b, a)
    if unsigned.width >= signed.width:
        return unsigned
    return signed
