"""The one scanner of annotations in C sources: where the `//` comments and
`#` directives are, after C's translation phases 1-3.

`scan(Source(text, filename))` finds every `//` comment (with whether it is on
its own line and where its first backslash-newline splice is), every directive
(its logical characters after `#`, comments replaced by a space, splices
removed, each character with its source offset) and the lines that hold code
or directives other than `#pragma approx`. It does not preprocess: `#if 0` is
not evaluated and `_Pragma("approx ...")` is not recognized. `/* ... */`
comments and string and character literals are skipped, so an annotation
inside them does not count.

Used by the knob annotations (annotations.py), the HPAC-ML pragmas
(`approx_pragmas`, parsed by hpacml.py) and the benchmarks' pragma stripping
(`hpacml_line_spans`). Positions are offsets into the text; `Source.location`
turns one into a 1-based line and byte column, like clang.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from typing import Optional

from approxmlir.frontends.c.errors import FrontendError, SourceLocation

__all__ = [
    "Directive",
    "HPAC_ML_KINDS",
    "LineComment",
    "SPACE",
    "Scan",
    "Source",
    "approx_chars",
    "approx_kind",
    "directive_lines",
    "hpacml_line_spans",
    "is_hpacml",
    "scan",
]

# `#pragma approx <kind>` kinds that are HPAC-ML directives (hpacml.py), not knobs.
HPAC_ML_KINDS = ("ml", "tensor", "declare")


class Source:
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
class LineComment:
    start: int  # offset of the first '/'
    body: int  # offset after '//'
    end: int  # offset of the terminating newline (or the end of the text)
    own_line: bool  # only whitespace before it on its line
    splice: Optional[int]  # offset of the first backslash-newline in it


@dataclasses.dataclass
class Directive:
    start: int  # offset of '#'
    chars: list[tuple[str, int]]  # logical characters after '#', comments as ' '
    end: int  # offset of the terminating newline (or the end of the text)
    dangling: Optional[int]  # a backslash continuation running into the end of the text
    approx_start: Optional[int] = None  # index in chars after `pragma approx`


@dataclasses.dataclass
class Scan:
    comments: list[LineComment]
    directives: list[Directive]
    code_lines: set[int]  # lines with code or non-annotation directives
    by_line: dict[int, LineComment]  # own-line comments by line
    text: str

    def is_annotation(self, comment: LineComment) -> bool:
        if comment.splice is not None:
            body = self.text[comment.body : comment.splice]
        else:
            body = self.text[comment.body : comment.end]
        return body.lstrip(" \t\f\v").startswith("@approx:")

    def annotation_comments(self) -> list[LineComment]:
        return [c for c in self.comments if self.is_annotation(c)]


SPACE = " \t\r\f\v"
PRAGMA_APPROX = re.compile(r"[ \t\r\f\v]*pragma[ \t\r\f\v]+approx(?![A-Za-z0-9_])")


def scan(src: Source) -> Scan:
    text = src.text
    n = len(text)
    comments: list[LineComment] = []
    directives: list[Directive] = []
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
        d = Directive(j, chars, end, dangling)
        m = PRAGMA_APPROX.match("".join(c for c, _ in chars))
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
        if c in SPACE:
            i = j + 1
            continue
        if c == "/":
            k, _ = skip(j + 1)
            if k < n and text[k] == "/":
                end, splice, _ = rest_of_line(k + 1)
                line_start = src.line_starts[src.line_of(j) - 1]
                own_line = text[line_start:j].strip(SPACE) == ""
                comments.append(LineComment(j, k + 1, end, own_line, splice))
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
    return Scan(comments, directives, code_lines, by_line, text)


# ---------------------------------------------------------------------------
# Directives after `#pragma approx`

_WORD = re.compile(r"[ \t\r\f\v]*([A-Za-z_][A-Za-z0-9_]*)")


def approx_kind(d: Directive) -> Optional[str]:
    """The first word after `#pragma approx` (None for other directives or none)."""
    if d.approx_start is None:
        return None
    word = _WORD.match("".join(c for c, _ in d.chars[d.approx_start :]))
    return word.group(1) if word else None


def is_hpacml(d: Directive) -> bool:
    return approx_kind(d) in HPAC_ML_KINDS


def approx_chars(src: Source, d: Directive) -> tuple[list[tuple[str, int]], int]:
    """The logical characters after `#pragma approx` and the offset just past
    the last non-space one (the position of "end of pragma")."""
    if d.dangling is not None:
        raise src.error(d.dangling, "backslash line continuation at the end of the file")
    chars = d.chars[d.approx_start :]
    content = [o for c, o in chars if c not in SPACE]
    return chars, content[-1] + 1 if content else d.chars[d.approx_start - 1][1] + 1


def directive_lines(src: Source, d: Directive) -> range:
    """The source lines (1-based) that a directive spans."""
    return range(src.line_of(d.start), src.line_of(d.end) + 1)


def hpacml_line_spans(text: str, filename: str = "<source>") -> list[range]:
    """The 0-based line indices of each HPAC-ML directive in `text`,
    continuation lines included."""
    src = Source(text, filename)
    spans = []
    for d in scan(src).directives:
        if is_hpacml(d):
            lines = directive_lines(src, d)
            spans.append(range(lines.start - 1, lines.stop - 1))
    return spans
