"""JAX functions to StableHLO text and the signature every variant must share.

Each function is exported with `jax.export` for the CPU platform, with
concrete shapes taken from the knob's example arguments. The text is
re-printed through IREE's MLIR bindings without debug locations: the
locations name Python files and lines, which would change the text (and so
the IREE cache key) whenever unrelated code moves; re-parsing also checks
that this IREE can read what this JAX wrote.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from typing import Any, Callable, Optional, Sequence

import jax
import numpy as np
from iree.compiler import ir
from jax import export as jax_export

# The entry point of every module jax.export writes.
ENTRY_POINT = "main"


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    """One flattened input or output: a concrete shape and a numpy dtype."""

    shape: tuple[int, ...]
    dtype: np.dtype

    @classmethod
    def from_aval(cls, aval: Any) -> "TensorSpec":
        return cls(tuple(int(d) for d in aval.shape), np.dtype(aval.dtype))

    def __str__(self) -> str:
        return f"{self.dtype.name}[{','.join(map(str, self.shape))}]"


@dataclasses.dataclass(frozen=True)
class Signature:
    """The calling convention of an exported function: pytree structures and flat leaves."""

    in_tree: Any  # jax.tree_util.PyTreeDef of (args, kwargs)
    inputs: tuple[TensorSpec, ...]
    out_tree: Any
    outputs: tuple[TensorSpec, ...]

    def mismatch(self, expected: "Signature") -> Optional[str]:
        """How this signature differs from `expected` (None when it does not)."""
        for what, mine, theirs, my_tree, their_tree in (
            ("input", self.inputs, expected.inputs, self.in_tree, expected.in_tree),
            ("output", self.outputs, expected.outputs, self.out_tree, expected.out_tree),
        ):
            if my_tree != their_tree:
                return f"its {what}s are structured as {my_tree}, the exact kernel's as {their_tree}"
            if len(mine) != len(theirs):  # same tree, so only reachable for defensive completeness
                return f"it has {len(mine)} {what}s, the exact kernel {len(theirs)}"
            for index, (got, want) in enumerate(zip(mine, theirs)):
                if got != want:
                    return f"its {what} {index} is {got}, the exact kernel's is {want}"
        return None


@dataclasses.dataclass(frozen=True)
class ExportedFunction:
    """A JAX function exported to a StableHLO module with entry point @main."""

    name: str  # the Python function's qualified name, for messages and the bundle
    stablehlo: str  # the module's text, without debug locations
    function_type: str  # @main's MLIR function type, e.g. "(tensor<4xf32>) -> tensor<4xf32>"
    signature: Signature


def function_name(fn: Callable) -> str:
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def shape_dtype_structs(example_args: Sequence[Any]) -> tuple[Any, ...]:
    """`example_args` (arrays, scalars or ShapeDtypeStructs, in pytrees) as ShapeDtypeStructs."""

    def spec(leaf: Any) -> jax.ShapeDtypeStruct:
        if isinstance(leaf, jax.ShapeDtypeStruct):
            return leaf
        if not (hasattr(leaf, "shape") and hasattr(leaf, "dtype")):
            leaf = np.asarray(leaf)
        return jax.ShapeDtypeStruct(tuple(leaf.shape), leaf.dtype)

    return tuple(jax.tree_util.tree_map(spec, tuple(example_args)))


# IREE's MLIR context knows the StableHLO dialect. Contexts are not
# thread-safe, so one shared context is used under a lock.
_CONTEXT_LOCK = threading.Lock()


@functools.lru_cache(maxsize=None)
def _iree_context():
    context = ir.Context()
    # Attributes of dialects IREE does not register (e.g. Shardy's `sdy` on
    # some custom calls) pass through: iree-compile decides what it supports.
    context.allow_unregistered_dialects = True
    return context


def _canonical_text(module_text: str) -> tuple[str, str]:
    """(the module without debug locations, @main's function type)."""
    with _CONTEXT_LOCK:
        context = _iree_context()
        module = ir.Module.parse(module_text, context)
        function_type = None
        for op in module.body.operations:
            attributes = op.operation.attributes
            if op.operation.name == "func.func" and ir.StringAttr(attributes["sym_name"]).value == ENTRY_POINT:
                function_type = str(ir.TypeAttr(attributes["function_type"]).value)
        if function_type is None:
            raise ValueError(f"the exported module has no @{ENTRY_POINT}")
        return module.operation.get_asm(enable_debug_info=False), function_type


def export_function(fn: Callable, arg_specs: Sequence[Any]) -> ExportedFunction:
    """Exports `fn` applied to `arg_specs` (ShapeDtypeStructs) for the CPU."""
    # keep_unused: @main must take every argument, since the dispatcher passes
    # all of them (jit would drop the ones the function ignores).
    exported = jax_export.export(jax.jit(fn, keep_unused=True), platforms=("cpu",))(*arg_specs)
    if exported.ordered_effects or exported.unordered_effects:
        raise ValueError("functions with side effects (tokens) are not supported")
    text, function_type = _canonical_text(exported.mlir_module())
    signature = Signature(
        in_tree=exported.in_tree,
        inputs=tuple(TensorSpec.from_aval(a) for a in exported.in_avals),
        out_tree=exported.out_tree,
        outputs=tuple(TensorSpec.from_aval(a) for a in exported.out_avals),
    )
    return ExportedFunction(function_name(fn), text, function_type, signature)
