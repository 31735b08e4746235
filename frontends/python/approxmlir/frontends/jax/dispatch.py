"""Running a compiled knob: state on the host, selection on the CPU, the variant on IREE.

Per call (Figure 5 of the paper):
1. the Python state function computes an integer state from the arguments
   (checked: an integer inside the knob's threshold range);
2. the native selector library stores it (`<knob>_set_state`) and returns
   the decision value of the variant to run (`<knob>_select`, the lowered
   decision tree);
3. the arguments are checked against the exported signature and the
   chosen variant's IREE function runs; its outputs come back as numpy
   arrays in the kernel's output structure.

The two selector calls go through raw ctypes prototypes (checked once
against the selector's signature JSON) rather than `NativeFunction`'s
per-call argument validation: they take only an int64 that was checked in
step 1, and this path is the dispatch overhead every call pays.
"""

from __future__ import annotations

import ctypes
import dataclasses
import numbers
import threading
from typing import Any, Callable, Mapping, Optional

import jax
import numpy as np

from approxmlir import runtime
from approxmlir.compiler import KnobParams
from approxmlir.frontends.jax.errors import KnobArgumentError, KnobError, SelectionError, StateError
from approxmlir.frontends.jax.iree_backend import IreeFunction
from approxmlir.frontends.jax.selector import SelectorSymbols
from approxmlir.frontends.jax.spec import KnobSpec
from approxmlir.frontends.jax.stablehlo import Signature, TensorSpec, function_name

_PYTHON_SCALARS = (bool, int, float, complex)
# Arguments that are pytree leaves for certain: a call made only of these
# skips jax's tree flattening (a few microseconds) when the kernel takes
# plain positional arrays.
_LEAF_TYPES = (np.ndarray, np.generic, jax.Array, *_PYTHON_SCALARS)


def _bind(library: runtime.NativeLibrary, name: str, argtypes: list, restype: Any) -> Callable:
    """The C-interface function `name` of `library` with a fixed prototype."""
    signature = library[name].signature
    arguments = [str(a) for a in signature.arguments]
    expected = ["i64"] * len(argtypes)
    result = str(signature.result) if signature.result else None
    if arguments != expected or result != ("i64" if restype is ctypes.c_int64 else None):
        raise RuntimeError(f"selector function {signature} does not have the emitted signature")
    function = library.handle[signature.symbol]
    function.argtypes = argtypes
    function.restype = restype
    return function


def state_value(spec: KnobSpec, state_function: Optional[Callable], raw: Any) -> int:
    """`raw` (what `state_function` returned, or the state the program passed when
    it is None) as an int inside the threshold range, or StateError."""
    source = (
        "the state passed to select"
        if state_function is None
        else (f"state function {function_name(state_function)} returned")
    )
    if isinstance(raw, (bool, np.bool_)):
        value = None
    elif isinstance(raw, numbers.Integral):
        value = int(raw)
    elif getattr(raw, "shape", None) == () and np.issubdtype(getattr(raw, "dtype", np.float64), np.integer):
        value = int(raw)  # a 0-d integer array (numpy or jax)
    else:
        value = None
    if value is None:
        raise StateError(
            spec.name,
            f"{source} {raw!r} of type "
            f"{type(raw).__name__}, not an integer (scale a floating-point state to an integer range, "
            "e.g. round(score * 100))",
        )
    lo, hi = spec.threshold_range
    if not lo <= value <= hi:
        raise StateError(spec.name, f"{source} {value}, outside the thresholds_range [{lo}, {hi}]")
    return value


@dataclasses.dataclass(frozen=True)
class _InputCheck:
    """Converts one flat argument to the numpy array IREE receives, or raises."""

    index: int
    spec: TensorSpec

    def __call__(self, knob: str, leaf: Any) -> np.ndarray:
        if isinstance(leaf, np.ndarray):
            array = leaf
        elif isinstance(leaf, _PYTHON_SCALARS):
            # Python scalars are weakly typed in JAX: they take the kernel's dtype.
            array = np.asarray(leaf, dtype=self.spec.dtype)
        else:
            array = np.asarray(leaf)  # jax.Array (no copy on the CPU), numpy scalars
        if array.dtype != self.spec.dtype or array.shape != self.spec.shape:
            got = TensorSpec(tuple(array.shape), array.dtype)
            raise KnobArgumentError(knob, f"argument leaf {self.index} is {got}, the kernel takes {self.spec}")
        return array


