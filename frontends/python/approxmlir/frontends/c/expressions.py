"""C expressions to MLIR (arith, math, memref, scf for && || ?:, func.call)."""

from __future__ import annotations

from typing import Optional, Union

from clang.cindex import Cursor, CursorKind

from approxmlir.frontends.c import c_types
from approxmlir.frontends.c.c_types import Array, Pointer, Reference, Scalar, Struct, StructPointer, Void
from approxmlir.frontends.c.clang_ops import (
    ADD,
    AND,
    ASSIGN,
    CAST_KINDS,
    COMMA,
    COMPARISONS,
    COMPOUND,
    DEREF,
    DIV,
    EQ,
    GE,
    GT,
    LAND,
    LE,
    LNOT,
    LOR,
    LT,
    MINUS,
    MUL,
    NE,
    NOT,
    OR,
    PLUS,
    POST_DEC,
    POST_INC,
    PRE_DEC,
    PRE_INC,
    REM,
    SHL,
    SHR,
    SUB,
    XOR,
    binary_kind,
    children,
    evaluate_constant,
    strip,
    unary_kind,
)
from approxmlir.frontends.c.cxx import UNSUPPORTED_CONSTRUCTS, in_namespace_std
from approxmlir.frontends.c.emitter import Value
from approxmlir.frontends.c.errors import location_of, unsupported
from approxmlir.frontends.c.heap import ALLOCATORS, UNSUPPORTED_ALLOCATORS
from approxmlir.frontends.c.scope import FunctionScope
from approxmlir.frontends.c.values import (
    Element,
    GlobalVar,
    Induction,
    InductionVar,
    PointerVar,
    ScalarVar,
    StructPlace,
)

# <cmath>'s functions that std:: overloads for float; each is the C library's
# function of that precision.
LIBM_FUNCTIONS = frozenset(
    "exp exp2 expm1 log log2 log10 log1p pow sin cos tan asin acos atan atan2 sinh cosh tanh sqrt cbrt hypot "
    "fabs floor ceil trunc round fmod fmin fmax erf erfc tgamma lgamma".split()
)

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


