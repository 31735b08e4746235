"""The tuner's view of a program: the knobs' search space, and configuring them.

Both directions go through approx-opt's passes (`approx-export-knobs`,
`approx-apply-config`); MLIR text is never edited here.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import tempfile
from typing import Any, Mapping, Optional, Union

from approxmlir.compiler.approx_opt import MlirInput, run_approx_opt


@dataclasses.dataclass(frozen=True)
class KnobParams:
    """One knob's configuration: static when `thresholds` is empty."""

    transform: str
    decisions: tuple[int, ...]
    thresholds: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "transform": self.transform,
            "thresholds": list(self.thresholds),
            "decisions": list(self.decisions),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "KnobParams":
        return cls(
            transform=data["transform"],
            decisions=tuple(data["decisions"]),
            thresholds=tuple(data.get("thresholds", ())),
        )


@dataclasses.dataclass(frozen=True)
class KnobSpace:
    """The search space of one `approx.knob`, as approx-export-knobs reports it."""

    id: str
    function: Optional[str]
    location: str
    transform_types: tuple[str, ...]
    decision_values: tuple[int, ...]
    state_function: Optional[str] = None
    num_thresholds: int = 0
    threshold_range: Optional[tuple[int, int]] = None
    params: Optional[KnobParams] = None
    # Per-threshold inclusive bounds inside threshold_range, when the source
    # gives them (upstream ApproxMLIR's thresholds_lower/thresholds_upper).
    threshold_bounds: Optional[tuple[tuple[int, int], ...]] = None

    @property
    def is_dynamic(self) -> bool:
        """True when the knob can be configured as a run-time decision tree."""
        return self.state_function is not None and self.num_thresholds > 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "KnobSpace":
        threshold_range = data.get("threshold_range")
        bounds = data.get("threshold_bounds")
        params = data.get("params")
        return cls(
            id=data["id"],
            function=data.get("function"),
            location=data["location"],
            transform_types=tuple(data["transform_types"]),
            decision_values=tuple(data["decision_values"]),
            state_function=data.get("state_function"),
            num_thresholds=data.get("num_thresholds", 0),
            threshold_range=tuple(threshold_range) if threshold_range else None,
            params=KnobParams.from_json(params) if params else None,
            threshold_bounds=tuple((int(lo), int(hi)) for lo, hi in bounds) if bounds else None,
        )


ConfigEntry = Union[KnobParams, Mapping[str, Any]]


def config_entries(config: Mapping[str, ConfigEntry]) -> dict[str, dict[str, Any]]:
    """`config` as the JSON objects approx-apply-config reads, by knob id."""
    return {
        knob_id: entry.to_json() if isinstance(entry, KnobParams) else dict(entry) for knob_id, entry in config.items()
    }


def export_knobs(mlir: MlirInput, **kwargs) -> list[KnobSpace]:
    """Returns the search space of every knob in `mlir`, in program order."""
    with tempfile.TemporaryDirectory(prefix="approxmlir-") as tmp:
        output = pathlib.Path(tmp) / "knobs.json"
        run_approx_opt(mlir, [f"--approx-export-knobs=output={output}", "-o", "/dev/null"], **kwargs)
        document = json.loads(output.read_text())
    return [KnobSpace.from_json(knob) for knob in document["knobs"]]


def apply_config(mlir: MlirInput, config: Mapping[str, ConfigEntry], **kwargs) -> str:
    """Returns `mlir` with the knobs named in `config` set to those params.

    `config` maps knob ids to KnobParams or to the equivalent JSON objects. The
    whole configuration is validated by approx-opt first; any error (unknown
    id, value outside a knob's space) raises CompilerError and nothing applies.
    """
    entries = config_entries(config)
    with tempfile.TemporaryDirectory(prefix="approxmlir-") as tmp:
        path = pathlib.Path(tmp) / "config.json"
        path.write_text(json.dumps({"knobs": entries}, indent=2))
        return run_approx_opt(mlir, [f"--approx-apply-config=config={path}"], **kwargs)
