"""The syntax of knob annotations: `// @approx:KIND { name: value, ... }`
comment blocks and `#pragma approx KIND name=value ...` pragmas, into `Raw`
annotations (kind, fields with located values). annotation_fields.py checks
the fields; annotations.py documents the grammar and groups the results.
"""

from __future__ import annotations

import dataclasses
from typing import Optional, Union

from approxmlir.frontends.c.annotation_lexer import Lexer, Tok, describe
from approxmlir.frontends.c.annotation_scanner import Directive, LineComment, Scan, Source, approx_chars

__all__ = ["Field", "KINDS", "Raw", "Value", "parse_comment_block", "parse_pragma"]

KINDS = ("decision_tree", "transform", "safety")


@dataclasses.dataclass
class Value:
    kind: str  # "int", "ident", "list"
    value: Union[int, str, list["Value"]]
    offset: int

    def describe(self) -> str:
        if self.kind == "list":
            return "a list"
        if self.kind == "int":
            return f"integer {self.value}"
        return f"identifier '{self.value}'"


@dataclasses.dataclass
class Field:
    name: str
    offset: int
    value: Value


@dataclasses.dataclass
class Raw:
    """One parsed annotation (a comment block or a pragma)."""

    kind: str
    kind_offset: int
    start: int  # offset of `//` or `#`
    end_line: int
    fields: list[Field]  # in source order, before annotation_fields.check
    form: str  # "comment" or "pragma"
    spec: Optional[object] = None  # a KnobSpec, set by annotation_fields.check  # decision_tree / transform
    safety: Optional[tuple[str, str]] = None
    id_offset: Optional[int] = None


def expect_kind(src: Source, lex: Lexer, after: str) -> Tok:
    tok = lex.next()
    if tok.kind != "ident":
        raise src.error(
            tok.offset,
            f"expected an annotation kind (decision_tree, transform or safety) after '{after}', got {describe(tok)}",
        )
    if tok.text not in KINDS:
        raise src.error(
            tok.offset, f"unknown annotation kind '{tok.text}': expected decision_tree, transform or safety"
        )
    return tok


def parse_value(src: Source, lex: Lexer, field: str) -> Value:
    tok = lex.next()
    if tok.kind == "int":
        return Value("int", int(tok.text), tok.offset)
    if tok.kind == "ident":
        return Value("ident", tok.text, tok.offset)
    if tok.kind == "punct" and tok.text == "[":
        items: list[Value] = []
        while True:
            while lex.peek().kind == "newline":
                lex.next()
            item = lex.next()
            if item.kind == "punct" and item.text == "]":
                return Value("list", items, tok.offset)
            if item.kind == "int":
                items.append(Value("int", int(item.text), item.offset))
            elif item.kind == "ident":
                items.append(Value("ident", item.text, item.offset))
            elif item.kind == "punct" and item.text == "[":
                raise src.error(item.offset, f"nested lists are not allowed (in field '{field}')")
            else:
                raise src.error(
                    item.offset,
                    f"expected a list element (an integer or an identifier) in field '{field}', got {describe(item)}",
                )
            while lex.peek().kind == "newline":
                lex.next()
            sep = lex.next()
            if sep.kind == "punct" and sep.text == "]":
                return Value("list", items, tok.offset)
            if not (sep.kind == "punct" and sep.text == ","):
                raise src.error(sep.offset, f"expected ',' or ']' in the list of field '{field}', got {describe(sep)}")
    raise src.error(
        tok.offset,
        f"expected a value for field '{field}' (an integer, an identifier or a [list]), got {describe(tok)}",
    )


def parse_field(src: Source, lex: Lexer, assign: str, fields: list[Field]) -> None:
    name = lex.next()
    if name.kind != "ident":
        raise src.error(name.offset, f"expected a field name, got {describe(name)}")
    eq = lex.next()
    if not (eq.kind == "punct" and eq.text == assign):
        raise src.error(eq.offset, f"expected '{assign}' after field name '{name.text}', got {describe(eq)}")
    fields.append(Field(name.text, name.offset, parse_value(src, lex, name.text)))


def parse_comment_block(src: Source, scan: Scan, first: LineComment) -> Raw:
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
    lex = Lexer(head, first.end, "end of line", src.error)
    kind = expect_kind(src, lex, "@approx:")
    brace = lex.next()
    if not (brace.kind == "punct" and brace.text == "{"):
        raise src.error(brace.offset, f"expected '{{' after '@approx:{kind.text}', got {describe(brace)}")

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
    lex = Lexer(chars, last.end, "end of line", src.error)
    fields: list[Field] = []
    while lex.peek().kind == "newline":
        lex.next()
    while not (lex.peek().kind == "punct" and lex.peek().text == "}"):
        parse_field(src, lex, ":", fields)
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
            raise src.error(tok.offset, f"expected ',' or a line break before {describe(tok)}")
    lex.next()  # '}'
    tok = lex.next()
    if tok.kind != "end":
        raise src.error(tok.offset, f"unexpected {describe(tok)} after the closing '}}'")
    raw = Raw(kind.text, kind.offset, first.start, src.line_of(last.start), fields, "comment")
    return raw


def parse_pragma(src: Source, d: Directive) -> Raw:
    chars, end_offset = approx_chars(src, d)
    lex = Lexer(chars, end_offset, "end of pragma", src.error)
    kind = expect_kind(src, lex, "#pragma approx")
    fields: list[Field] = []
    while lex.peek().kind != "end":
        parse_field(src, lex, "=", fields)
        tok = lex.peek()
        if tok.kind == "punct" and tok.text == ",":
            lex.next()
    raw = Raw(kind.text, kind.offset, d.start, src.line_of(d.end), fields, "pragma")
    return raw
