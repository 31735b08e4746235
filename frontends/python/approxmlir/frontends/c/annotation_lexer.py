"""The one lexer of annotation text: knob annotations and HPAC-ML pragmas.

It reads the logical characters that annotation_scanner.py hands out (each a
`(char, source offset)` pair, so every token and every error keeps its
`file:line:col`) and produces `Tok(kind, text, offset)` with kind "ident",
"int", "string", "punct", "newline" or "end". The two annotation languages
differ only in the `Syntax` they lex with:

- `KNOB` (`// @approx:` blocks and `#pragma approx decision_tree ...`):
  punctuation `{}[],:=`, line breaks of a comment block are "newline" tokens,
  integers are decimal with an optional `-` and no leading zeros (`-5`, `0`,
  `100`; `007`, `1x` and `1.5` are errors), no strings; `//` to the end of
  a line is a note (as in upstream ApproxMLIR's examples:
  `state_indices: [-1]  // the last parameter`).
- `HPACML` (`#pragma approx tensor/ml/declare ...`): C's operators for
  slices and conditions (`( ) [ ] { } , : = + - * / % < > !` and
  `== != <= >= && ||`), unsigned integers (a sign is an operator), string
  literals `"..."` without escapes.

Identifiers are `[A-Za-z_][A-Za-z0-9_]*` in both. Tokens are lexed lazily by
`peek`/`next` (the first error in source order of what the parser reads is
the one reported) or all at once by `tokens()`.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable, NamedTuple, Optional

from approxmlir.frontends.c.annotation_scanner import SPACE
from approxmlir.frontends.c.errors import FrontendError

__all__ = ["HPACML", "KNOB", "Lexer", "Syntax", "Tok", "describe"]


class Tok(NamedTuple):
    kind: str  # "ident", "int", "string", "punct", "newline", "end"
    text: str
    offset: int


@dataclasses.dataclass(frozen=True)
class Syntax:
    punct: str  # one-character punctuation
    operators: tuple[str, ...] = ()  # two-character punctuation
    strings: bool = False  # "..." literals (no escapes)
    newlines: bool = False  # "\n" is a token (else it is space)
    signed_ints: bool = False  # `-12` is one token; leading zeros and trailing letters are errors
    line_comments: bool = False  # `//` to the end of the line is space (a note after a field)
    space: Callable[[str], bool] = str.isspace


KNOB = Syntax("{}[],:=", newlines=True, signed_ints=True, line_comments=True, space=lambda c: c in SPACE)
HPACML = Syntax("()[]{},:=+-*/%<>!", operators=("==", "!=", "<=", ">=", "&&", "||"), strings=True)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IDENT_START = re.compile(r"[A-Za-z_]")
_IDENT_CHAR = re.compile(r"[A-Za-z0-9_]")


def describe(tok: Tok) -> str:
    """A token as error messages name it: 'x', or "end of line" / "end of pragma"."""
    return tok.text if tok.kind in ("newline", "end") else f"'{tok.text}'"


class Lexer:
    """Tokens of a sequence of logical characters (char, source offset);
    "\\n" entries separate the lines of a comment block."""

    def __init__(
        self,
        chars: list[tuple[str, int]],
        end_offset: int,
        end_name: str,
        error: Callable[[int, str], FrontendError],
        syntax: Syntax = KNOB,
    ):
        self.chars = chars
        self.text = "".join(c for c, _ in chars)
        self.pos = 0
        self.end_offset = end_offset
        self.end_name = end_name
        self.error = error
        self.syntax = syntax
        self._peeked: Optional[Tok] = None

    def peek(self) -> Tok:
        if self._peeked is None:
            self._peeked = self._lex()
        return self._peeked

    def next(self) -> Tok:
        tok = self.peek()
        self._peeked = None
        return tok

    def tokens(self) -> list[Tok]:
        """All remaining tokens, ending with the "end" token."""
        result = [self.next()]
        while result[-1].kind != "end":
            result.append(self.next())
        return result

    def _char(self, i: int) -> str:
        return self.text[i] if i < len(self.text) else ""

    def _lex(self) -> Tok:
        syntax, text = self.syntax, self.text
        while True:
            while (
                self.pos < len(text)
                and syntax.space(text[self.pos])
                and not (syntax.newlines and text[self.pos] == "\n")
            ):
                self.pos += 1
            if not (syntax.line_comments and text.startswith("//", self.pos)):
                break
            newline = text.find("\n", self.pos)
            self.pos = len(text) if newline < 0 else newline
        if self.pos >= len(text):
            return Tok("end", self.end_name, self.end_offset)
        start = self.pos
        c, offset = self.chars[start]
        if c == "\n":
            self.pos += 1
            return Tok("newline", "end of line", offset)
        if syntax.strings and c == '"':
            close = text.find('"', start + 1)
            if close < 0:
                raise self.error(offset, "unterminated string literal")
            self.pos = close + 1
            return Tok("string", text[start + 1 : close], offset)
        if _IDENT_START.match(c):
            end = _IDENT.match(text, start).end()
            self.pos = end
            return Tok("ident", text[start:end], offset)
        if syntax.signed_ints and (c == "-" or c.isdigit() and c.isascii()):
            return self._signed_int(start, offset)
        if not syntax.signed_ints and c in "0123456789":
            end = start + 1
            while self._char(end) in tuple("0123456789"):
                end += 1
            self.pos = end
            return Tok("int", text[start:end], offset)
        if text[start : start + 2] in syntax.operators:
            self.pos += 2
            return Tok("punct", text[start : start + 2], offset)
        if c in syntax.punct:
            self.pos += 1
            return Tok("punct", c, offset)
        shown = c if c.isprintable() else repr(c)
        raise self.error(offset, f"unexpected character '{shown}'")

    def _signed_int(self, start: int, offset: int) -> Tok:
        c = self.text[start]
        end = start + 1
        while _IDENT_CHAR.match(self._char(end)) or self._char(end) == ".":
            end += 1
        text = self.text[start:end]
        self.pos = end
        if c == "-" and end == start + 1:
            raise self.error(offset, "expected digits after '-'")
        if not re.fullmatch(r"-?(0|[1-9][0-9]*)", text):
            raise self.error(offset, f"malformed integer '{text}': expected a decimal integer without leading zeros")
        return Tok("int", text, offset)
