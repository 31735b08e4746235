"""Exceptions of the JAX frontend; each names the knob it concerns.

They subclass the built-in exception a caller would catch without knowing
this package (`ValueError` for bad values, `TypeError` for mismatched types),
and `KnobError`, which a caller catches to handle every frontend error.
"""

from __future__ import annotations

from typing import Optional

from approxmlir.errors import ApproxError


class KnobError(ApproxError):
    """An error about one knob; `knob` is its name (None before it has one)."""

    def __init__(self, knob: Optional[str], message: str):
        self.knob = knob
        super().__init__(f"knob {knob!r}: {message}" if knob is not None else message)


class KnobDefinitionError(KnobError, ValueError):
    """The knob's static description is invalid (name, ranges, decision values)."""


class UnknownTransformError(KnobError, ValueError):
    """`transform_type` is not a transform kind the JAX frontend can lower."""


class MissingVariantError(KnobError, ValueError):
    """A decision value has no variant, or a variant has no decision value."""


class SignatureMismatchError(KnobError, TypeError):
    """A variant's inputs or outputs differ from the exact kernel's."""


class StateError(KnobError, ValueError):
    """The state function returned a non-integer or a value outside the threshold range."""


class KnobArgumentError(KnobError, TypeError):
    """A call's arguments do not match the kernel's exported signature."""


class ExportError(KnobError, RuntimeError):
    """jax.export could not trace or lower the kernel or one of its variants."""


class IreeCompileError(KnobError, RuntimeError):
    """IREE could not compile one variant's StableHLO; carries the compiler's output."""


class SelectionError(KnobError, RuntimeError):
    """The compiled selector returned a decision value that has no artifact."""
