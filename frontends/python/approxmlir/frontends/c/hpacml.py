"""HPAC-ML pragmas (Fig. 3 of the HPAC-ML paper): tensor functors, tensor maps, ml regions.

    #pragma approx tensor functor(ifn: [i, j, 0:5] = ([i-1, j], [i+1, j], [i, j-1:j+2]))
    #pragma approx tensor map(to: ifn(t[1:N-1, 1:M-1]))
    #pragma approx ml(predicated: use_model) in(t) out(tnew) model("m.pt") database("d.h5") if(step % 2)

and the HPAC-ML artifact's earlier spellings as aliases (frontends/c_subset.md):

    #pragma approx declare tensor_functor(ifn: [i, 0:5] = ([i*5:i*5+5]))
    #pragma approx declare tensor(x: ifn(a[0:n]))
    #pragma approx ml(offline) in(x) out(ofn(b[0:n])) label("Region")

This module parses the directive text into dataclasses and checks what the
grammar alone decides (symbols, slice forms, clause arity). Concrete slice
expressions and conditions stay expression trees (`Expr`) that the translator
evaluates in the function's scope (`ml_regions.py`).

Symbolic expressions (s-expr) are `symbol + integer` or integers: every
functor of the paper has this form, and it is what the runtime's slice
descriptors encode (runtime/ml/README.md). The artifact's `symbol*c + integer`
(c a positive integer constant, one c per symbol) is kept as a scale and
lowered by the translator: the symbol's concrete range lo:hi:step becomes
lo*c:hi*c:step*c, so the bridge sees `symbol + integer` again.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Optional, Union

from approxmlir.frontends.c.annotation_lexer import HPACML, Lexer, Tok, describe
from approxmlir.frontends.c.errors import FrontendError, SourceLocation

MODES = ("infer", "collect", "predicated")
# The HPAC-ML artifact's earlier spellings of the modes (c_subset.md).
MODE_ALIASES = {"offline": "collect"}

# ---------------------------------------------------------------------------
# Expressions (concrete slices, predicates, if clauses)


@dataclasses.dataclass(frozen=True)
class Expr:
    """`op` is "int", "name", a unary ("neg", "!") or a binary C operator."""

    op: str
    args: tuple = ()
    value: Union[int, str, None] = None
    offset: int = 0

    def names(self) -> set[str]:
        if self.op == "name":
            return {str(self.value)}
        return set().union(*(a.names() for a in self.args)) if self.args else set()


# Binary operators by precedence, lowest first (C's order).
_BINARY_LEVELS = (("||",), ("&&",), ("==", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%"))


# ---------------------------------------------------------------------------
# Directives


@dataclasses.dataclass(frozen=True)
class SymbolicIndex:
    """`scale * symbol + const` (symbol None: the constant alone). A scale
    other than 1 is the artifact's multiplicative form `i*m : i*m+m`; the
    translator lowers it by scaling the symbol's concrete range (ml_regions.py)."""

    symbol: Optional[str]
    const: int
    scale: int = 1


