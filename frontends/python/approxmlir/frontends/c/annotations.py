"""Approximation annotations in C sources (paper section 4.3).

Modules: annotation_scanner.py finds comments and directives (shared with
the HPAC-ML pragmas and the benchmarks), annotation_lexer.py is the one
lexer of annotation text, annotation_syntax.py parses the two forms below,
annotation_fields.py checks the fields; this module groups the annotations
and renders knob attributes.

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

Upstream ApproxMLIR's fields (its runtime/README, "C++ Comment-Driven
Annotations"), in both forms and mixable with the above: `thresholds` and
`decisions` (the knob's starting params), `thresholds_lower` /
`thresholds_upper` with one bound per threshold (a one-element list keeps the
meaning above; defaults [0] and [100] once `thresholds` is given),
`state_indices` (the parameters the state function receives; the translator
makes an adapter, state_adapters.py), `state_function` optional in that form
(the state is the selected parameter), `decision_values` optional with
`decisions`, and `knob_val` on a `transform` (its starting value). In a
comment block, `//` after a field is a note. frontends/c_subset.md has the
details and the MLIR each becomes.

Grouping: annotations separated only by blank lines, comment lines and other
annotations form one group, i.e. one knob on the code that follows the group
(`Annotation.end_line` is the group's last line). A group holds exactly one
`decision_tree` or `transform` and at most one `safety`. Errors about a whole
annotation or group (missing field, `safety` alone, a second
`decision_tree`/`transform`, HPAC-ML) are located at its kind token.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from approxmlir.frontends.c import hpacml
from approxmlir.frontends.c.annotation_fields import TRANSFORM_ALIASES, TRANSFORM_TYPES, KnobSpec, check
from approxmlir.frontends.c.annotation_scanner import (
    Scan,
    Source,
    approx_chars,
    directive_lines,
    is_hpacml,
    scan,
)
from approxmlir.frontends.c.annotation_syntax import KINDS, Raw, parse_comment_block, parse_pragma
from approxmlir.frontends.c.errors import SourceLocation

__all__ = [
    "Annotation",
    "KINDS",
    "KnobSpec",
    "TRANSFORM_ALIASES",
    "TRANSFORM_TYPES",
    "knob_attributes",
    "parse_annotations",
    "parse_hpacml_directives",
]


@dataclasses.dataclass(frozen=True)
class Annotation:
    """One annotation group = one knob on the code after `end_line`."""

    spec: KnobSpec
    location: SourceLocation  # the `//` or `#` of the group's first annotation
    end_line: int  # last source line of the group
    # Where the knob's fields are (field name -> location of its value), for
    # errors the translator finds (e.g. a state_indices element out of range).
    fields: dict[str, SourceLocation] = dataclasses.field(default_factory=dict, compare=False, repr=False)


def knob_attributes(spec: KnobSpec) -> str:
    """The attribute part of `approx.knob`'s custom syntax, e.g.
    `transforms [loop_perforate] state @get_state thresholds 1 in [0, 100]
    bounds [0, 50] decisions [0, 1] check @c recover @r` (on one line)."""
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
    if spec.threshold_bounds is not None:
        # Per-threshold bounds (lo, hi pairs); threshold_range holds their hull.
        flat = ", ".join(str(b) for pair in spec.threshold_bounds for b in pair)
        parts.append(f"bounds [{flat}]")
    parts.append(f"decisions [{', '.join(str(v) for v in spec.decision_values)}]")
    if spec.initial_decisions:
        # The starting configuration: approx-apply-config's params.
        thresholds = ""
        if spec.initial_thresholds:
            thresholds = f"thresholds = [{', '.join(str(t) for t in spec.initial_thresholds)}], "
        decisions = ", ".join(str(d) for d in spec.initial_decisions)
        parts.append(f"params <transform = {spec.transform_types[0]}, {thresholds}decisions = [{decisions}]>")
    if spec.checker is not None:
        parts.append(f"check @{spec.checker} recover @{spec.recover}")
    return " ".join(parts)


def parse_annotations(source: str, filename: str) -> list[Annotation]:
    """The annotation groups of a C source, in source order."""
    src = Source(source, filename)
    found = scan(src)
    annotations = [_checked(src, parse_comment_block(src, found, c)) for c in found.annotation_comments()]
    annotations += [
        _checked(src, parse_pragma(src, d)) for d in found.directives if d.approx_start is not None and not is_hpacml(d)
    ]
    annotations.sort(key=lambda a: a.start)
    return _group(src, found, annotations)


def _checked(src: Source, raw: Raw) -> Raw:
    check(src, raw)
    return raw


def parse_hpacml_directives(source: str, filename: str) -> list[hpacml.Directive]:
    """The HPAC-ML pragmas (`#pragma approx tensor ...`, `#pragma approx ml ...`),
    in source order."""
    src = Source(source, filename)
    directives = []
    for d in scan(src).directives:
        if is_hpacml(d):
            chars, end_offset = approx_chars(src, d)
            directives.append(
                hpacml.parse_directive(chars, end_offset, directive_lines(src, d), src.error, src.location)
            )
    return directives


# ---------------------------------------------------------------------------
# Grouping


def _group(src: Source, found: Scan, annotations: list[Raw]) -> list[Annotation]:
    groups: list[list[Raw]] = []
    for raw in annotations:
        if groups:
            previous = groups[-1][-1]
            between = range(previous.end_line + 1, src.line_of(raw.start))
            if not any(line in found.code_lines for line in between):
                groups[-1].append(raw)
                continue
        groups.append([raw])

    result: list[Annotation] = []
    ids: dict[str, int] = {}
    for group in groups:
        knob: Optional[Raw] = None
        safety: Optional[Raw] = None
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
        located = {}
        for field in knob.fields:
            located[field.name] = src.location(field.value.offset)
            if field.value.kind == "list":
                for k, item in enumerate(field.value.value):
                    located[f"{field.name}[{k}]"] = src.location(item.offset)
        result.append(Annotation(spec, src.location(group[0].start), group[-1].end_line, located))
    return result
