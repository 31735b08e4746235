"""What the frontend asks libclang beyond its Python API: operator kinds,
clang's constant evaluator, and the shape of expression trees."""

from __future__ import annotations

import ctypes
from typing import Optional, Union

from clang.cindex import Cursor, CursorKind, conf

# clang's CXBinaryOperatorKind / CXUnaryOperatorKind values (libclang >= 17).
MUL, DIV, REM, ADD, SUB, SHL, SHR = 3, 4, 5, 6, 7, 8, 9
LT, GT, LE, GE, EQ, NE = 11, 12, 13, 14, 15, 16
AND, XOR, OR, LAND, LOR, ASSIGN, COMMA = 17, 18, 19, 20, 21, 22, 33
COMPOUND = {23: MUL, 24: DIV, 25: REM, 26: ADD, 27: SUB, 28: SHL, 29: SHR, 30: AND, 31: XOR, 32: OR}
POST_INC, POST_DEC, PRE_INC, PRE_DEC, ADDR_OF, DEREF, PLUS, MINUS, NOT, LNOT = range(1, 11)
COMPARISONS = {LT: "<", GT: ">", LE: "<=", GE: ">=", EQ: "==", NE: "!="}

# Conversions: C casts, clang's implicit ones, and C++'s spelled ones.
CAST_KINDS = (
    CursorKind.UNEXPOSED_EXPR,
    CursorKind.CSTYLE_CAST_EXPR,
    CursorKind.CXX_STATIC_CAST_EXPR,
    CursorKind.CXX_FUNCTIONAL_CAST_EXPR,
    CursorKind.CXX_CONST_CAST_EXPR,
)


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


def strip(expr: Cursor) -> Cursor:
    """Skips parentheses and implicit casts that keep the type (lvalue-to-rvalue)."""
    while True:
        if expr.kind == CursorKind.PAREN_EXPR:
            expr = children(expr)[0]
        elif expr.kind == CursorKind.UNEXPOSED_EXPR and len(children(expr)) == 1:
            child = children(expr)[0]
            if _unqualified(child.type) != _unqualified(expr.type):
                return expr
            expr = child
        else:
            return expr


def _unqualified(ctype) -> str:
    """A type's canonical spelling without cv-qualifiers (C++ binds `const T &`
    to a `T` lvalue through a no-op cast)."""
    return ctype.get_canonical().spelling.replace("const ", "").replace("volatile ", "")