@dataclasses.dataclass(frozen=True)
class SymbolicDim:
    """One dimension of an s-slice: an index, or a range lo:hi:step."""

    lo: SymbolicIndex
    hi: Optional[SymbolicIndex] = None  # None: a single index
    step: int = 1

    @property
    def extent(self) -> int:
        """Elements along this dimension (1 for a single index)."""
        if self.hi is None:
            return 1
        return max(0, -(-(self.hi.const - self.lo.const) // self.step))


@dataclasses.dataclass
class Functor:
    name: str
    symbols: list[str]  # the LHS's symbolic dims, in order
    features: int  # product of the LHS's constant ranges
    slices: list[list[SymbolicDim]]  # the RHS
    location: SourceLocation
    lines: range = range(0)  # the source lines of the pragma
    scales: tuple[int, ...] = ()  # per symbol: its factor on the RHS (1: none)

    def scale(self, k: int) -> int:
        return self.scales[k] if self.scales else 1

    def slice_features(self, k: int) -> int:
        total = 1
        for dim in self.slices[k]:
            total *= dim.extent
        return total


@dataclasses.dataclass
class ConcreteSlice:
    lo: Expr
    hi: Expr
    step: Expr


@dataclasses.dataclass
class MapTarget:
    array: str
    slices: list[ConcreteSlice]
    location: SourceLocation


@dataclasses.dataclass
class Application:
    """`functor(target, ...)`: a functor applied to application memory."""

    functor: str
    targets: list[MapTarget]
    location: SourceLocation


@dataclasses.dataclass
class TensorMap:
    direction: str  # "to" or "from"; "tensor" for a named `declare tensor`
    application: Application
    location: SourceLocation
    lines: range = range(0)
    name: Optional[str] = None  # `declare tensor(name: ...)`: in/out name it


@dataclasses.dataclass
class MLDirective:
    mode: str
    predicate: Optional[Expr]
    ins: list[Union[str, Application]]
    outs: list[Union[str, Application]]
    inouts: list[Union[str, Application]]
    model: Optional[str]
    database: Optional[str]
    condition: Optional[Expr]  # the if(...) clause
    location: SourceLocation
    lines: range = range(0)
    label: Optional[str] = None  # label("..."): the region's name (its database group)


Directive = Union[Functor, TensorMap, MLDirective]


# ---------------------------------------------------------------------------
# Parsing


class _Parser:
    def __init__(self, chars: list[tuple[str, int]], end_offset: int, error: Callable[[int, str], FrontendError]):
        self.error = error
        self.tokens = Lexer(chars, end_offset, "end of pragma", error, HPACML).tokens()
        self.pos = 0

    def peek(self) -> Tok:
        return self.tokens[self.pos]

    def next(self) -> Tok:
        tok = self.tokens[self.pos]
        if tok.kind != "end":
            self.pos += 1
        return tok

    def accept(self, text: str) -> bool:
        if self.peek().kind in ("punct", "ident") and self.peek().text == text:
            self.pos += 1
            return True
        return False

    def expect(self, text: str, what: str = "") -> Tok:
        tok = self.next()
        if tok.text != text or tok.kind not in ("punct", "ident"):
            raise self.error(tok.offset, f"expected '{text}'{what}, got {describe(tok)}")
        return tok

    def ident(self, what: str) -> Tok:
        tok = self.next()
        if tok.kind != "ident":
            raise self.error(tok.offset, f"expected {what}, got {describe(tok)}")
        return tok

    def string(self, clause: str) -> str:
        self.expect("(", f" after '{clause}'")
        tok = self.next()
        if tok.kind != "string":
            raise self.error(tok.offset, f"{clause}(...) takes a string literal, got {describe(tok)}")
        self.expect(")", f" to close '{clause}('")
        return tok.text

    # -- expressions -----------------------------------------------------------

    def expr(self, level: int = 0) -> Expr:
        if level == len(_BINARY_LEVELS):
            return self.unary()
        left = self.expr(level + 1)
        while self.peek().kind == "punct" and self.peek().text in _BINARY_LEVELS[level]:
            tok = self.next()
            right = self.expr(level + 1)
            left = Expr(tok.text, (left, right), offset=tok.offset)
        return left

    def unary(self) -> Expr:
        tok = self.next()
        if tok.kind == "int":
            return Expr("int", value=int(tok.text), offset=tok.offset)
        if tok.kind == "ident":
            return Expr("name", value=tok.text, offset=tok.offset)
        if tok.text == "-" and tok.kind == "punct":
            return Expr("neg", (self.unary(),), offset=tok.offset)
        if tok.text == "+" and tok.kind == "punct":
            return self.unary()
        if tok.text == "!" and tok.kind == "punct":
            return Expr("!", (self.unary(),), offset=tok.offset)
        if tok.text == "(" and tok.kind == "punct":
            inner = self.expr()
            self.expect(")", " to close the parenthesis")
            return inner
        raise self.error(tok.offset, f"expected an expression, got {describe(tok)}")


# ---------------------------------------------------------------------------
# Symbolic slices


def _symbolic_index(p: _Parser, expr: Expr, symbols: Optional[list[str]]) -> SymbolicIndex:
    """`expr` as symbol + constant; `symbols` None while reading the LHS."""

    def fold(e: Expr) -> tuple[dict[str, int], int]:
        if e.op == "int":
            return {}, int(e.value)
        if e.op == "name":
            if symbols is not None and e.value not in symbols:
                raise p.error(
                    e.offset,
                    f"unknown symbol '{e.value}' (the functor's symbols are {', '.join(symbols)}; "
                    "factors such as i*5 are integer constants)",
                )
            return {str(e.value): 1}, 0
        if e.op == "neg":
            coeffs, const = fold(e.args[0])
            return {k: -v for k, v in coeffs.items()}, -const
        if e.op in ("+", "-"):
            (lc, lk), (rc, rk) = fold(e.args[0]), fold(e.args[1])
            sign = 1 if e.op == "+" else -1
            coeffs = dict(lc)
            for k, v in rc.items():
                coeffs[k] = coeffs.get(k, 0) + sign * v
            return coeffs, lk + sign * rk
        if e.op == "*":
            (lc, lk), (rc, rk) = fold(e.args[0]), fold(e.args[1])
            if lc and rc:
                raise p.error(e.offset, "a symbolic expression cannot multiply two symbols")
            coeffs = lc or rc
            factor = rk if lc else lk
            return {k: v * factor for k, v in coeffs.items()}, lk * rk
        raise p.error(e.offset, f"operator '{e.op}' is not allowed in a symbolic slice")

    coeffs, const = fold(expr)
    coeffs = {k: v for k, v in coeffs.items() if v != 0}
    if not coeffs:
        return SymbolicIndex(None, const)
    scale = next(iter(coeffs.values()))
    if len(coeffs) > 1 or (symbols is None and scale != 1) or scale < 1:
        raise p.error(
            expr.offset,
            "a symbolic slice expression must be '<symbol> + <integer>', '<symbol>*<positive integer> + <integer>'"
            " or an integer" + (" (the left-hand side takes bare symbols)" if symbols is None else ""),
        )
    return SymbolicIndex(next(iter(coeffs)), const, scale)


def _symbolic_slice(p: _Parser, symbols: Optional[list[str]]) -> list[SymbolicDim]:
    p.expect("[", " to open a slice")
    dims = []
    while True:
        start = p.peek().offset
        lo = _symbolic_index(p, p.expr(), symbols)
        if p.accept(":"):
            hi = _symbolic_index(p, p.expr(), symbols)
            step = 1
            if p.accept(":"):
                step_index = _symbolic_index(p, p.expr(), symbols)
                if step_index.symbol is not None or step_index.const <= 0:
                    raise p.error(start, "a slice step must be a positive integer")
                step = step_index.const
            if lo.symbol != hi.symbol:
                raise p.error(start, "both ends of a range must use the same symbol (or none)")
            if lo.scale != hi.scale:
                raise p.error(start, f"both ends of a range must scale their symbol alike ({lo.scale} vs {hi.scale})")
            dims.append(SymbolicDim(lo, hi, step))
        else:
            dims.append(SymbolicDim(lo))
        if p.accept("]"):
            return dims
        p.expect(",", " or ']' in a slice")


def _parse_functor(p: _Parser, location: SourceLocation) -> Functor:
    p.expect("(", " after 'functor'")
    name = p.ident("a functor name").text
    p.expect(":", f" after the functor name '{name}'")
    lhs_offset = p.peek().offset
    lhs = _symbolic_slice(p, None)
    symbols: list[str] = []
    features = 1
    for dim in lhs:
        if dim.hi is None and dim.lo.symbol is not None and dim.lo.const == 0:
            if features != 1 or dim.lo.symbol in symbols:
                raise p.error(
                    lhs_offset,
                    "the left-hand side lists distinct symbols first, then constant feature ranges, e.g. [i, j, 0:5]",
                )
            symbols.append(dim.lo.symbol)
        elif dim.hi is not None and dim.lo.symbol is None:
            features *= dim.extent
        else:
            raise p.error(
                lhs_offset, "each left-hand-side dimension is a bare symbol or a constant range, e.g. [i, j, 0:5]"
            )
    if not symbols:
        raise p.error(lhs_offset, "the left-hand side needs at least one symbol, e.g. [i, 0:5]")
    p.expect("=", " between the functor's sides")
    parenthesized = p.accept("(")
    slices = [_symbolic_slice(p, symbols)]
    while parenthesized and p.accept(","):
        slices.append(_symbolic_slice(p, symbols))
    if parenthesized:
        p.expect(")", " to close the right-hand side")
    p.expect(")", " to close 'functor('")
    scales: dict[str, int] = {}
    for dims in slices:
        for dim in dims:
            symbol, scale = dim.lo.symbol, dim.lo.scale
            if symbol is None:
                continue
            if scales.setdefault(symbol, scale) != scale:
                raise p.error(
                    lhs_offset,
                    f"functor '{name}': symbol '{symbol}' is scaled by {scales[symbol]} and by {scale}; "
                    "the data bridge takes one factor per symbol",
                )
    functor = Functor(name, symbols, features, slices, location, scales=tuple(scales.get(s, 1) for s in symbols))
    total = sum(functor.slice_features(k) for k in range(len(slices)))
    if total != features:
        raise p.error(
            lhs_offset,
            f"functor '{name}': the right-hand side yields {total} features per point "
            f"but the left-hand side declares {features}",
        )
    return functor


# ---------------------------------------------------------------------------
# Maps and ml


def _application(p: _Parser, location: Callable[[int], SourceLocation]) -> Application:
    name = p.ident("a functor application, e.g. f(a[0:n])")
    p.expect("(", f" after the functor name '{name.text}'")
    targets = []
    while True:
        array = p.ident("an array name")
        p.expect("[", f" after '{array.text}' (a map target is array[slices])")
        slices = []
        while True:
            lo = p.expr()
            if p.accept(":"):
                hi = p.expr()
                step = p.expr() if p.accept(":") else Expr("int", value=1, offset=lo.offset)
            else:  # a single index k is the range k:k+1
                hi = Expr("+", (lo, Expr("int", value=1, offset=lo.offset)), offset=lo.offset)
                step = Expr("int", value=1, offset=lo.offset)
            slices.append(ConcreteSlice(lo, hi, step))
            if p.accept("]"):
                break
            p.expect(",", " or ']' in a map target")
        targets.append(MapTarget(array.text, slices, location(array.offset)))
        if p.accept(")"):
            return Application(name.text, targets, location(name.offset))
        p.expect(",", " or ')' after a map target")


def _parse_map(p: _Parser, location: Callable[[int], SourceLocation]) -> TensorMap:
    start = p.expect("(", " after 'map'")
    direction = p.ident("'to' or 'from'")
    if direction.text not in ("to", "from"):
        raise p.error(direction.offset, f"a tensor map is 'to' or 'from', got '{direction.text}'")
    p.expect(":", f" after '{direction.text}'")
    application = _application(p, location)
    p.expect(")", " to close 'map('")
    return TensorMap(direction.text, application, location(start.offset))


def _mapped_memory(p: _Parser, clause: str, location: Callable[[int], SourceLocation]) -> list:
    p.expect("(", f" after '{clause}'")
    items: list[Union[str, Application]] = []
    while True:
        name = p.peek()
        if name.kind != "ident":
            raise p.error(
                name.offset, f"{clause}(...) lists mapped arrays or functor applications, got {describe(name)}"
            )
        if p.tokens[p.pos + 1].text == "(":
            items.append(_application(p, location))
        else:
            items.append(p.next().text)
        if p.accept(")"):
            return items
        p.expect(",", f" or ')' in {clause}(...)")


def _parse_declared_tensor(p: _Parser, location: Callable[[int], SourceLocation]) -> TensorMap:
    """`declare tensor(name: functor(array[lo:hi], ...))` (the artifact's spelling)."""
    start = p.expect("(", " after 'tensor'")
    name = p.ident("a tensor name")
    p.expect(":", f" after the tensor name '{name.text}'")
    application = _application(p, location)
    p.expect(")", " to close 'tensor('")
    return TensorMap("tensor", application, location(start.offset), name=name.text)


def _label(p: _Parser) -> str:
    offset = p.tokens[min(p.pos + 1, len(p.tokens) - 1)].offset
    text = p.string("label")
    if not text or not all(c.isalnum() or c in "_.-" for c in text):
        raise p.error(offset, f"label({text!r}) names the region: letters, digits, '_', '.' or '-' only")
    return text


def _parse_ml(p: _Parser, location: Callable[[int], SourceLocation]) -> MLDirective:
    start = p.expect("(", " after 'ml'")
    mode = p.ident("an ml mode (infer, collect, predicated or offline)")
    if mode.text not in MODES and mode.text not in MODE_ALIASES:
        raise p.error(mode.offset, f"unknown ml mode '{mode.text}': expected infer, collect, predicated or offline")
    mode_name = MODE_ALIASES.get(mode.text, mode.text)
    predicate = None
    if p.accept(":"):
        if mode.text != "predicated":
            raise p.error(mode.offset, f"only 'predicated' takes a condition, not '{mode.text}'")
        predicate = p.expr()
    elif mode.text == "predicated":
        raise p.error(mode.offset, "ml(predicated: <condition>) needs a condition (true: infer, false: collect)")
    p.expect(")", " to close 'ml('")
    clauses: dict[str, object] = {}
    while p.peek().kind != "end":
        clause = p.ident("a clause (in, out, inout, model, database, label or if)")
        if clause.text in clauses:
            raise p.error(clause.offset, f"clause '{clause.text}' appears twice")
        if clause.text in ("in", "out", "inout"):
            clauses[clause.text] = _mapped_memory(p, clause.text, location)
        elif clause.text in ("model", "database"):
            clauses[clause.text] = p.string(clause.text)
        elif clause.text == "label":
            clauses["label"] = _label(p)
        elif clause.text == "if":
            p.expect("(", " after 'if'")
            clauses["if"] = p.expr()
            p.expect(")", " to close 'if('")
        else:
            raise p.error(
                clause.offset, f"unknown clause '{clause.text}': expected in, out, inout, model, database, label or if"
            )
    label = clauses.get("label")
    if label is not None:  # the artifact's files come from its environment: ours from the label
        clauses.setdefault("model", f"{label}.pt")
        clauses.setdefault("database", f"{label}.h5")
    directive = MLDirective(
        mode_name,
        predicate,
        clauses.get("in", []),
        clauses.get("out", []),
        clauses.get("inout", []),
        clauses.get("model"),
        clauses.get("database"),
        clauses.get("if"),
        location(start.offset),
        label=label,
    )
    if mode_name in ("infer", "predicated") and directive.model is None:
        raise p.error(mode.offset, f'ml({mode.text}) needs a model("<file>.pt") or label("<name>") clause')
    if mode_name in ("collect", "predicated") and directive.database is None:
        raise p.error(mode.offset, f'ml({mode.text}) needs a database("<file>.h5") or label("<name>") clause')
    if not (directive.ins or directive.inouts) or not (directive.outs or directive.inouts):
        raise p.error(mode.offset, "an ml region needs inputs (in/inout) and outputs (out/inout)")
    return directive


def parse_directive(
    chars: list[tuple[str, int]],
    end_offset: int,
    lines: range,
    error: Callable[[int, str], FrontendError],
    location: Callable[[int], SourceLocation],
) -> Directive:
    """One `#pragma approx tensor ...` or `#pragma approx ml ...` spanning
    source `lines`, from the characters after `approx`."""
    p = _Parser(chars, end_offset, error)
    kind = p.ident("'tensor', 'declare' or 'ml'")
    if kind.text == "declare":  # the artifact's spelling: declare tensor_functor / declare tensor
        what = p.ident("'tensor_functor' or 'tensor' after 'declare'")
        if what.text == "tensor_functor":
            directive: Directive = _parse_functor(p, location(kind.offset))
        elif what.text == "tensor":
            directive = _parse_declared_tensor(p, location)
        else:
            raise p.error(what.offset, f"unknown declare directive '{what.text}': expected tensor_functor or tensor")
    elif kind.text == "tensor":
        what = p.ident("'functor' or 'map' after 'tensor'")
        if what.text == "functor":
            directive = _parse_functor(p, location(kind.offset))
        elif what.text == "map":
            directive = _parse_map(p, location)
        else:
            raise p.error(what.offset, f"unknown tensor directive '{what.text}': expected functor or map")
    elif kind.text == "ml":
        directive = _parse_ml(p, location)
    else:
        raise p.error(kind.offset, f"unknown HPAC-ML directive '{kind.text}': expected tensor, declare or ml")
    tok = p.peek()
    if tok.kind != "end":
        raise p.error(tok.offset, f"unexpected {describe(tok)} after the directive")
    return dataclasses.replace(directive, lines=lines)