class Expressions:
    """The part of a function's translation that yields values."""

    def __init__(self, scope: FunctionScope):
        self.scope = scope

    # -- helpers -------------------------------------------------------------

    # -- lvalues and places --------------------------------------------------

    def rvalue(self, expr: Cursor) -> Value:
        """The value of a scalar expression (side effects emitted in order)."""
        kind = expr.kind
        if kind in UNSUPPORTED_CONSTRUCTS:
            raise unsupported(expr, UNSUPPORTED_CONSTRUCTS[kind])
        ctype = self.scope.ctype(expr)
        if isinstance(ctype, Pointer) and kind not in (CursorKind.CALL_EXPR,):
            raise unsupported(expr, "pointer value used as a number")
        if kind in (
            CursorKind.INTEGER_LITERAL,
            CursorKind.CHARACTER_LITERAL,
            CursorKind.FLOATING_LITERAL,
            CursorKind.CXX_BOOL_LITERAL_EXPR,
        ):
            value = self.evaluate(expr)
            if value is None:
                raise unsupported(expr, "literal")
            return self.scope.const(value, self.scope.scalar_type(expr))
        if kind == CursorKind.PAREN_EXPR:
            return self.rvalue(children(expr)[0])
        if kind == CursorKind.DECL_REF_EXPR:
            return self.read_variable(expr)
        if kind in CAST_KINDS:
            return self.cast(expr)
        if kind == CursorKind.MEMBER_REF_EXPR:
            member = self.scope.structs.member(expr)
            if isinstance(member, Element):
                return self.scope.load(member)
            raise unsupported(expr, f"member '{expr.spelling}' of type '{expr.type.spelling}' used as a number")
        if kind == CursorKind.ARRAY_SUBSCRIPT_EXPR:
            place = self.scope.places.subscript(expr)
            if isinstance(place, Element):
                return self.scope.load(place)
            raise unsupported(expr, "array row used as a value")
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
                raise unsupported(expr, "using the result of a void function")
            return result
        constant = self.evaluate_int(expr)
        if constant is not None and isinstance(ctype, Scalar):
            return self.scope.const(constant, ctype)
        raise unsupported(expr, f"expression '{kind.name.lower()}'")

    def evaluate_int(self, expr: Cursor) -> Optional[int]:
        """clang's value of an integer constant expression (sizeof, enums, macros)."""
        value = self.evaluate(expr)
        return value if isinstance(value, int) else None

    def evaluate(self, expr: Cursor) -> Optional[Union[int, float]]:
        return evaluate_constant(expr)

    def read_variable(self, expr: Cursor) -> Value:
        referenced = expr.referenced
        if referenced is not None and referenced.kind == CursorKind.ENUM_CONSTANT_DECL:
            return self.scope.const(referenced.enum_value, self.scope.scalar_type(expr))
        constant = self.evaluate_int(expr) if referenced is None else None
        if constant is not None:  # a template's non-type argument, substituted
            return self.scope.const(constant, self.scope.scalar_type(expr))
        var = self.scope.variable(expr)
        if isinstance(var, ScalarVar):
            return self.scope.load(self.scope.scalar_element(var))
        if isinstance(var, InductionVar):
            return self.scope.from_index(var.index, var.ctype)
        if isinstance(var, GlobalVar) and isinstance(var.ctype, Scalar):
            return self.scope.load(Element(self.scope.get_global(var), [], var.ctype))
        raise unsupported(expr, f"'{expr.spelling}' used as a number")

    def cast(self, expr: Cursor) -> Value:
        kids = children(expr)
        if not kids:
            constant = self.evaluate_int(expr)
            if constant is not None:
                return self.scope.const(constant, self.scope.scalar_type(expr))
            raise unsupported(expr, "expression")
        inner = kids[-1]
        target = self.scope.ctype(expr)
        source = self.scope.ctype(inner)
        if isinstance(target, Void):
            self.discard(inner)
            return None
        if isinstance(source, Pointer) or isinstance(source, Array):
            raise unsupported(expr, f"conversion from '{inner.type.spelling}' to '{expr.type.spelling}'")
        if len(kids) > 1 and expr.kind == CursorKind.UNEXPOSED_EXPR:
            constant = self.evaluate_int(expr)
            if constant is not None:
                return self.scope.const(constant, self.scope.scalar_type(expr))
            raise unsupported(expr, "expression")
        value = self.rvalue(inner)
        return self.scope.convert(value, source, c_types.common_scalar(target, location_of(expr)))

    def unary(self, expr: Cursor) -> Value:
        op = unary_kind(expr)
        operand = children(expr)[0]
        ctype = self.scope.scalar_type(expr)
        e = self.scope.emitter
        if op in (POST_INC, POST_DEC, PRE_INC, PRE_DEC):
            target = self.scope.places.lvalue(operand)
            if isinstance(target, PointerVar):
                raise unsupported(expr, "pointer increment used as a number")
            if isinstance(target, Induction):
                raise unsupported(expr, "assigning the loop counter inside its loop")
            old = self.scope.load(target)
            one = self.scope.const(1, target.ctype)
            if target.ctype.is_bool:
                new = (
                    self.scope.const(1, target.ctype)
                    if op in (POST_INC, PRE_INC)
                    else e.op(f"arith.xori {e.use(old)}, {e.use(one)} : i1", "i1")
                )
            else:
                add = op in (POST_INC, PRE_INC)
                name = ("addf" if add else "subf") if target.ctype.is_float else ("addi" if add else "subi")
                new = self.scope.arith(name, old, one)
            self.scope.store(new, target)
            return old if op in (POST_INC, POST_DEC) else new
        if op == DEREF:
            return self.scope.load(self.scope.places.lvalue(expr))
        if op == PLUS:
            return self.rvalue(operand)
        if op == MINUS:
            value = self.rvalue(operand)
            if ctype.is_float:
                return e.op(f"arith.negf {e.use(value)} : {ctype.mlir}", ctype.mlir)
            return self.scope.arith("subi", self.scope.const(0, ctype), value)
        if op == NOT:
            return self.scope.arith("xori", self.rvalue(operand), self.scope.const(-1, ctype))
        if op == LNOT:
            operand_type = self.scope.scalar_type(operand)
            truth = self.scope.to_bool(self.rvalue(operand), operand_type)
            negated = e.op(f"arith.xori {e.use(truth)}, {e.use(self.scope.const(1, c_types.BOOL))} : i1", "i1")
            return self.scope.convert(negated, c_types.BOOL, ctype)
        raise unsupported(expr, "unary operator")

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
            raise unsupported(where, "operator")
        return self.scope.arith(names[op], lhs, rhs)

    def shift_amount(self, value: Value, source: Scalar, target: Scalar) -> Value:
        """C converts a shift's right operand separately: match the left's type."""
        return self.scope.convert(value, Scalar(source.width, signed=source.signed), Scalar(target.width, signed=False))

    def binary(self, expr: Cursor) -> Value:
        op = binary_kind(expr)
        lhs, rhs = children(expr)
        ctype = self.scope.ctype(expr)
        if op == ASSIGN:
            return self.assign(expr)
        if op == COMMA:
            self.discard(lhs)
            return self.rvalue(rhs)
        if op in (LAND, LOR):
            return self.logical(op, lhs, rhs, ctype)
        lhs_type, rhs_type = self.scope.ctype(lhs), self.scope.ctype(rhs)
        if isinstance(lhs_type, Pointer) or isinstance(rhs_type, Pointer):
            return self.pointer_binary(op, lhs, rhs, expr)
        if op in (LT, GT, LE, GE, EQ, NE):
            operand_type = c_types.common_scalar(lhs_type, location_of(lhs))
            a, b = self.rvalue(lhs), self.rvalue(rhs)
            flag = self.scope.compare(COMPARISONS[op], a, b, operand_type)
            return self.scope.convert(flag, c_types.BOOL, ctype)
        if op in (SHL, SHR):
            a = self.rvalue(lhs)
            b = self.shift_amount(self.rvalue(rhs), rhs_type, ctype)
            return self.arithmetic(op, a, b, ctype, expr)
        return self.arithmetic(op, self.rvalue(lhs), self.rvalue(rhs), ctype, expr)

    def pointer_binary(self, op: int, lhs: Cursor, rhs: Cursor, expr: Cursor) -> Value:
        """Pointer difference and comparison, on the elements' addresses (two
        pointers may come from different memrefs viewing the same array)."""
        if op not in (SUB, LT, GT, LE, GE, EQ, NE):
            raise unsupported(expr, "pointer arithmetic producing a pointer in a numeric context")
        left = self.scope.places.as_pointer_value(self.scope.places.pointer(lhs), lhs)
        right = self.scope.places.as_pointer_value(self.scope.places.pointer(rhs), rhs)
        a, b = self.scope.places.address(left), self.scope.places.address(right)
        ctype = self.scope.scalar_type(expr)
        if op == SUB:
            size = self.scope.index_const(max(1, left.ctype.element.width // 8))
            return self.scope.from_index(self.scope.arith("divsi", self.scope.arith("subi", a, b), size), ctype)
        flag = self.scope.compare(COMPARISONS[op], a, b, Scalar(64, signed=False))
        return self.scope.convert(flag, c_types.BOOL, ctype)

    def logical(self, op: int, lhs: Cursor, rhs: Cursor, ctype: Scalar) -> Value:
        """`&&` and `||` evaluate their right operand only when needed."""
        e = self.scope.emitter
        left = self.scope.to_bool(self.rvalue(lhs), self.scope.scalar_type(lhs))
        result = Value(e.fresh(), "i1", e.scope)
        e.line(f"{result.name} = scf.if {e.use(left)} -> (i1) {{")
        e._depth += 1
        if op == LAND:
            right = self.scope.to_bool(self.rvalue(rhs), self.scope.scalar_type(rhs))
            e.line(f"scf.yield {e.use(right)} : i1")
        else:
            e.line(f"scf.yield {e.use(self.scope.const(1, c_types.BOOL))} : i1")
        e._depth -= 1
        e.line("} else {")
        e._depth += 1
        if op == LAND:
            e.line(f"scf.yield {e.use(self.scope.const(0, c_types.BOOL))} : i1")
        else:
            right = self.scope.to_bool(self.rvalue(rhs), self.scope.scalar_type(rhs))
            e.line(f"scf.yield {e.use(right)} : i1")
        e._depth -= 1
        e.line("}")
        return self.scope.convert(result, c_types.BOOL, ctype)

    def conditional(self, expr: Cursor) -> Value:
        cond, then, other = children(expr)
        ctype = self.scope.scalar_type(expr)
        e = self.scope.emitter
        flag = self.scope.to_bool(self.rvalue(cond), self.scope.scalar_type(cond))
        result = Value(e.fresh(), ctype.mlir, e.scope)
        e.line(f"{result.name} = scf.if {e.use(flag)} -> ({ctype.mlir}) {{")
        for index, branch in enumerate((then, other)):
            e._depth += 1
            value = self.scope.convert(self.rvalue(branch), self.scope.scalar_type(branch), ctype)
            e.line(f"scf.yield {e.use(value)} : {ctype.mlir}")
            e._depth -= 1
            e.line("} else {" if index == 0 else "}")
        return result

    def assign(self, expr: Cursor) -> Optional[Value]:
        lhs, rhs = children(expr)
        lhs_type = self.scope.ctype(lhs)
        if isinstance(lhs_type, Struct):
            self.scope.structs.assign(expr)
            return None
        if isinstance(lhs_type, StructPointer):
            raise unsupported(expr, "assigning a pointer to structs (it keeps the place it was initialized with)")
        target = self.scope.places.lvalue(lhs)
        if isinstance(target, Induction):
            raise unsupported(expr, "assigning the loop counter inside its loop")
        if isinstance(target, PointerVar):
            place = self.scope.places.as_pointer_value(self.scope.places.pointer(rhs), rhs)
            if place.base is not target.base:
                raise unsupported(expr, "pointer variable pointing into different arrays")
            e = self.scope.emitter
            e.op(f"memref.store {e.use(place.offset)}, {e.use(target.offset_slot)}[] : memref<index>")
            return None
        value = self.rvalue(rhs)
        value = self.scope.convert(value, self.scope.scalar_type(rhs), target.ctype)
        self.scope.store(value, target)
        return value

    def compound_assign(self, expr: Cursor) -> Optional[Value]:
        lhs, rhs = children(expr)
        op = COMPOUND[binary_kind(expr)]
        target = self.scope.places.lvalue(lhs)
        if isinstance(target, Induction):
            raise unsupported(expr, "assigning the loop counter inside its loop")
        e = self.scope.emitter
        if isinstance(target, PointerVar):
            if op not in (ADD, SUB):
                raise unsupported(expr, "this operator on a pointer")
            old = e.op(f"memref.load {e.use(target.offset_slot)}[] : memref<index>", "index")
            delta = self.scope.to_index(self.rvalue(rhs), self.scope.scalar_type(rhs))
            new = self.scope.arith("addi" if op == ADD else "subi", old, delta)
            e.op(f"memref.store {e.use(new)}, {e.use(target.offset_slot)}[] : memref<index>")
            return None
        rhs_type = self.scope.scalar_type(rhs)
        compute = usual_arithmetic(target.ctype, rhs_type) if op not in (SHL, SHR) else promote(target.ctype)
        old = self.scope.convert(self.scope.load(target), target.ctype, compute)
        right = self.rvalue(rhs)
        if op in (SHL, SHR):
            right = self.shift_amount(right, rhs_type, compute)
        else:
            right = self.scope.convert(right, rhs_type, compute)
        result = self.scope.convert(self.arithmetic(op, old, right, compute, expr), compute, target.ctype)
        self.scope.store(result, target)
        return result

    def discard(self, expr: Cursor) -> None:
        """Evaluates an expression for its side effects only."""
        while expr.kind == CursorKind.UNEXPOSED_EXPR and len(children(expr)) == 1:
            expr = children(expr)[0]  # C++'s cleanups and conversions of a discarded value
        if expr.kind == CursorKind.CALL_EXPR:
            self.call(expr)
            return
        stripped = strip(expr)
        if stripped.kind == CursorKind.UNARY_OPERATOR and isinstance(self.scope.ctype(stripped), Pointer):
            self.scope.places.pointer(stripped)
            return
        if (
            stripped.kind in (CursorKind.BINARY_OPERATOR, CursorKind.COMPOUND_ASSIGNMENT_OPERATOR)
            and isinstance(self.scope.ctype(children(stripped)[0]), Pointer)
            and binary_kind(stripped) != COMMA
        ):
            if stripped.kind == CursorKind.BINARY_OPERATOR:
                self.assign(stripped)
            else:
                self.compound_assign(stripped)
            return
        if isinstance(self.scope.ctype(expr), Void):
            self.cast(expr)
            return
        self.rvalue(expr)

    # -- calls ---------------------------------------------------------------

    def call(self, expr: Cursor) -> Optional[Value]:
        """A call's value (None for void; a struct result is discarded)."""
        results = self.call_results(expr)
        return results[0] if len(results) == 1 and not isinstance(self.scope.ctype(expr), Struct) else None

    def call_results(self, expr: Cursor, into: Optional[StructPlace] = None) -> list[Value]:
        """A call's results: none, one, or a struct's scalar leaves. A struct
        result with array members is written into `into` (or a temporary)."""
        kids = children(expr)
        if not kids:
            raise unsupported(expr, f"call of '{expr.spelling}'")
        if expr.spelling == "operator=" and len(kids) == 3 and isinstance(self.scope.ctype(expr), Struct):
            # C++'s implicit assignment of a struct (user-written operators are rejected).
            self.scope.structs.copy_into(self.scope.structs.place(kids[0]), kids[2])
            return []
        callee = kids[0]
        while callee.kind in (CursorKind.UNEXPOSED_EXPR, CursorKind.PAREN_EXPR) and len(children(callee)) == 1:
            callee = children(callee)[0]  # function-to-pointer decay
        obj: Optional[Cursor] = None  # a member call's object expression (None: this one's)
        if callee.kind == CursorKind.MEMBER_REF_EXPR and callee.referenced is not None:
            function = callee.referenced
            obj = children(callee)[0] if children(callee) else None
        else:
            function = (
                callee.referenced if callee.kind in (CursorKind.DECL_REF_EXPR, CursorKind.OVERLOADED_DECL_REF) else None
            )
        if function is None or function.kind not in (CursorKind.FUNCTION_DECL, CursorKind.CXX_METHOD):
            if function is not None and function.kind == CursorKind.CONSTRUCTOR:
                raise unsupported(expr, "constructor call (use aggregate initialization)")
            raise unsupported(expr, "call through a function pointer")
        name = function.spelling
        if function.type.is_function_variadic():
            raise unsupported(expr, f"call of variadic function '{name}'")
        args = kids[1:]
        if name == "free":
            self.scope.heap.free(expr)
            return []
        if name in ALLOCATORS:
            raise unsupported(expr, f"'{name}' whose result is not converted to a typed pointer (assign it to one)")
        if name in UNSUPPORTED_ALLOCATORS:
            raise unsupported(expr, f"'{name}' (heap arrays are made by malloc and calloc)")
        result_type = self.scope.ctype(expr)
        e = self.scope.emitter
        if name in _MATH_OPS and len(args) == 1 and isinstance(result_type, Scalar) and result_type.is_float:
            value = self.scope.convert(self.rvalue(args[0]), self.scope.scalar_type(args[0]), result_type)
            return [e.op(f"{_MATH_OPS[name]} {e.use(value)} : {result_type.mlir}", result_type.mlir)]
        if name in LIBM_FUNCTIONS and in_namespace_std(function):
            return [self.libm_call(name, args, result_type, expr)]
        signature = self.scope.module.declare_function(function, expr)
        operands = []
        if signature.this is not None:
            place = self.scope.structs.object_pointer(obj)
            operands.extend(
                self.scope.structs.view(place, leaf, signature.this) for leaf in signature.this.struct.leaves
            )
        declared = list(function.type.argument_types())
        for arg, param_type, c_type in zip(args, signature.params, declared):
            if isinstance(param_type, Reference) and isinstance(param_type.target, Scalar):
                operands.append(self.reference_argument(arg, param_type.target, c_type))
            elif isinstance(param_type, Pointer):
                operands.append(self.scope.places.pointer_argument(arg, param_type))
            elif isinstance(param_type, (Struct, StructPointer, Reference)):
                operands.extend(self.scope.structs.argument(arg, param_type))
            else:
                operands.append(self.scope.convert(self.rvalue(arg), self.scope.scalar_type(arg), param_type))
        if signature.sret is not None:
            out = into if into is not None else self.scope.structs.new_object(signature.result)
            pointer = StructPlace(out.ctype, out.leaves, out.indices[:-1], out.rank, out.indices[-1])
            operands.extend(
                self.scope.structs.view(pointer, leaf, signature.sret) for leaf in signature.sret.struct.leaves
            )
        names = ", ".join(e.use(v) for v in operands)
        types = ", ".join(v.type for v in operands)
        result_types = signature.result_types
        symbol = self.scope.module.symbol(function)
        call = f"func.call @{symbol}({names}) : ({types}) -> ({', '.join(result_types)})"
        if not result_types:
            e.op(call)
            return []
        if len(result_types) == 1:
            return [e.op(call, result_types[0])]
        results = e.fresh()
        e.line(f"{results}:{len(result_types)} = {call}")
        return [Value(f"{results}#{i}", t, e.scope) for i, t in enumerate(result_types)]

    def reference_argument(self, arg: Cursor, target: Scalar, c_type) -> Value:
        """A scalar bound to a `T &` parameter: a view of the argument's
        element; for `const T &`, of a temporary holding its value."""
        s, e = self.scope, self.scope.emitter
        pointer_type = Pointer(target).mlir
        if c_type.get_pointee().is_const_qualified():
            slot = s.alloca(f"memref<1x{target.mlir}>")
            value = s.convert(self.rvalue(arg), s.scalar_type(arg), target)
            s.store(value, Element(slot, [s.index_const(0)], target))
        else:
            element = s.places.lvalue(arg)
            if not isinstance(element, Element):
                raise unsupported(arg, "binding this expression to a reference")
            slot = s.places.element_slot(element, arg)
        return e.op(f"memref.cast {e.use(slot)} : {slot.type} to {pointer_type}", pointer_type)

    def libm_call(self, name: str, args: list[Cursor], result_type, where: Cursor) -> Value:
        """`std::exp(x)` and its kin: the C library function of the argument's
        precision (`exp` or `expf`)."""
        if not isinstance(result_type, Scalar) or not result_type.is_float:
            raise unsupported(where, f"'std::{name}' on these arguments")
        s, e = self.scope, self.scope.emitter
        operands = [s.convert(self.rvalue(a), s.scalar_type(a), result_type) for a in args]
        symbol = name + ("f" if result_type.width == 32 else "")
        types = ", ".join(result_type.mlir for _ in operands)
        s.module.declarations.setdefault(symbol, f"func.func private @{symbol}({types}) -> {result_type.mlir}")
        names = ", ".join(e.use(v) for v in operands)
        return e.op(f"func.call @{symbol}({names}) : ({types}) -> {result_type.mlir}", result_type.mlir)


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
