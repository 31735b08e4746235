"""A small textual MLIR builder: SSA names, nested regions, isolated knob bodies.

Every operand goes through `Emitter.use`, so that a value defined outside an
`approx.knob` body (which is IsolatedFromAbove) is captured as a knob operand
and replaced by the matching block argument inside.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
from typing import Iterator, Optional, Sequence

from approxmlir.frontends.c.errors import SourceLocation


def mlir_location(location: SourceLocation) -> str:
    """An MLIR `loc(...)` naming a C source position."""
    return f"loc({json.dumps(location.file)}:{location.line}:{location.column})"


@dataclasses.dataclass(eq=False)
class Scope:
    """An isolated region (a function body or a knob body) and its captures."""

    parent: Optional["Scope"]
    lines: list[str] = dataclasses.field(default_factory=list)
    # Values from enclosing scopes used here: value -> block argument name.
    captures: dict["Value", str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(eq=False)
class Value:
    """An SSA value with its MLIR type and the isolated scope defining it."""

    name: str
    type: str
    scope: Scope
    literal: Optional[str] = None  # the value of an arith.constant


@dataclasses.dataclass
class Entry:
    """The entry section of a scope, for hoisted allocations."""

    scope: Scope
    lines: list[str] = dataclasses.field(default_factory=list)


class Emitter:
    def __init__(self) -> None:
        self._names = itertools.count()
        self.scope = Scope(parent=None)
        self._depth = 0

    # -- names and lines ---------------------------------------------------

    def fresh(self, prefix: str = "v") -> str:
        return f"%{prefix}{next(self._names)}"

    def line(self, text: str) -> None:
        self.scope.lines.append("  " * self._depth + text)

    def use(self, value: Value) -> str:
        """The name of `value` in the current scope, capturing it if needed."""
        if value.scope is self.scope:
            return value.name
        chain = []
        scope = self.scope
        while scope is not None and scope is not value.scope:
            chain.append(scope)
            scope = scope.parent
        if scope is None:
            raise AssertionError(f"{value.name} is not visible here")
        name = value.name
        for inner in reversed(chain):  # outermost capture first
            if value not in inner.captures:
                inner.captures[value] = self.fresh("k")
            name = inner.captures[value]
        return name

    def op(self, text: str, result_type: Optional[str] = None, prefix: str = "v") -> Optional[Value]:
        """Emits `text` (with operands already resolved); returns its result."""
        if result_type is None:
            self.line(text)
            return None
        value = Value(self.fresh(prefix), result_type, self.scope)
        self.line(f"{value.name} = {text}")
        return value

    def hoisted(self, entry: "Entry", text: str, result_type: str) -> Value:
        """Emits `text` into `entry` (the top of a function or function knob):
        allocas go there so that loops do not grow the stack."""
        value = Value(self.fresh("m"), result_type, entry.scope)
        entry.lines.append(f"  {value.name} = {text}")
        return value

    def constant(self, literal: str, mlir_type: str) -> Value:
        if mlir_type == "i1":  # `true`/`false` carry their type
            value = self.op(f"arith.constant {literal}", mlir_type, prefix="c")
        else:
            value = self.op(f"arith.constant {literal} : {mlir_type}", mlir_type, prefix="c")
        value.literal = literal
        return value

    # -- regions -----------------------------------------------------------

    @contextlib.contextmanager
    def region(self, header: str, footer: str = "}") -> Iterator[None]:
        """Emits `header {`, the body produced inside the block, then `footer`."""
        self.line(header)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            self.line(footer)

    @contextlib.contextmanager
    def isolated(self) -> Iterator[Scope]:
        """Collects a body in a new isolated scope; the caller emits it."""
        saved_depth = self._depth
        scope = Scope(parent=self.scope)
        self.scope = scope
        self._depth = 1
        try:
            yield scope
        finally:
            self.scope = scope.parent
            self._depth = saved_depth

    def splice(self, lines: Sequence[str]) -> None:
        """Appends lines of a finished isolated scope, indented to here."""
        pad = "  " * self._depth
        self.scope.lines.extend(pad + line for line in lines)
