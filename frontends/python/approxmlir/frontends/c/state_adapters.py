"""State functions for upstream ApproxMLIR's `state_indices` (and its default
identity state).

`approx.knob` calls its state function with no operands or with all of the
knob's operands (compiler/README.md); a function-level knob's operands are
the function's parameters. An annotation whose state function takes some of
them (`state_indices: [0]`, negative indices counting from the end, default
the last parameter), or that gives no state function at all (the state is
the selected integer parameter itself), gets a private adapter
`__approx_state_<knob>` that takes all the parameters and returns the state:

    func.func private @__approx_state_sum(%a0: i32, %a1: memref<...>) -> i32 {
      %r = func.call @level(%a0) : (i32) -> i32
      func.return %r : i32
    }

The knob names the adapter as its state function; nothing new in the IR.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from approxmlir.frontends.c import c_types
from approxmlir.frontends.c.annotations import Annotation, KnobSpec
from approxmlir.frontends.c.c_types import Scalar
from approxmlir.frontends.c.errors import FrontendError

if TYPE_CHECKING:
    from approxmlir.frontends.c.scope import FunctionScope

ADAPTER_PREFIX = "__approx_state_"


def _is_integer(ctype) -> bool:
    return isinstance(ctype, Scalar) and not ctype.is_float and not ctype.is_bool


def state_adapter(
    fn: "FunctionScope", spec: KnobSpec, knob_id: str, annotation: Annotation
) -> tuple[KnobSpec, list[str]]:
    """The spec naming the adapter as its state function, and the adapter's lines."""

    def error(field: str, message: str) -> FrontendError:
        return FrontendError(annotation.fields.get(field, annotation.location), f"annotation: {message}")

    params = fn.params()
    types = fn.signature.params
    name = fn.function_name
    picked = []
    for k, index in enumerate(spec.state_indices):
        resolved = index + len(params) if index < 0 else index
        if not 0 <= resolved < len(params):
            count = len(params)
            valid = f"0 .. {count - 1} or -{count} .. -1" if count else "none"
            raise error(
                f"state_indices[{k}]",
                f"state_indices element {index} is out of range: '{name}' has {count} parameters (valid: {valid})",
            )
        picked.append(resolved)

    adapter = ADAPTER_PREFIX + knob_id
    # The adapter takes the knob's operands, the function's MLIR arguments:
    # `this`'s leaves, then each parameter's (a struct has several).
    flat = fn.signature.param_types
    start = len(flat) - sum(len(c_types.mlir_types(t)) for t in types)
    operands_of = []  # C parameter i -> its MLIR arguments
    for t in types:
        count = len(c_types.mlir_types(t))
        operands_of.append([f"%a{j}" for j in range(start, start + count)])
        start += count
    args = ", ".join(f"%a{j}: {t}" for j, t in enumerate(flat))
    if spec.state_function is None:
        if len(picked) != 1:
            raise error(
                "state_indices",
                f"without a state_function the state is one parameter itself: state_indices must have one "
                f"element, got {len(picked)}",
            )
        (i,) = picked
        if not _is_integer(types[i]):
            raise error(
                "state_indices[0]",
                f"the default state is parameter '{params[i].spelling}' itself, which must be an integer, "
                f"got '{params[i].type.spelling}' (give a state_function)",
            )
        result = types[i].mlir
        body = [f"  func.return {operands_of[i][0]} : {result}"]
    else:
        state = fn.module.find_function(spec.state_function)
        signature = fn.module.declare_function(state, state)
        state_params = list(state.type.argument_types())
        if len(signature.params) != len(picked):
            raise error(
                "state_indices",
                f"state function '{spec.state_function}' takes {len(signature.params)} parameters but "
                f"state_indices selects {len(picked)}",
            )
        for k, (i, ctype) in enumerate(zip(picked, signature.params)):
            if c_types.mlir_types(ctype) != c_types.mlir_types(types[i]):
                raise error(
                    f"state_indices[{k}]",
                    f"state_indices element {spec.state_indices[k]} selects parameter '{params[i].spelling}' "
                    f"of type '{params[i].type.spelling}', but parameter {k + 1} of state function "
                    f"'{spec.state_function}' has type '{state_params[k].spelling}'",
                )
        if not _is_integer(signature.result):
            raise error(
                "state_function",
                f"state function '{spec.state_function}' must return an integer, got '{state.result_type.spelling}'",
            )
        result = signature.result.mlir
        operands = ", ".join(name for i in picked for name in operands_of[i])
        operand_types = ", ".join(t for i in picked for t in c_types.mlir_types(types[i]))
        body = [
            f"  %r = func.call @{spec.state_function}({operands}) : ({operand_types}) -> {result}",
            f"  func.return %r : {result}",
        ]
    lines = [f"func.func private @{adapter}({args}) -> {result} {{", *body, "}"]
    return dataclasses.replace(spec, state_function=adapter, state_indices=None), lines
