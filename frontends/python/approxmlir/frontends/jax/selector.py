"""The selection logic of a JAX knob as MLIR in the `approx` dialect.

For a knob `mm` with decision values [0, 1, 2] and a decision tree:

    memref.global "private" @mm_state_value : memref<i64> = dense<0>
    func.func @mm_set_state(%state: i64)      // stores the call's state
    func.func private @mm_state() -> i64       // the knob's state function: loads it
    func.func private @mm_kernel() -> i64      // returns 0: the exact kernel
    func.func private @approx_mm_kernel_1() -> i64   // returns 1: variant 1
    func.func private @approx_mm_kernel_2() -> i64   // returns 2: variant 2
    func.func @mm_select() -> i64 {
      %v = approx.knob "mm"() : () -> i64 transforms [func_substitute]
          state @mm_state thresholds 1 in [0, 100] decisions [0, 1, 2] {
        %r = func.call @mm_kernel() : () -> i64
        approx.yield %r : i64
      }
      return %v : i64
    }

A configuration's decision tree thus becomes, after `approx-pipeline`, an
`scf.index_switch` on the state whose cases call `@approx_mm_kernel_<v>`:
`@mm_select` returns the decision value of the variant to run. The knob op
carries the Python location where the knob was defined, so the tuner's knob
JSON names it. A static knob (no decision tree) has no state global and no
state function.

With `variants`, each placeholder function also carries the variant it
stands for: `approx.jax.knob` and `approx.jax.decision_value` (which
knob and value), `approx.jax.function` (the Python name), `approx.jax.signature`
(@main's function type) and `approx.jax.stablehlo` (the StableHLO module
text). approx-opt does not register StableHLO, so the modules travel as
string attributes; every approx-opt pass (export-knobs, apply-config, the
pipeline) keeps them.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping, Optional, Sequence

from approxmlir.frontends.jax.spec import KnobSpec
from approxmlir.frontends.jax.stablehlo import ExportedFunction

# Attribute names of the combined module (see bundle.py, which reads them).
ATTR_KNOB = "approx.jax.knob"
ATTR_DECISION_VALUE = "approx.jax.decision_value"
ATTR_FUNCTION = "approx.jax.function"
ATTR_SIGNATURE = "approx.jax.signature"
ATTR_STABLEHLO = "approx.jax.stablehlo"


@dataclasses.dataclass(frozen=True)
class SelectorSymbols:
    """The symbols emitted for knob `knob`; all are prefixed by its name."""

    knob: str

    @property
    def state_global(self) -> str:
        return f"{self.knob}_state_value"

    @property
    def set_state(self) -> str:
        return f"{self.knob}_set_state"

    @property
    def state(self) -> str:
        return f"{self.knob}_state"

    @property
    def select(self) -> str:
        return f"{self.knob}_select"

    @property
    def kernel(self) -> str:
        return f"{self.knob}_kernel"

    def placeholder(self, value: int) -> str:
        """The function standing for decision value `value` (func_substitute's naming)."""
        return self.kernel if value == 0 else f"approx_{self.kernel}_{value}"


def mlir_string(text: str) -> str:
    """`text` as an MLIR string literal: bytes outside printable ASCII, `"` and `\\` as `\\XX`."""
    out = ['"']
    for byte in text.encode("utf-8"):
        if byte in (0x22, 0x5C) or not 0x20 <= byte < 0x7F:
            out.append(f"\\{byte:02X}")
        else:
            out.append(chr(byte))
    out.append('"')
    return "".join(out)


def _int_list(values: Sequence[int]) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


def _knob_attributes(spec: KnobSpec, symbols: SelectorSymbols) -> str:
    """The custom syntax after the knob's type, as in compiler/README.md."""
    parts = [f"transforms [{spec.transform_type}]"]
    if spec.decision_tree is not None:
        lo, hi = spec.threshold_range
        parts.append(f"state @{symbols.state} thresholds {spec.decision_tree.num_thresholds} in [{lo}, {hi}]")
    parts.append(f"decisions {_int_list(spec.decision_values)}")
    return " ".join(parts)


def _placeholder(symbols: SelectorSymbols, value: int, variant: Optional[ExportedFunction]) -> list[str]:
    attributes = ""
    if variant is not None:
        attributes = (
            f" attributes {{{ATTR_KNOB} = {mlir_string(symbols.knob)}, {ATTR_DECISION_VALUE} = {value} : i64, "
            f"{ATTR_FUNCTION} = {mlir_string(variant.name)}, "
            f"{ATTR_SIGNATURE} = {variant.function_type}, {ATTR_STABLEHLO} = {mlir_string(variant.stablehlo)}}}"
        )
    return [
        f"  func.func private @{symbols.placeholder(value)}() -> i64{attributes} {{",
        f"    %value = arith.constant {value} : i64",
        "    return %value : i64",
        "  }",
    ]


def selector_ops(spec: KnobSpec, variants: Optional[Mapping[int, ExportedFunction]] = None) -> list[str]:
    """The top-level ops of one knob's selector (lines, indented for a module body).

    `variants`, when given, maps every decision value (0: the exact kernel)
    to its exported function, attached to the placeholder functions.
    """
    symbols = SelectorSymbols(spec.name)
    lines = [f"  // Knob {spec.name!r}: @{symbols.select} returns the decision value of the variant to run."]
    if spec.decision_tree is not None:
        lines += [
            f'  memref.global "private" @{symbols.state_global} : memref<i64> = dense<0>',
            f"  func.func @{symbols.set_state}(%state: i64) {{",
            f"    %slot = memref.get_global @{symbols.state_global} : memref<i64>",
            "    memref.store %state, %slot[] : memref<i64>",
            "    return",
            "  }",
            f"  func.func private @{symbols.state}() -> i64 {{",
            f"    %slot = memref.get_global @{symbols.state_global} : memref<i64>",
            "    %state = memref.load %slot[] : memref<i64>",
            "    return %state : i64",
            "  }",
        ]
    for value in (0, *spec.variant_values):
        lines += _placeholder(symbols, value, variants[value] if variants is not None else None)
    location = ""
    if spec.location is not None:
        location = f" loc({mlir_string(spec.location.filename)}:{spec.location.line}:1)"
    lines += [
        f"  func.func @{symbols.select}() -> i64 {{",
        f'    %value = approx.knob "{spec.name}"() : () -> i64 {_knob_attributes(spec, symbols)} {{',
        f"      %exact = func.call @{symbols.kernel}() : () -> i64",
        "      approx.yield %exact : i64",
        f"    }}{location}",
        "    return %value : i64",
        "  }",
    ]
    return lines


def module_text(ops: Sequence[str], header: Sequence[str] = ()) -> str:
    """A module holding `ops`, preceded by `header` comment lines."""
    return "\n".join([*(f"// {line}" for line in header), "module {", *ops, "}", ""])


def selector_module(spec: KnobSpec) -> str:
    """The knob's selector alone: what the native backend compiles."""
    return module_text(selector_ops(spec))
