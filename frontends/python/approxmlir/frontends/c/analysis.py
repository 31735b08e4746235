"""Syntactic facts about C statements that the translator needs up front."""

from __future__ import annotations

from typing import Iterator, Optional

from clang.cindex import Cursor, CursorKind

_LOOPS = (CursorKind.FOR_STMT, CursorKind.WHILE_STMT, CursorKind.DO_STMT)
_ASSIGNING_UNARY = {1, 2, 3, 4, 5}  # post/pre increment and decrement, address-of


def escapes(stmt: Cursor) -> frozenset[str]:
    """The jumps ('break', 'continue', 'return') that may leave `stmt`."""
    kind = stmt.kind
    if kind == CursorKind.BREAK_STMT:
        return frozenset({"break"})
    if kind == CursorKind.CONTINUE_STMT:
        return frozenset({"continue"})
    if kind == CursorKind.RETURN_STMT:
        return frozenset({"return"})
    inner = frozenset().union(*(escapes(child) for child in statements_in(stmt)))
    if kind in _LOOPS:
        return inner - {"break", "continue"}
    if kind == CursorKind.SWITCH_STMT:
        return inner - {"break"}
    return inner


def statements_in(stmt: Cursor) -> Iterator[Cursor]:
    """Direct sub-statements (not expressions) of `stmt`."""
    for child in stmt.get_children():
        if child.kind.is_statement() or child.kind in (CursorKind.CASE_STMT, CursorKind.DEFAULT_STMT):
            yield child


def walk(cursor: Cursor) -> Iterator[Cursor]:
    yield cursor
    for child in cursor.get_children():
        yield from walk(child)


def referenced_variable(expr: Cursor) -> Optional[Cursor]:
    """The variable an lvalue expression names directly (through parens/casts)."""
    while expr.kind in (CursorKind.PAREN_EXPR, CursorKind.UNEXPOSED_EXPR):
        children = list(expr.get_children())
        if len(children) != 1:
            return None
        expr = children[0]
    if expr.kind == CursorKind.DECL_REF_EXPR and expr.referenced is not None:
        if expr.referenced.kind in (CursorKind.VAR_DECL, CursorKind.PARM_DECL):
            return expr.referenced
    return None


def names_variable(expr: Cursor, variable: Cursor) -> bool:
    """True when `expr` is a plain reference to `variable`."""
    referenced = referenced_variable(expr)
    return referenced is not None and referenced == variable


def assigned_variables(stmt: Cursor, binary_kind, unary_kind) -> set[Cursor]:
    """Variables that `stmt` may assign or whose address it takes."""
    assigned: set[Cursor] = set()
    for node in walk(stmt):
        target = None
        if node.kind == CursorKind.BINARY_OPERATOR and binary_kind(node) == 22:
            target = next(node.get_children())
        elif node.kind == CursorKind.COMPOUND_ASSIGNMENT_OPERATOR:
            target = next(node.get_children())
        elif node.kind == CursorKind.UNARY_OPERATOR and unary_kind(node) in _ASSIGNING_UNARY:
            target = next(node.get_children())
        if target is not None:
            variable = referenced_variable(target)
            if variable is not None:
                assigned.add(variable)
    return assigned


def address_taken_variables(stmt: Cursor, unary_kind) -> set[Cursor]:
    """Variables whose address `&x` is taken in `stmt`."""
    taken: set[Cursor] = set()
    for node in walk(stmt):
        if node.kind == CursorKind.UNARY_OPERATOR and unary_kind(node) == 5:
            variable = referenced_variable(next(node.get_children()))
            if variable is not None:
                taken.add(variable)
    return taken


def has_calls(expr: Cursor) -> bool:
    return any(node.kind == CursorKind.CALL_EXPR for node in walk(expr))
