"""Checking the fields of one knob annotation (a `Raw` from
annotation_syntax.py) and building its `KnobSpec`. The fields and their
meaning are documented in annotations.py and frontends/c_subset.md.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from approxmlir.frontends.c.annotation_scanner import Source
from approxmlir.frontends.c.annotation_syntax import Field, Raw, Value

__all__ = ["KnobSpec", "TRANSFORM_ALIASES", "TRANSFORM_TYPES", "check"]

TRANSFORM_TYPES = ("loop_perforate", "func_substitute", "task_skipping", "ml_surrogate")
TRANSFORM_ALIASES = {"function_substitute": "func_substitute"}

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


def _identifier(src: Source, field: Field, what: str, function: bool) -> str:
    v = field.value
    if v.kind != "ident":
        raise src.error(v.offset, f"{field.name} must be {what} (a C identifier), got {v.describe()}")
    if function and v.value in _C_KEYWORDS:
        raise src.error(v.offset, f"{field.name} must be {what}, got the C keyword '{v.value}'")
    return v.value


def _transform_types(src: Source, field: Field) -> tuple[str, ...]:
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


def _decision_values(src: Source, field: Field) -> tuple[int, ...]:
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


def _int64(src: Source, v: Value, what: str) -> int:
    if v.kind != "int":
        raise src.error(v.offset, f"{what} must be an integer, got {v.describe()}")
    if not _I64_MIN <= v.value <= _I64_MAX:
        raise src.error(v.offset, f"{what} {v.value} does not fit in a signed 64-bit integer")
    return v.value


def _int_list(src: Source, field: Field, size: int, example: str) -> list[int]:
    v = field.value
    shape = "a one-element list" if size == 1 else f"a {size}-element list"
    if v.kind != "list":
        raise src.error(v.offset, f"{field.name} must be {shape} like {example}, got {v.describe()}")
    if len(v.value) != size:
        where = v.value[size].offset if len(v.value) > size else v.offset
        raise src.error(where, f"{field.name} must be {shape} like {example}, got {len(v.value)} elements")
    return [_int64(src, item, f"{field.name} element") for item in v.value]


def check(src: Source, raw: Raw) -> None:
    """Validates the fields of one annotation and fills raw.spec / raw.safety."""
    allowed = _FIELDS[raw.kind]
    values: dict[str, object] = {}
    fields: dict[str, Field] = {}
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
