"""Approximation annotations in C sources (paper section 4.3).

`parse_annotations(source, filename)` reads the raw source text (no libclang:
the translator matches the result to AST nodes by line) and returns one
`Annotation` per annotated target; `knob_attributes(spec)` renders the
attribute part of the `approx.knob` op. Errors are `FrontendError`s whose
messages start with `annotation: `, located at the offending token (1-based
line and byte column, like clang); the first error in the file is reported.

Two forms, which may be mixed in one file:

Comment blocks: a `//` comment whose text starts with `@approx:KIND {`,
continued on the immediately following lines, each holding only a `//`
comment, up to the first `}` (no blank or code lines in between). Fields are
`name: value`, separated by line breaks or commas (a trailing comma is
allowed); the block may be on one line::

    // @approx:decision_tree {
    //   state_function: get_state
    //   thresholds_lower: [0]
    //   thresholds_upper: [100]
    //   decision_values: [0, 1]
    //   transform_type: func_substitute
    // }
    // @approx:transform { transform_type: loop_perforate, decision_values: [0, 1, 2] }

Pragmas: `#pragma approx KIND name=value ...`, fields separated by whitespace
(a comma between fields is allowed), continued over lines with backslashes::

    #pragma approx decision_tree \\
      state_function=get_state \\
      thresholds_lower=[0] thresholds_upper=[100] \\
      decision_values=[0, 1] transform_type=func_substitute

Values are decimal integers (`-5`, `0`, `100`; no leading zeros, no hex),
identifiers (`[A-Za-z_][A-Za-z0-9_]*`), or lists `[a, b]` of those (lists may
span lines and end with a comma; no nested lists). Only a `//` comment on its
own line counts (an `@approx:` comment after code on the same line is an
error); `/* ... */` comments, string and character literals, comments without
`@approx:` at their start, and `#pragma`s other than `#pragma approx` are
ignored. The scan follows C's translation phases 1-3: backslash-newline
splices anywhere, comments inside directives (a `#pragma approx` may carry a
trailing `//` comment), but no preprocessing: `#if 0` is not evaluated and
`_Pragma("approx ...")` is not recognized. A backslash continuation inside an
`@approx:` comment is an error. HPAC-ML pragmas (`#pragma approx ml(...)`,
`#pragma approx tensor ...`) are not knob annotations: `parse_hpacml_directives`
hands them to hpacml.py.

Kinds and fields (anything else is an error):

`decision_tree`: a dynamic knob.
  - `state_function` (required): C identifier of the state function.
  - the threshold range (required), one of
      `threshold_range: [lo, hi]`, or the paper's
      `thresholds_lower: [lo]` with `thresholds_upper: [hi]` (one-element
      lists; both required together): every threshold lies in [lo, hi],
      inclusive; lo <= hi, both signed 64-bit.
  - `num_thresholds` (optional): integer in 1 .. hi - lo + 1. Default:
    len(decision_values) - 1 (the paper's trees: N decisions, N-1
    thresholds), clamped to 1 .. hi - lo + 1.
  - `decision_values` (required): non-empty list of distinct non-negative
    integers (any order; stored sorted).
  - `transform_type` (required): a kind or a non-empty list of distinct
    kinds: `loop_perforate`, `func_substitute` (alias
    `function_substitute`, as the paper writes it), `task_skipping`.
  - `id` (optional): the knob id, a C identifier, unique in the file;
    without it the translator names the knob.
`transform`: a static knob: `transform_type`, `decision_values` (required),
  `id` (optional), as above.
`safety`: a safety contract for the same target: `checker` and `recover`
  (required, C identifiers).

Grouping: annotations separated only by blank lines, comment lines and other
annotations form one group, i.e. one knob on the code that follows the group
(`Annotation.end_line` is the group's last line). A group holds exactly one
`decision_tree` or `transform` and at most one `safety`. Errors about a whole
annotation or group (missing field, `safety` alone, a second
`decision_tree`/`transform`, HPAC-ML) are located at its kind token.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from typing import NamedTuple, Optional, Union

from approxmlir.frontends.c import hpacml
from approxmlir.frontends.c.errors import FrontendError, SourceLocation

__all__ = [
    "Annotation",
    "KINDS",
    "KnobSpec",
    "TRANSFORM_ALIASES",
    "TRANSFORM_TYPES",
    "knob_attributes",
    "parse_annotations",
]

KINDS = ("decision_tree", "transform", "safety")
TRANSFORM_TYPES = ("loop_perforate", "func_substitute", "task_skipping", "ml_surrogate")
TRANSFORM_ALIASES = {"function_substitute": "func_substitute"}
_HPAC_ML_KINDS = ("ml", "tensor")  # parsed by hpacml.py

_I64_MIN = -(2**63)
_I64_MAX = 2**63 - 1

_FIELDS = {
    "decision_tree": (
        "decision_values",
        "id",
        "num_thresholds",
        "state_function",
        "threshold_range",
        "thresholds_lower",
        "thresholds_upper",
        "transform_type",
    ),
    "transform": ("decision_values", "id", "transform_type"),
    "safety": ("checker", "recover"),
}

# Identifiers that cannot name a C function.
_C_KEYWORDS = frozenset(
    "auto break case char const continue default do double else enum extern float for goto if "
    "inline int long register restrict return short signed sizeof static struct switch typedef "
    "union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic "
    "_Imaginary _Noreturn _Static_assert _Thread_local".split()
)


@dataclasses.dataclass(frozen=True)
class KnobSpec:
    """The search space of one knob, as the annotations give it."""

    id: Optional[str]
    transform_types: tuple[str, ...]  # canonical names, in source order
    decision_values: tuple[int, ...]  # sorted ascending
    state_function: Optional[str] = None
    num_thresholds: int = 0
    threshold_range: Optional[tuple[int, int]] = None
    checker: Optional[str] = None
    recover: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class Annotation:
    """One annotation group = one knob on the code after `end_line`."""

    spec: KnobSpec
    location: SourceLocation  # the `//` or `#` of the group's first annotation
    end_line: int  # last source line of the group


def knob_attributes(spec: KnobSpec) -> str:
    """The attribute part of `approx.knob`'s custom syntax, e.g.
    `transforms [loop_perforate] state @get_state thresholds 1 in [0, 100]
    decisions [0, 1] check @c recover @r` (on one line)."""
    if not spec.transform_types or not spec.decision_values:
        raise ValueError("a knob needs at least one transform type and one decision value")
    if (spec.checker is None) != (spec.recover is None):
        raise ValueError("a safety contract needs both checker and recover")
    parts = [f"transforms [{', '.join(spec.transform_types)}]"]
    if spec.state_function is not None:
        if spec.threshold_range is None or spec.num_thresholds < 1:
            raise ValueError("a knob with a state function needs thresholds and a threshold range")
        lo, hi = spec.threshold_range
        parts.append(f"state @{spec.state_function} thresholds {spec.num_thresholds} in [{lo}, {hi}]")
    elif spec.threshold_range is not None or spec.num_thresholds:
        raise ValueError("thresholds need a state function")
    parts.append(f"decisions [{', '.join(str(v) for v in spec.decision_values)}]")
    if spec.checker is not None:
        parts.append(f"check @{spec.checker} recover @{spec.recover}")
    return " ".join(parts)


def parse_annotations(source: str, filename: str) -> list[Annotation]:
    """The annotation groups of a C source, in source order."""
    src = _Source(source, filename)
    scan = _scan(src)
    annotations = [_parse_comment_block(src, scan, c) for c in scan.annotation_comments()]
    annotations += [
        _parse_pragma(src, d) for d in scan.directives if d.approx_start is not None and _hpacml_kind(d) is None
    ]
    annotations.sort(key=lambda a: a.start)
    return _group(src, scan, annotations)


def parse_hpacml_directives(source: str, filename: str) -> list[hpacml.Directive]:
    """The HPAC-ML pragmas (`#pragma approx tensor ...`, `#pragma approx ml ...`),
    in source order."""
    src = _Source(source, filename)
    directives = []
    for d in _scan(src).directives:
        if d.approx_start is None or _hpacml_kind(d) is None:
            continue
        if d.dangling is not None:
            raise src.error(d.dangling, "backslash line continuation at the end of the file")
        chars = d.chars[d.approx_start :]
        content = [o for c, o in chars if c not in _SPACE]
        end_offset = content[-1] + 1 if content else d.end
        lines = range(src.line_of(d.start), src.line_of(d.end) + 1)
        directives.append(hpacml.parse_directive(chars, end_offset, lines, src.error, src.location))
    return directives


def _hpacml_kind(d: "_Directive") -> Optional[str]:
    """'ml' or 'tensor' when `d` is an HPAC-ML pragma."""
    word = re.match(r"[ \t\r\f\v]*([A-Za-z_][A-Za-z0-9_]*)", "".join(c for c, _ in d.chars[d.approx_start :]))
    return word.group(1) if word and word.group(1) in _HPAC_ML_KINDS else None


# ---------------------------------------------------------------------------
# Source positions


class _Source:
    def __init__(self, text: str, filename: str):
        self.text = text
        self.filename = filename
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def location(self, offset: int) -> SourceLocation:
        line = self.line_of(offset)
        prefix = self.text[self.line_starts[line - 1] : offset]
        try:
            width = len(prefix.encode("utf-8", "surrogateescape"))
        except UnicodeEncodeError:
            width = len(prefix.encode("utf-8", "surrogatepass"))
        return SourceLocation(self.filename, line, width + 1)

    def error(self, offset: int, message: str) -> FrontendError:
        return FrontendError(self.location(offset), "annotation: " + message)


# ---------------------------------------------------------------------------
# Scanning C: comments, literals, directives


@dataclasses.dataclass
class _LineComment:
    start: int  # offset of the first '/'
    body: int  # offset after '//'
    end: int  # offset of the terminating newline (or the end of the text)
    own_line: bool  # only whitespace before it on its line
    splice: Optional[int]  # offset of the first backslash-newline in it


@dataclasses.dataclass
class _Directive:
    start: int  # offset of '#'
    chars: list[tuple[str, int]]  # logical characters after '#', comments as ' '
    end: int  # offset of the terminating newline (or the end of the text)
    dangling: Optional[int]  # a backslash continuation running into the end of the text
    approx_start: Optional[int] = None  # index in chars after `pragma approx`


@dataclasses.dataclass
class _Scan:
    comments: list[_LineComment]
    directives: list[_Directive]
    code_lines: set[int]  # lines with code or non-annotation directives
    by_line: dict[int, _LineComment]  # own-line comments by line
    text: str

    def is_annotation(self, comment: _LineComment) -> bool:
        if comment.splice is not None:
            body = self.text[comment.body : comment.splice]
        else:
            body = self.text[comment.body : comment.end]
        return body.lstrip(" \t\f\v").startswith("@approx:")

    def annotation_comments(self) -> list[_LineComment]:
        return [c for c in self.comments if self.is_annotation(c)]


_SPACE = " \t\r\f\v"
_PRAGMA_APPROX = re.compile(r"[ \t\r\f\v]*pragma[ \t\r\f\v]+approx(?![A-Za-z0-9_])")


def _scan(src: _Source) -> _Scan:
    text = src.text
    n = len(text)
    comments: list[_LineComment] = []
    directives: list[_Directive] = []
    code_lines: set[int] = set()

    def splice_at(i: int) -> int:
        if text.startswith("\\\n", i):
            return 2
        if text.startswith("\\\r\n", i):
            return 3
        return 0

    def skip(i: int) -> tuple[int, Optional[int]]:
        """The next logical character at or after i, and the last splice skipped."""
        last = None
        while i < n:
            k = splice_at(i)
            if not k:
                break
            last = i
            i += k
        return i, last

    def block_comment(p: int) -> int:
        star = False
        while True:
            q, _ = skip(p)
            if q >= n:
                return n
            if star and text[q] == "/":
                return q + 1
            star = text[q] == "*"
            p = q + 1

    def rest_of_line(p: int) -> tuple[int, Optional[int], Optional[int]]:
        """Offset of the unspliced newline ending the line, first splice, dangling splice."""
        first = None
        while p < n:
            k = splice_at(p)
            if k:
                first = p if first is None else first
                if p + k >= n:
                    return n, first, p
                p += k
                continue
            if text[p] == "\n":
                return p, first, None
            p += 1
        return n, first, None

    def quoted(j: int, out: Optional[list]) -> int:
        quote = text[j]
        p = j + 1
        while True:
            q, _ = skip(p)
            if q >= n or text[q] == "\n":
                return q
            c = text[q]
            if out is not None:
                out.append((c, q))
            else:
                code_lines.add(src.line_of(q))
            if c == "\\":
                q2, _ = skip(q + 1)
                if q2 < n:
                    if out is not None:
                        out.append((text[q2], q2))
                    p = q2 + 1
                    continue
            elif c == quote:
                return q + 1
            p = q + 1

    def directive(j: int) -> int:
        chars: list[tuple[str, int]] = []
        dangling = None
        p = j + 1
        while True:
            q, last = skip(p)
            if q >= n:
                if last is not None:
                    dangling = last
                end = n
                break
            c = text[q]
            if c == "\n":
                end = q
                break
            if c == "\\" and q == n - 1:
                dangling = q
            if c == "/":
                q2, _ = skip(q + 1)
                if q2 < n and text[q2] == "/":
                    chars.append((" ", q))
                    end, _, dangling = rest_of_line(q2 + 1)
                    break
                if q2 < n and text[q2] == "*":
                    chars.append((" ", q))
                    p = block_comment(q2 + 1)
                    continue
            if c in "\"'":
                chars.append((c, q))
                p = quoted(q, chars)
                continue
            chars.append((c, q))
            p = q + 1
        d = _Directive(j, chars, end, dangling)
        m = _PRAGMA_APPROX.match("".join(c for c, _ in chars))
        if m:
            d.approx_start = m.end()
        else:
            code_lines.update(range(src.line_of(j), src.line_of(end) + 1))
        directives.append(d)
        return end

    i = 0
    at_line_start = True
    while True:
        j, _ = skip(i)
        if j >= n:
            break
        c = text[j]
        if c == "\n":
            at_line_start = True
            i = j + 1
            continue
        if c in _SPACE:
            i = j + 1
            continue
        if c == "/":
            k, _ = skip(j + 1)
            if k < n and text[k] == "/":
                end, splice, _ = rest_of_line(k + 1)
                line_start = src.line_starts[src.line_of(j) - 1]
                own_line = text[line_start:j].strip(_SPACE) == ""
                comments.append(_LineComment(j, k + 1, end, own_line, splice))
                i = end
                continue
            if k < n and text[k] == "*":
                i = block_comment(k + 1)
                continue
        if c == "#" and at_line_start:
            i = directive(j)
            continue
        at_line_start = False
        code_lines.add(src.line_of(j))
        if c in "\"'":
            i = quoted(j, None)
            continue
        i = j + 1

    by_line = {src.line_of(c.start): c for c in comments if c.own_line}
    return _Scan(comments, directives, code_lines, by_line, text)


# ---------------------------------------------------------------------------
# Tokens of an annotation


class _Tok(NamedTuple):
    kind: str  # "ident", "int", "punct", "newline", "end"
    text: str
    offset: int


_PUNCT = "{}[],:="
_IDENT_START = re.compile(r"[A-Za-z_]")
_IDENT_CHAR = re.compile(r"[A-Za-z0-9_]")


class _Lexer:
    """Lazy tokens of a sequence of logical characters (char, source offset);
    "\\n" entries separate the lines of a comment block."""

    def __init__(self, src: _Source, chars: list[tuple[str, int]], end_offset: int, end_name: str):
        self.src = src
        self.chars = chars
        self.pos = 0
        self.end_offset = end_offset
        self.end_name = end_name
        self.last_end = None  # offset just past the last token
        self._peeked: Optional[_Tok] = None

    def peek(self) -> _Tok:
        if self._peeked is None:
            self._peeked = self._lex()
        return self._peeked

    def next(self) -> _Tok:
        tok = self.peek()
        self._peeked = None
        return tok

    def _char(self, i: int) -> str:
        return self.chars[i][0] if i < len(self.chars) else ""

    def _lex(self) -> _Tok:
        chars = self.chars
        while self.pos < len(chars) and chars[self.pos][0] in _SPACE:
            self.pos += 1
        if self.pos >= len(chars):
            return _Tok("end", self.end_name, self.end_offset)
        start = self.pos
        c, offset = chars[start]
        if c == "\n":
            self.pos += 1
            return _Tok("newline", "end of line", offset)
        if c in _PUNCT:
            self.pos += 1
            return _Tok("punct", c, offset)
        if _IDENT_START.match(c):
            end = start + 1
            while _IDENT_CHAR.match(self._char(end)):
                end += 1
            self.pos = end
            return _Tok("ident", "".join(ch for ch, _ in chars[start:end]), offset)
        if c == "-" or c.isdigit() and c.isascii():
            end = start + 1
            while _IDENT_CHAR.match(self._char(end)) or self._char(end) == ".":
                end += 1
            text = "".join(ch for ch, _ in chars[start:end])
            self.pos = end
            if c == "-" and end == start + 1:
                raise self.src.error(offset, "expected digits after '-'")
            if not re.fullmatch(r"-?(0|[1-9][0-9]*)", text):
                raise self.src.error(
                    offset, f"malformed integer '{text}': expected a decimal integer without leading zeros"
                )
            return _Tok("int", text, offset)
        shown = c if c.isprintable() else repr(c)
        raise self.src.error(offset, f"unexpected character '{shown}'")


# ---------------------------------------------------------------------------
# Parsing fields


@dataclasses.dataclass
class _Value:
    kind: str  # "int", "ident", "list"
    value: Union[int, str, list["_Value"]]
    offset: int

    def describe(self) -> str:
        if self.kind == "list":
            return "a list"
        if self.kind == "int":
            return f"integer {self.value}"
        return f"identifier '{self.value}'"


@dataclasses.dataclass
class _Field:
    name: str
    offset: int
    value: _Value


@dataclasses.dataclass
class _Raw:
    """One parsed annotation (a comment block or a pragma)."""

    kind: str
    kind_offset: int
    start: int  # offset of `//` or `#`
    end_line: int
    fields: list[_Field]  # in source order, before _check
    form: str  # "comment" or "pragma"
    spec: Optional[KnobSpec] = None  # decision_tree / transform
    safety: Optional[tuple[str, str]] = None
    id_offset: Optional[int] = None


def _describe(tok: _Tok) -> str:
    return tok.text if tok.kind in ("newline", "end") else f"'{tok.text}'"


def _expect_kind(src: _Source, lex: _Lexer, after: str) -> _Tok:
    tok = lex.next()
    if tok.kind != "ident":
        raise src.error(
            tok.offset,
            f"expected an annotation kind (decision_tree, transform or safety) after '{after}', got {_describe(tok)}",
        )
    if tok.text not in KINDS:
        raise src.error(
            tok.offset, f"unknown annotation kind '{tok.text}': expected decision_tree, transform or safety"
        )
    return tok


def _parse_value(src: _Source, lex: _Lexer, field: str) -> _Value:
    tok = lex.next()
    if tok.kind == "int":
        return _Value("int", int(tok.text), tok.offset)
    if tok.kind == "ident":
        return _Value("ident", tok.text, tok.offset)
    if tok.kind == "punct" and tok.text == "[":
        items: list[_Value] = []
        while True:
            while lex.peek().kind == "newline":
                lex.next()
            item = lex.next()
            if item.kind == "punct" and item.text == "]":
                return _Value("list", items, tok.offset)
            if item.kind == "int":
                items.append(_Value("int", int(item.text), item.offset))
            elif item.kind == "ident":
                items.append(_Value("ident", item.text, item.offset))
            elif item.kind == "punct" and item.text == "[":
                raise src.error(item.offset, f"nested lists are not allowed (in field '{field}')")
            else:
                raise src.error(
                    item.offset,
                    f"expected a list element (an integer or an identifier) in field '{field}', got {_describe(item)}",
                )
            while lex.peek().kind == "newline":
                lex.next()
            sep = lex.next()
            if sep.kind == "punct" and sep.text == "]":
                return _Value("list", items, tok.offset)
            if not (sep.kind == "punct" and sep.text == ","):
                raise src.error(sep.offset, f"expected ',' or ']' in the list of field '{field}', got {_describe(sep)}")
    raise src.error(
        tok.offset,
        f"expected a value for field '{field}' (an integer, an identifier or a [list]), got {_describe(tok)}",
    )


def _parse_field(src: _Source, lex: _Lexer, assign: str, fields: list[_Field]) -> None:
    name = lex.next()
    if name.kind != "ident":
        raise src.error(name.offset, f"expected a field name, got {_describe(name)}")
    eq = lex.next()
    if not (eq.kind == "punct" and eq.text == assign):
        raise src.error(eq.offset, f"expected '{assign}' after field name '{name.text}', got {_describe(eq)}")
    fields.append(_Field(name.text, name.offset, _parse_value(src, lex, name.text)))


def _parse_comment_block(src: _Source, scan: _Scan, first: _LineComment) -> _Raw:
    text = src.text
    at = first.body + (len(text[first.body : first.end]) - len(text[first.body : first.end].lstrip(" \t\f\v")))
    if not first.own_line:
        raise src.error(at, "an @approx comment must be on its own line, before the code it annotates")
    if first.splice is not None:
        raise src.error(
            first.splice, "backslash line continuation in an @approx comment (only #pragma approx continues lines)"
        )
    body = at + len("@approx:")
    head = [(text[p], p) for p in range(body, first.end)]
    lex = _Lexer(src, head, first.end, "end of line")
    kind = _expect_kind(src, lex, "@approx:")
    brace = lex.next()
    if not (brace.kind == "punct" and brace.text == "{"):
        raise src.error(brace.offset, f"expected '{{' after '@approx:{kind.text}', got {_describe(brace)}")

    # The block runs up to the first '}' on consecutive own-line '//' comments.
    lines = [first]
    if "}" not in text[brace.offset : first.end]:
        line = src.line_of(first.start)
        while True:
            line += 1
            comment = scan.by_line.get(line)
            if comment is None or scan.is_annotation(comment):
                raise src.error(
                    brace.offset,
                    "unterminated '{': expected a closing '}' on the following '//' comment lines "
                    "(no blank or code lines inside the block)",
                )
            if comment.splice is not None:
                raise src.error(
                    comment.splice,
                    "backslash line continuation in an @approx comment (only #pragma approx continues lines)",
                )
            lines.append(comment)
            if "}" in text[comment.body : comment.end]:
                break

    chars = [(text[p], p) for p in range(brace.offset + 1, first.end)]
    for previous, comment in zip(lines, lines[1:]):
        chars.append(("\n", previous.end))
        chars += [(text[p], p) for p in range(comment.body, comment.end)]
    last = lines[-1]
    lex = _Lexer(src, chars, last.end, "end of line")
    fields: list[_Field] = []
    while lex.peek().kind == "newline":
        lex.next()
    while not (lex.peek().kind == "punct" and lex.peek().text == "}"):
        _parse_field(src, lex, ":", fields)
        separated = False
        while lex.peek().kind == "newline":
            lex.next()
            separated = True
        tok = lex.peek()
        if tok.kind == "punct" and tok.text == ",":
            lex.next()
            separated = True
            while lex.peek().kind == "newline":
                lex.next()
        tok = lex.peek()
        if tok.kind == "punct" and tok.text == "}":
            break
        if not separated:
            raise src.error(tok.offset, f"expected ',' or a line break before {_describe(tok)}")
    lex.next()  # '}'
    tok = lex.next()
    if tok.kind != "end":
        raise src.error(tok.offset, f"unexpected {_describe(tok)} after the closing '}}'")
    raw = _Raw(kind.text, kind.offset, first.start, src.line_of(last.start), fields, "comment")
    _check(src, raw)
    return raw


def _parse_pragma(src: _Source, d: _Directive) -> _Raw:
    if d.dangling is not None:
        raise src.error(d.dangling, "backslash line continuation at the end of the file")
    chars = d.chars[d.approx_start :]
    approx_end = d.chars[d.approx_start - 1][1] + 1
    content = [o for c, o in chars if c not in _SPACE]
    end_offset = content[-1] + 1 if content else approx_end
    lex = _Lexer(src, chars, end_offset, "end of pragma")
    kind = _expect_kind(src, lex, "#pragma approx")
    fields: list[_Field] = []
    while lex.peek().kind != "end":
        _parse_field(src, lex, "=", fields)
        tok = lex.peek()
        if tok.kind == "punct" and tok.text == ",":
            lex.next()
    raw = _Raw(kind.text, kind.offset, d.start, src.line_of(d.end), fields, "pragma")
    _check(src, raw)
    return raw


# ---------------------------------------------------------------------------
# Checking fields


def _identifier(src: _Source, field: _Field, what: str, function: bool) -> str:
    v = field.value
    if v.kind != "ident":
        raise src.error(v.offset, f"{field.name} must be {what} (a C identifier), got {v.describe()}")
    if function and v.value in _C_KEYWORDS:
        raise src.error(v.offset, f"{field.name} must be {what}, got the C keyword '{v.value}'")
    return v.value


def _transform_types(src: _Source, field: _Field) -> tuple[str, ...]:
    v = field.value
    items = v.value if v.kind == "list" else [v]
    if v.kind == "list" and not items:
        raise src.error(v.offset, "transform_type must not be an empty list")
    expected = "loop_perforate, func_substitute (or function_substitute), task_skipping or ml_surrogate"
    result: list[str] = []
    for item in items:
        if item.kind != "ident":
            raise src.error(item.offset, f"expected a transform type ({expected}), got {item.describe()}")
        name = TRANSFORM_ALIASES.get(item.value, item.value)
        if name not in TRANSFORM_TYPES:
            raise src.error(item.offset, f"unknown transform type '{item.value}': expected {expected}")
        if name in result:
            raise src.error(item.offset, f"transform type '{name}' is listed twice")
        result.append(name)
    return tuple(result)


def _decision_values(src: _Source, field: _Field) -> tuple[int, ...]:
    v = field.value
    if v.kind != "list":
        raise src.error(
            v.offset, f"decision_values must be a list of non-negative integers like [0, 1], got {v.describe()}"
        )
    if not v.value:
        raise src.error(v.offset, "decision_values must not be empty")
    seen: set[int] = set()
    for item in v.value:
        if item.kind != "int":
            raise src.error(item.offset, f"decision_values must hold non-negative integers, got {item.describe()}")
        if item.value < 0:
            raise src.error(item.offset, f"decision value {item.value} is negative: decision values must be >= 0")
        if item.value > _I64_MAX:
            raise src.error(item.offset, f"decision value {item.value} does not fit in a signed 64-bit integer")
        if item.value in seen:
            raise src.error(item.offset, f"duplicate decision value {item.value}")
        seen.add(item.value)
    return tuple(sorted(seen))


def _int64(src: _Source, v: _Value, what: str) -> int:
    if v.kind != "int":
        raise src.error(v.offset, f"{what} must be an integer, got {v.describe()}")
    if not _I64_MIN <= v.value <= _I64_MAX:
        raise src.error(v.offset, f"{what} {v.value} does not fit in a signed 64-bit integer")
    return v.value


def _int_list(src: _Source, field: _Field, size: int, example: str) -> list[int]:
    v = field.value
    shape = "a one-element list" if size == 1 else f"a {size}-element list"
    if v.kind != "list":
        raise src.error(v.offset, f"{field.name} must be {shape} like {example}, got {v.describe()}")
    if len(v.value) != size:
        where = v.value[size].offset if len(v.value) > size else v.offset
        raise src.error(where, f"{field.name} must be {shape} like {example}, got {len(v.value)} elements")
    return [_int64(src, item, f"{field.name} element") for item in v.value]


def _check(src: _Source, raw: _Raw) -> None:
    """Validates the fields of one annotation and fills raw.spec / raw.safety."""
    allowed = _FIELDS[raw.kind]
    values: dict[str, object] = {}
    fields: dict[str, _Field] = {}
    for field in raw.fields:
        name = field.name
        if name not in allowed:
            raise src.error(
                field.offset,
                f"unknown field '{name}' in a {raw.kind} annotation: expected one of {', '.join(allowed)}",
            )
        if name in fields:
            raise src.error(
                field.offset,
                f"duplicate field '{name}' (first given at line {src.line_of(fields[name].offset)})",
            )
        fields[name] = field
        if name in ("state_function", "checker", "recover"):
            values[name] = _identifier(src, field, "a function name", function=True)
        elif name == "id":
            values[name] = _identifier(src, field, "a knob id", function=False)
            raw.id_offset = field.value.offset
        elif name == "transform_type":
            values[name] = _transform_types(src, field)
        elif name == "decision_values":
            values[name] = _decision_values(src, field)
        elif name == "num_thresholds":
            values[name] = _int64(src, field.value, "num_thresholds")
        elif name == "threshold_range":
            values[name] = _int_list(src, field, 2, "[0, 100]")
        elif name in ("thresholds_lower", "thresholds_upper"):
            values[name] = _int_list(src, field, 1, "[0]" if name.endswith("lower") else "[100]")[0]

    required = {
        "decision_tree": ("state_function", "decision_values", "transform_type"),
        "transform": ("transform_type", "decision_values"),
        "safety": ("checker", "recover"),
    }[raw.kind]
    for name in required:
        if name not in fields:
            raise src.error(raw.kind_offset, f"{raw.kind} annotation needs field '{name}'")

    if raw.kind == "safety":
        raw.safety = (values["checker"], values["recover"])
        return
    if raw.kind == "transform":
        raw.spec = KnobSpec(values.get("id"), values["transform_type"], values["decision_values"])
        return

    has_range = "threshold_range" in fields
    has_bounds = [n for n in ("thresholds_lower", "thresholds_upper") if n in fields]
    if has_range and has_bounds:
        later = max([fields["threshold_range"]] + [fields[n] for n in has_bounds], key=lambda f: f.offset)
        raise src.error(later.offset, "give either threshold_range or thresholds_lower/thresholds_upper, not both")
    if len(has_bounds) == 1:
        other = "thresholds_upper" if has_bounds[0] == "thresholds_lower" else "thresholds_lower"
        raise src.error(fields[has_bounds[0]].offset, f"{has_bounds[0]} needs {other}")
    if has_range:
        lo, hi = values["threshold_range"]
        if lo > hi:
            raise src.error(
                fields["threshold_range"].value.offset,
                f"threshold_range [{lo}, {hi}]: the lower bound is above the upper bound",
            )
    elif has_bounds:
        lo, hi = values["thresholds_lower"], values["thresholds_upper"]
        if lo > hi:
            raise src.error(
                fields["thresholds_upper"].value.offset,
                f"thresholds_upper [{hi}] is below thresholds_lower [{lo}]",
            )
    else:
        raise src.error(
            raw.kind_offset,
            "decision_tree annotation needs a threshold range: field 'threshold_range' "
            "(or 'thresholds_lower' and 'thresholds_upper')",
        )
    span = hi - lo + 1
    if "num_thresholds" in fields:
        count = values["num_thresholds"]
        where = fields["num_thresholds"].value.offset
        if count < 1:
            raise src.error(where, f"num_thresholds must be at least 1, got {count}")
        if count > span:
            raise src.error(
                where,
                f"num_thresholds {count} does not fit in the threshold range [{lo}, {hi}] "
                f"(at most {span} strictly ascending thresholds)",
            )
    else:
        count = max(1, min(len(values["decision_values"]) - 1, span))
    raw.spec = KnobSpec(
        values.get("id"),
        values["transform_type"],
        values["decision_values"],
        state_function=values["state_function"],
        num_thresholds=count,
        threshold_range=(lo, hi),
    )


# ---------------------------------------------------------------------------
# Grouping


def _group(src: _Source, scan: _Scan, annotations: list[_Raw]) -> list[Annotation]:
    groups: list[list[_Raw]] = []
    for raw in annotations:
        if groups:
            previous = groups[-1][-1]
            between = range(previous.end_line + 1, src.line_of(raw.start))
            if not any(line in scan.code_lines for line in between):
                groups[-1].append(raw)
                continue
        groups.append([raw])

    result: list[Annotation] = []
    ids: dict[str, int] = {}
    for group in groups:
        knob: Optional[_Raw] = None
        safety: Optional[_Raw] = None
        for raw in group:
            if raw.kind == "safety":
                if safety is not None:
                    raise src.error(
                        raw.kind_offset,
                        f"a second safety contract for the same target (the first is at line "
                        f"{src.line_of(safety.start)})",
                    )
                safety = raw
            else:
                if knob is not None:
                    raise src.error(
                        raw.kind_offset,
                        f"a second decision_tree or transform for the same target (the first is at line "
                        f"{src.line_of(knob.start)}); annotations of different targets need code between them",
                    )
                knob = raw
        if knob is None:
            raise src.error(safety.kind_offset, "safety contract without a decision_tree or transform")
        spec = knob.spec
        if spec.id is not None:
            if spec.id in ids:
                raise src.error(
                    knob.id_offset,
                    f"duplicate knob id '{spec.id}' (already used at line {ids[spec.id]})",
                )
            ids[spec.id] = src.line_of(knob.id_offset)
        if safety is not None:
            spec = dataclasses.replace(spec, checker=safety.safety[0], recover=safety.safety[1])
        result.append(Annotation(spec, src.location(group[0].start), group[-1].end_line))
    return result
