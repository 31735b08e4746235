"""The static description of a JAX knob, validated before anything is exported.

`DecisionTree` is the user-facing part of the paper's Python API (section 4.3);
`KnobSpec` is what the selector emitter needs: the knob's name (its id in the
tuner's JSON and the prefix of every symbol it emits), its decision values,
its transform kind and the decision tree's search space.
"""

from __future__ import annotations

import dataclasses
import numbers
import re
from typing import Any, Callable, Optional, Sequence

from approxmlir.frontends.jax.errors import KnobDefinitionError, UnknownTransformError

# The `approx` dialect's transform kinds (ApproxAttrs.td).
DIALECT_TRANSFORMS = ("loop_perforate", "func_substitute", "task_skipping", "ml_surrogate")
# A JAX kernel is approximated by whole variants compiled to separate IREE
# artifacts, and the selector picks one: that is function substitution. The
# other kinds rewrite loops or branches of the selector, which has neither.
SUPPORTED_TRANSFORMS = ("func_substitute",)

# Knob names become MLIR symbols and C symbols (`_mlir_ciface_<name>_select`).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1

StateFunction = Callable[..., Any]


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@dataclasses.dataclass(frozen=True)
class DecisionTree:
    """When to approximate: thresholds on an integer state computed per call.

    `runtime_function` receives the knob's call arguments and returns an
    integer state in `thresholds_range` (inclusive); the tuner picks
    `num_thresholds` ascending thresholds in that range and a decision value
    for each of the `num_thresholds + 1` branches.

    A state the program computes elsewhere (a compound system's retrieval
    confidence, a question's length) is external: build the tree with
    `DecisionTree.external(...)` (`runtime_function` None) and pass the state
    when selecting (`CompiledKnob.select(state=...)`, or the selector's
    `<knob>_set_state` before `<knob>_select` in a native library).
    """

    runtime_function: Optional[StateFunction]
    thresholds_range: Sequence[int] = (0, 100)
    num_thresholds: int = 1

    def __post_init__(self) -> None:
        # The paper writes the range as a list; keep an immutable copy.
        if isinstance(self.thresholds_range, (list, tuple)):
            object.__setattr__(self, "thresholds_range", tuple(self.thresholds_range))

    @classmethod
    def external(cls, thresholds_range: Sequence[int] = (0, 100), num_thresholds: int = 1) -> "DecisionTree":
        """A tree whose state the program sets when it selects (no state function)."""
        return cls(None, thresholds_range, num_thresholds)

    @property
    def has_external_state(self) -> bool:
        return self.runtime_function is None


@dataclasses.dataclass(frozen=True)
class SourceLocation:
    """Where the knob was defined; the knob op carries it, so the tuner's JSON names it."""

    filename: str
    line: int

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}"


@dataclasses.dataclass(frozen=True)
class KnobSpec:
    """A validated knob description (no functions besides the state function)."""

    name: str
    decision_values: tuple[int, ...]
    transform_type: str = "func_substitute"
    decision_tree: Optional[DecisionTree] = None
    location: Optional[SourceLocation] = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise KnobDefinitionError(
                None,
                f"knob name {self.name!r} must be an identifier ([A-Za-z_][A-Za-z0-9_]*): it "
                "becomes the knob id and the prefix of the selector's symbols",
            )
        self._check_transform()
        self._check_decision_values()
        if self.decision_tree is not None:
            self._check_tree(self.decision_tree)

    def _error(self, message: str) -> KnobDefinitionError:
        return KnobDefinitionError(self.name, message)

    def _check_transform(self) -> None:
        kind = self.transform_type
        if kind in SUPPORTED_TRANSFORMS:
            return
        if kind in DIALECT_TRANSFORMS:
            raise UnknownTransformError(
                self.name,
                f"transform_type {kind!r} is an approx transform kind, but the JAX frontend "
                f"supports only {', '.join(SUPPORTED_TRANSFORMS)}: a JAX kernel is approximated by "
                "whole variants (separate IREE artifacts) that the selector substitutes",
            )
        raise UnknownTransformError(
            self.name,
            f"unknown transform_type {kind!r} (transform kinds: {', '.join(DIALECT_TRANSFORMS)}; "
            f"the JAX frontend supports {', '.join(SUPPORTED_TRANSFORMS)})",
        )

    def _check_decision_values(self) -> None:
        values = self.decision_values
        if not values:
            raise self._error("decision_values is empty")
        for value in values:
            if not _is_int(value) or value < 0:
                raise self._error(
                    f"decision value {value!r} is not a non-negative integer "
                    "(0 is the exact kernel, larger values its variants)"
                )
        if len(set(values)) != len(values):
            raise self._error(f"decision_values {list(values)} has duplicates")

    def _check_tree(self, tree: DecisionTree) -> None:
        if tree.runtime_function is not None and not callable(tree.runtime_function):
            raise self._error(f"the decision tree's runtime_function {tree.runtime_function!r} is not callable")
        bounds = tuple(tree.thresholds_range)
        if len(bounds) != 2 or not all(_is_int(b) for b in bounds):
            raise self._error(f"thresholds_range {tree.thresholds_range!r} must be two integers (lo, hi)")
        lo, hi = bounds
        if not _I64_MIN <= lo <= hi <= _I64_MAX:
            raise self._error(f"thresholds_range ({lo}, {hi}) must satisfy lo <= hi within int64")
        if not _is_int(tree.num_thresholds) or tree.num_thresholds < 1:
            raise self._error(f"num_thresholds {tree.num_thresholds!r} must be a positive integer")
        if tree.num_thresholds > hi - lo + 1:
            raise self._error(
                f"{tree.num_thresholds} strictly ascending thresholds do not fit in thresholds_range ({lo}, {hi})"
            )

    @property
    def is_dynamic(self) -> bool:
        return self.decision_tree is not None

    @property
    def has_external_state(self) -> bool:
        """Whether the program passes the state (DecisionTree.external) instead of a state function."""
        return self.decision_tree is not None and self.decision_tree.has_external_state

    @property
    def threshold_range(self) -> Optional[tuple[int, int]]:
        if self.decision_tree is None:
            return None
        lo, hi = self.decision_tree.thresholds_range
        return int(lo), int(hi)

    @property
    def variant_values(self) -> tuple[int, ...]:
        """The decision values that need a variant (all but 0, the exact kernel)."""
        return tuple(v for v in self.decision_values if v != 0)