class CompiledKnob:
    """A knob built for one configuration: call it like the exact kernel."""

    def __init__(
        self,
        spec: KnobSpec,
        signature: Signature,
        selector: runtime.NativeLibrary,
        configured_mlir: str,
        params: Optional[KnobParams],
        variants: Mapping[int, IreeFunction],
    ):
        self.spec = spec
        self.signature = signature
        self.selector = selector
        # The selector module after apply_config, as built: for inspection.
        self.configured_mlir = configured_mlir
        self.params = params
        self.variants = dict(variants)
        symbols = SelectorSymbols(spec.name)
        self._select = _bind(selector, symbols.select, [], ctypes.c_int64)
        self._set_state = None
        self._state_function = None
        if spec.decision_tree is not None:
            self._set_state = _bind(selector, symbols.set_state, [ctypes.c_int64], None)
            self._state_function = spec.decision_tree.runtime_function
            self._lo, self._hi = spec.threshold_range
        # set_state and select share the selector's global: one caller at a time.
        self._lock = threading.Lock()
        self._inputs = tuple(_InputCheck(i, s) for i, s in enumerate(signature.inputs))
        arity = len(signature.inputs)
        self._positional_arity = (
            arity if signature.in_tree == jax.tree_util.tree_structure(((0,) * arity, {})) else None
        )
        self._single_output = signature.out_tree == jax.tree_util.tree_structure(0)

    @property
    def name(self) -> str:
        return self.spec.name

    def state(self, *args: Any) -> int:
        """The state function's checked value for these arguments."""
        if self._set_state is None:
            raise KnobError(self.name, "the knob is static (no decision tree): it has no state")
        if self._state_function is None:
            raise KnobError(
                self.name,
                "the knob's state is external (DecisionTree.external): the program passes it, as select(state=...)",
            )
        raw = self._state_function(*args)
        if type(raw) is int and self._lo <= raw <= self._hi:  # the common case, without state_value's checks
            return raw
        return state_value(self.spec, self._state_function, raw)

    def select(self, *args: Any, state: Optional[int] = None) -> int:
        """The decision value the compiled selector picks for these arguments.

        `state` is the knob's state when the program computes it
        (DecisionTree.external); a knob with a state function computes it
        from `args` and takes no `state`.
        """
        if self._set_state is None:
            if state is not None:
                raise KnobError(self.name, "the knob is static (no decision tree): it takes no state")
            return self._select()
        if state is None:
            state = self.state(*args)
        elif self._state_function is not None:
            raise KnobError(
                self.name,
                "the knob computes its state with its runtime_function; "
                "pass state= only to a knob with DecisionTree.external",
            )
        else:
            state = state_value(self.spec, None, state)
        with self._lock:
            self._set_state(state)
            return self._select()

    def flat_inputs(self, args: tuple) -> list[np.ndarray]:
        """`args` flattened and checked against the kernel's signature."""
        if len(args) == self._positional_arity and all(isinstance(a, _LEAF_TYPES) for a in args):
            return [check(self.name, leaf) for check, leaf in zip(self._inputs, args)]
        leaves, tree = jax.tree_util.tree_flatten((args, {}))
        if tree != self.signature.in_tree:
            raise KnobArgumentError(
                self.name, f"arguments are structured as {tree}, the kernel takes {self.signature.in_tree}"
            )
        return [check(self.name, leaf) for check, leaf in zip(self._inputs, leaves)]

    def run(self, value: int, *args: Any) -> Any:
        """Runs the variant of decision `value` (0: exact) on `args`, bypassing the selector."""
        function = self.variants.get(value)
        if function is None:
            raise SelectionError(
                self.name, f"decision value {value} has no compiled variant (compiled: {sorted(self.variants)})"
            )
        outputs = function(*self.flat_inputs(args))
        if self._single_output:
            return outputs[0]
        return jax.tree_util.tree_unflatten(self.signature.out_tree, outputs)

    def __call__(self, *args: Any) -> Any:
        return self.run(self.select(*args), *args)

    def __repr__(self) -> str:
        params = self.params.to_json() if self.params else "exact"
        return f"CompiledKnob({self.name!r}, params={params}, variants={sorted(self.variants)})"
