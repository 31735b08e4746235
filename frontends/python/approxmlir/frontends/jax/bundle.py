"""The combined module: every knob's selector and variants in one MLIR module.

Layout (see selector.py): the selector ops of each knob, where the function
standing for decision value v of knob k carries that variant's StableHLO
module, its Python name and its signature as `approx.jax.*` attributes.
It is plain `approx` + upstream MLIR, so everything that reads approx
modules reads it unchanged: `approxmlir.compiler.export_knobs` gives the
tuner its search space, `apply_config` configures it (keeping the variants),
and `read_bundle` recovers the variants from it or from a configured copy.

Reading a bundle: `python -m approxmlir.frontends.jax.bundle bundle.mlir`
prints each knob's search space and its variants' StableHLO unescaped.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import pathlib
import sys
from typing import Mapping, Optional, Sequence

from iree.compiler import ir

from approxmlir.compiler import export_knobs, run_approx_opt
from approxmlir.frontends.jax.errors import KnobDefinitionError
from approxmlir.frontends.jax.selector import (
    ATTR_DECISION_VALUE,
    ATTR_FUNCTION,
    ATTR_KNOB,
    ATTR_SIGNATURE,
    ATTR_STABLEHLO,
    module_text,
    selector_ops,
)
from approxmlir.frontends.jax.spec import KnobSpec
from approxmlir.frontends.jax.stablehlo import ExportedFunction

_LOG = logging.getLogger(__name__)

_HEADER = (
    "ApproxMLIR JAX knobs (approxmlir.frontends.jax). @<knob>_select returns the decision",
    "value of the variant to run (0: the exact kernel); the function standing for each value",
    "carries that variant's StableHLO in its approx.jax.stablehlo attribute (IREE compiles it).",
    "Read the variants with `python -m approxmlir.frontends.jax.bundle FILE`.",
)


@dataclasses.dataclass(frozen=True)
class BundledVariant:
    """One variant as stored in a combined module."""

    knob: str
    decision_value: int
    function: str
    signature: str
    stablehlo: str


def combined_module(knobs: Sequence[tuple[KnobSpec, Mapping[int, ExportedFunction]]]) -> str:
    """One module with the selectors and variants of `knobs` (names must be unique)."""
    seen: set[str] = set()
    ops: list[str] = []
    for spec, variants in knobs:
        if spec.name in seen:
            raise KnobDefinitionError(spec.name, "two knobs of one bundle have this name")
        seen.add(spec.name)
        ops += selector_ops(spec, variants)
    return module_text(ops, header=_HEADER)


def read_bundle(mlir: str) -> dict[str, dict[int, BundledVariant]]:
    """The variants of a combined module, by knob name and decision value.

    IREE's MLIR bindings, which do not know the approx dialect, parse the
    module after approx-opt has lowered it to upstream dialects (the
    pipeline keeps the placeholder functions and their attributes); the
    attributes are read from the parsed ops, never from the text.
    """
    upstream = run_approx_opt(mlir, ["--approx-pipeline"])
    module = ir.Module.parse(upstream, ir.Context())
    knobs: dict[str, dict[int, BundledVariant]] = {}
    for op in module.body.operations:
        attributes = op.operation.attributes
        if op.operation.name != "func.func" or ATTR_STABLEHLO not in attributes:
            continue
        variant = BundledVariant(
            knob=ir.StringAttr(attributes[ATTR_KNOB]).value,
            decision_value=ir.IntegerAttr(attributes[ATTR_DECISION_VALUE]).value,
            function=ir.StringAttr(attributes[ATTR_FUNCTION]).value,
            signature=str(ir.TypeAttr(attributes[ATTR_SIGNATURE]).value),
            stablehlo=ir.StringAttr(attributes[ATTR_STABLEHLO]).value,
        )
        knobs.setdefault(variant.knob, {})[variant.decision_value] = variant
    return knobs


def describe(mlir: str, knob: Optional[str] = None) -> str:
    """A readable listing of a combined module: search spaces, then each variant's StableHLO."""
    spaces = {space.id: space for space in export_knobs(mlir)}
    lines = []
    for name, variants in sorted(read_bundle(mlir).items()):
        if knob is not None and name != knob:
            continue
        space = spaces.get(name)
        lines.append(f"// ===== knob {name!r}")
        if space is not None:
            lines.append(
                f"// decision values {list(space.decision_values)}, state {space.state_function}, "
                f"{space.num_thresholds} threshold(s) in {space.threshold_range}, "
                f"params {space.params.to_json() if space.params else None}, at {space.location}"
            )
        for value, variant in sorted(variants.items()):
            lines.append(f"// ----- decision value {value}: {variant.function} {variant.signature}")
            lines.append(variant.stablehlo.rstrip("\n"))
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=pathlib.Path, help="a combined module (.mlir)")
    parser.add_argument("--knob", help="show this knob only")
    args = parser.parse_args(argv)
    sys.stdout.write(describe(args.bundle.read_text(), args.knob))
    return 0


if __name__ == "__main__":
    sys.exit(main())
