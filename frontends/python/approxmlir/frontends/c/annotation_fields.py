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
        "decisions",
        "id",
        "num_thresholds",
        "state_function",
        "state_indices",
        "threshold_range",
        "thresholds",
        "thresholds_lower",
        "thresholds_upper",
        "transform_type",
    ),
    "transform": ("decision_values", "id", "knob_val", "transform_type"),
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
    # Upstream ApproxMLIR's fields (see annotations.py):
    state_indices: Optional[tuple[int, ...]] = None  # parameters the state function receives (negative: from the end)
    threshold_bounds: Optional[tuple[tuple[int, int], ...]] = None  # per threshold, when they are not all the same
    initial_thresholds: tuple[int, ...] = ()  # the knob's starting params
    initial_decisions: tuple[int, ...] = ()  # (one value for a static knob)

    @property
    def needs_state_adapter(self) -> bool:
        """True when the translator must make the state function: the state
        is the identity of a parameter, or a selection of the parameters."""
        return self.threshold_range is not None and (self.state_function is None or self.state_indices is not None)


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


def _int_items(src: Source, field: Field, what: str, example: str) -> list[int]:
    """A non-empty list of signed 64-bit integers."""
    v = field.value
    if v.kind != "list":
        raise src.error(v.offset, f"{field.name} must be a list of {what} like {example}, got {v.describe()}")
    if not v.value:
        raise src.error(v.offset, f"{field.name} must not be empty")
    return [_int64(src, item, f"{field.name} element") for item in v.value]


def _bounds(src: Source, field: Field) -> list[int]:
    """thresholds_lower/upper: one bound for every threshold (`[lo]`, the
    paper's form) or one per threshold (upstream ApproxMLIR's form)."""
    v = field.value
    example = "[0]" if field.name.endswith("lower") else "[100]"
    if v.kind != "list" or not v.value:
        got = v.describe() if v.kind != "list" else "0 elements"
        raise src.error(
            v.offset,
            f"{field.name} must be a one-element list like {example}, got {got} (or a list of one bound per threshold)",
        )
    return [_int64(src, item, f"{field.name} element") for item in v.value]


def _non_negative(src: Source, field: Field) -> list[int]:
    values = _int_items(src, field, "non-negative integers", "[0, 1, 2]")
    for item, value in zip(field.value.value, values):
        if value < 0:
            raise src.error(item.offset, f"{field.name} element {value} is negative: decision values must be >= 0")
    return values


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
        elif name in ("num_thresholds", "knob_val"):
            values[name] = _int64(src, field.value, name)
        elif name == "threshold_range":
            values[name] = _int_list(src, field, 2, "[0, 100]")
        elif name in ("thresholds_lower", "thresholds_upper"):
            values[name] = _bounds(src, field)
        elif name == "thresholds":
            values[name] = _int_items(src, field, "integers", "[5, 10]")
        elif name == "decisions":
            values[name] = _non_negative(src, field)
        elif name == "state_indices":
            values[name] = _int_items(src, field, "parameter indices", "[0] or [-1]")

    upstream = "thresholds" in fields or "decisions" in fields or "state_indices" in fields
    required = {
        "decision_tree": ("transform_type",) if upstream else ("state_function", "decision_values", "transform_type"),
        "transform": ("transform_type",) if "knob_val" in fields else ("transform_type", "decision_values"),
        "safety": ("checker", "recover"),
    }[raw.kind]
    for name in required:
        if name not in fields:
            raise src.error(raw.kind_offset, f"{raw.kind} annotation needs field '{name}'")

    if raw.kind == "safety":
        raw.safety = (values["checker"], values["recover"])
    elif raw.kind == "transform":
        raw.spec = _static(src, fields, values)
    else:
        raw.spec = decision_tree(src, raw, fields, values)


def _static(src: Source, fields: dict[str, Field], values: dict) -> KnobSpec:
    initial: tuple[int, ...] = ()
    decision_values = values.get("decision_values")
    if "knob_val" in fields:
        value = values["knob_val"]
        where = fields["knob_val"].value.offset
        if value < 0:
            raise src.error(where, f"knob_val {value} is negative: decision values must be >= 0")
        if decision_values is None:
            decision_values = tuple(sorted({0, value}))  # exact, or the given value
        elif value not in decision_values:
            raise src.error(where, f"knob_val {value} is not one of decision_values {list(decision_values)}")
        initial = (value,)
    return KnobSpec(values.get("id"), values["transform_type"], decision_values, initial_decisions=initial)


