"""The search space of a program's knobs, and decoding points of it into configurations.

Each knob contributes parameters: its transform kind (when it allows several),
and either one static decision value or, in the dynamic mode for knobs with a
state function, a decision tree: `num_thresholds` thresholds and one decision
per branch. Thresholds are parameterized by numbers in [0, 1] that decode to a
strictly ascending sequence inside the knob's range, so every point of the
space is a valid configuration (no rejection after the fact).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any, Mapping, Optional, Sequence, Union

from approxmlir.compiler import KnobParams, KnobSpace

STATIC = "static"
DYNAMIC = "dynamic"

Configuration = dict[str, KnobParams]


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One dimension: a choice among `choices`, or a number in [0, 1] (`unit`)."""

    name: str
    choices: tuple[Any, ...] = ()

    @property
    def is_unit(self) -> bool:
        return not self.choices


def config_key(config: Mapping[str, KnobParams]) -> str:
    """A canonical text for a configuration: equal configurations, equal keys."""
    return json.dumps({k: config[k].to_json() for k in sorted(config)}, sort_keys=True, separators=(",", ":"))


def config_from_json(data: Union[str, Mapping[str, Any]]) -> Configuration:
    entries = json.loads(data) if isinstance(data, str) else data
    return {k: KnobParams.from_json(v) for k, v in entries.items()}


def decode_thresholds(
    units: Sequence[float], lo: int, hi: int, bounds: Optional[Sequence[tuple[int, int]]] = None
) -> tuple[int, ...]:
    """Strictly ascending thresholds in [lo, hi] from numbers in [0, 1].

    Threshold i is placed between the previous one + 1 and the highest value
    that still leaves room for the thresholds after it; with per-threshold
    `bounds`, also within its own [lo_i, hi_i] (approx-opt's verifier
    guarantees that some ascending choice exists).
    """
    count = len(units)
    bounds = list(bounds) if bounds is not None else [(lo, hi)] * count
    # The highest value threshold i may take and still leave room above it.
    ceilings = [0] * count
    for i in reversed(range(count)):
        ceilings[i] = min(bounds[i][1], hi, ceilings[i + 1] - 1 if i + 1 < count else hi)
    thresholds = []
    previous = lo - 1
    for i, unit in enumerate(units):
        low = max(previous + 1, bounds[i][0])
        high = max(low, ceilings[i])
        value = low + round(min(max(unit, 0.0), 1.0) * (high - low))
        thresholds.append(value)
        previous = value
    return tuple(thresholds)


class SearchSpace:
    def __init__(self, knobs: Sequence[KnobSpace], mode: str = DYNAMIC):
        if mode not in (STATIC, DYNAMIC):
            raise ValueError(f"search space mode must be '{STATIC}' or '{DYNAMIC}', got {mode!r}")
        if not knobs:
            raise ValueError("the program has no approx.knob to tune")
        self.knobs = list(knobs)
        self.mode = mode

    def dynamic(self, knob: KnobSpace) -> bool:
        return self.mode == DYNAMIC and knob.is_dynamic

    def parameters(self) -> list[Parameter]:
        params: list[Parameter] = []
        for knob in self.knobs:
            if len(knob.transform_types) > 1:
                params.append(Parameter(f"{knob.id}.transform", tuple(knob.transform_types)))
            params.append(Parameter(f"{knob.id}.decision", tuple(knob.decision_values)))
            if self.dynamic(knob):
                params.append(Parameter(f"{knob.id}.dynamic", (False, True)))
                params.extend(Parameter(f"{knob.id}.threshold{i}") for i in range(knob.num_thresholds))
                params.extend(
                    Parameter(f"{knob.id}.branch{i}", tuple(knob.decision_values))
                    for i in range(knob.num_thresholds + 1)
                )
        return params

    def decode(self, values: Mapping[str, Any]) -> Configuration:
        """The configuration a point of the space stands for."""
        config: Configuration = {}
        for knob in self.knobs:
            transform = values.get(f"{knob.id}.transform", knob.transform_types[0])
            if self.dynamic(knob) and values[f"{knob.id}.dynamic"]:
                lo, hi = knob.threshold_range
                thresholds = decode_thresholds(
                    [values[f"{knob.id}.threshold{i}"] for i in range(knob.num_thresholds)],
                    lo,
                    hi,
                    knob.threshold_bounds,
                )
                decisions = tuple(values[f"{knob.id}.branch{i}"] for i in range(knob.num_thresholds + 1))
                if len(set(decisions)) == 1:
                    # Every branch picks the same value: the static configuration, under its own key.
                    config[knob.id] = KnobParams(transform, decisions[:1])
                else:
                    config[knob.id] = KnobParams(transform, decisions, thresholds)
            else:
                config[knob.id] = KnobParams(transform, (values[f"{knob.id}.decision"],))
        return config

    def exact(self) -> Configuration:
        """Every knob at value 0 (exact); knobs that do not allow 0 stay as the source has them."""
        return {knob.id: KnobParams(knob.transform_types[0], (0,)) for knob in self.knobs if 0 in knob.decision_values}

    def size(self) -> float:
        """The number of distinct configurations (inf when thresholds are searched)."""
        total = 1.0
        for knob in self.knobs:
            static = len(knob.transform_types) * len(knob.decision_values)
            if self.dynamic(knob):
                return float("inf")
            total *= static
        return total

    def fingerprint(self) -> str:
        """Identifies the space, so that a results database is reused only for it."""
        knobs = [dataclasses.asdict(k) | {"location": None} for k in self.knobs]
        for knob in knobs:  # spaces without per-threshold bounds keep the fingerprints they had
            if knob["threshold_bounds"] is None:
                del knob["threshold_bounds"]
        data = json.dumps(knobs + [self.mode], sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()[:16]