def decision_tree(src: Source, raw: Raw, fields: dict[str, Field], values: dict) -> KnobSpec:
    """A decision_tree's space: the paper's fields, upstream ApproxMLIR's, or a mix."""
    for a, b in (("thresholds", "decisions"), ("decisions", "thresholds")):
        if a in fields and b not in fields:
            raise src.error(fields[a].offset, f"{a} needs {b} (the knob's starting params are both together)")
    initial = values.get("thresholds")
    if initial is not None:
        for item, previous, value in zip(fields["thresholds"].value.value[1:], initial, initial[1:]):
            if value <= previous:
                raise src.error(item.offset, f"thresholds must be strictly ascending, got {value} after {previous}")

    has_range = "threshold_range" in fields
    has_bounds = [n for n in ("thresholds_lower", "thresholds_upper") if n in fields]
    if has_range and has_bounds:
        later = max([fields["threshold_range"]] + [fields[n] for n in has_bounds], key=lambda f: f.offset)
        raise src.error(later.offset, "give either threshold_range or thresholds_lower/thresholds_upper, not both")
    if len(has_bounds) == 1 and initial is None:
        other = "thresholds_upper" if has_bounds[0] == "thresholds_lower" else "thresholds_lower"
        raise src.error(fields[has_bounds[0]].offset, f"{has_bounds[0]} needs {other}")
    if has_range:
        lo, hi = values["threshold_range"]
        if lo > hi:
            raise src.error(
                fields["threshold_range"].value.offset,
                f"threshold_range [{lo}, {hi}]: the lower bound is above the upper bound",
            )
        lowers, uppers = [lo], [hi]
    elif has_bounds or initial is not None:
        lowers, uppers = values.get("thresholds_lower", [0]), values.get("thresholds_upper", [100])  # upstream defaults
    else:
        raise src.error(
            raw.kind_offset,
            "decision_tree annotation needs a threshold range: field 'threshold_range' "
            "(or 'thresholds_lower' and 'thresholds_upper')",
        )

    # The number of thresholds: the initial thresholds', num_thresholds, or per-threshold bounds'.
    count = None
    if initial is not None:
        count, what = len(initial), f"{len(initial)} thresholds (thresholds: {initial})"
        if "num_thresholds" in fields and values["num_thresholds"] != count:
            raise src.error(
                fields["num_thresholds"].value.offset,
                f"num_thresholds is {values['num_thresholds']} but thresholds has {len(initial)} elements",
            )
    elif "num_thresholds" in fields:
        count, what = values["num_thresholds"], f"num_thresholds {values['num_thresholds']}"
    for name, bounds in (("thresholds_lower", lowers), ("thresholds_upper", uppers)):
        if len(bounds) > 1 and count is None:
            count, what = len(bounds), f"{len(bounds)} thresholds ({name} has {len(bounds)} elements)"
        elif len(bounds) > 1 and len(bounds) != count:
            raise src.error(
                fields[name].value.offset,
                f"{name} has {len(bounds)} elements but the knob has {what}: "
                "give one bound for all thresholds or one per threshold",
            )
    per_threshold = len(lowers) > 1 or len(uppers) > 1
    if per_threshold:
        lowers = lowers * count if len(lowers) == 1 else lowers
        uppers = uppers * count if len(uppers) == 1 else uppers
    for k, (lower, upper) in enumerate(zip(lowers, uppers)):
        if lower > upper:
            where = (
                fields["thresholds_upper"].value if "thresholds_upper" in fields else fields["thresholds_lower"].value
            )
            if not per_threshold:
                raise src.error(where.offset, f"thresholds_upper [{upper}] is below thresholds_lower [{lower}]")
            raise src.error(where.offset, f"threshold {k + 1}'s upper bound {upper} is below its lower bound {lower}")
    lo, hi = min(lowers), max(uppers)
    span = hi - lo + 1
    if count is None:
        decision_count = len(values["decisions"]) if "decisions" in values else len(values["decision_values"])
        count = max(1, min(decision_count - 1, span))
    elif "num_thresholds" in fields and initial is None:
        where = fields["num_thresholds"].value.offset
        if count < 1:
            raise src.error(where, f"num_thresholds must be at least 1, got {count}")
    if count > span:
        where = fields["num_thresholds"].value.offset if "num_thresholds" in fields else raw.kind_offset
        raise src.error(
            where,
            f"num_thresholds {count} does not fit in the threshold range [{lo}, {hi}] "
            f"(at most {span} strictly ascending thresholds)",
        )
    bounds = tuple(zip(lowers, uppers)) if per_threshold else None
    if bounds is not None:
        _check_feasible(src, raw, bounds)
        if len(set(bounds)) == 1:
            bounds = None  # all the same: the hull says it all

    decisions = tuple(values.get("decisions", ()))
    decision_values = values.get("decision_values")
    if decisions:
        where = fields["decisions"].value
        if len(decisions) != count + 1:
            raise src.error(
                where.offset,
                f"decisions has {len(decisions)} elements but thresholds has {count}: "
                f"a tree with {count} thresholds takes {count + 1} decisions",
            )
        if decision_values is None:
            decision_values = tuple(sorted(set(decisions)))
        for item, value in zip(where.value, decisions):
            if value not in decision_values:
                raise src.error(item.offset, f"decision {value} is not one of decision_values {list(decision_values)}")
    if initial is not None:
        for k, (item, value) in enumerate(zip(fields["thresholds"].value.value, initial)):
            lower, upper = (lowers[k], uppers[k]) if per_threshold else (lo, hi)
            if not lower <= value <= upper:
                raise src.error(item.offset, f"threshold {value} is outside its bounds [{lower}, {upper}]")

    state_indices = values.get("state_indices")
    if state_indices is None and "state_function" not in values:
        state_indices = [-1]  # upstream's default: the last parameter
    return KnobSpec(
        values.get("id"),
        values["transform_type"],
        decision_values,
        state_function=values.get("state_function"),
        num_thresholds=count,
        threshold_range=(lo, hi),
        state_indices=tuple(state_indices) if state_indices is not None else None,
        threshold_bounds=bounds,
        initial_thresholds=tuple(initial or ()),
        initial_decisions=decisions,
    )


def _check_feasible(src: Source, raw: Raw, bounds: tuple[tuple[int, int], ...]) -> None:
    """Strictly ascending thresholds must fit the per-threshold bounds."""
    smallest = None
    for k, (lower, upper) in enumerate(bounds):
        smallest = lower if smallest is None else max(lower, smallest + 1)
        if smallest > upper:
            raise src.error(
                raw.kind_offset,
                f"the per-threshold bounds admit no strictly ascending thresholds: threshold {k + 1} "
                f"must be above {smallest - 1} but its upper bound is {upper}",
            )
