"""The JAX frontend: approximable JAX kernels as `approx` knobs over IREE artifacts.

Design (the paper's section 4.3 API and Figure 5's artifact):

    Knob(name, kernel, decision_tree=DecisionTree(state_fn, (lo, hi), n),
         decision_values=[0, 1, ...], transform_type="func_substitute",
         variants={1: fast_fn, ...}, example_args=(...))

1. Export (stablehlo.py). The exact kernel and each variant are exported with
   `jax.export` for the CPU at the example arguments' shapes, to StableHLO
   text without debug locations. Every variant must have the kernel's
   signature (pytree structure, shapes, dtypes of inputs and outputs).
2. Selection logic (selector.py). The knob becomes a small module in the
   `approx` dialect: a `memref.global` with the current state, `@<k>_set_state`
   storing it, the state function `@<k>_state` loading it, and
   `@<k>_select`, an `approx.knob` (func_substitute, decision tree on that
   state) around a call to `@<k>_kernel` (returns 0); `@approx_<k>_kernel_<v>`
   returns v. The ordinary approx-opt passes configure and lower it
   (apply-config, then approx-pipeline's decision tree -> scf.index_switch
   and call substitution), so `@<k>_select` returns the decision value of the
   variant to run; the native backend (`build_native`) compiles it for the
   CPU. The tuner sees the knob like any other: `export_knobs` of the
   selector or of the combined module gives its search space.
3. Variants (iree_backend.py). Each StableHLO module is compiled by IREE
   (llvm-cpu, target CPU host) into a .vmfb cached on disk under the sha256
   of (StableHLO, flags, IREE version, host CPU), written atomically.
4. Dispatch (dispatch.py). A call evaluates the Python state function on the
   arguments, checks it (an integer in the threshold range), hands it to the
   selector (`set_state`, `select`) and runs the chosen variant's IREE
   function on the arguments; outputs come back as numpy arrays in the
   kernel's output structure. A configuration from the tuner is applied to
   the selector with `apply_config` before it is built, so it decides which
   variant runs for which state.
5. Inspection (bundle.py). The combined module is the selector with each
   variant's StableHLO attached as string attributes of the function standing
   for its decision value: approx-opt does not register StableHLO, and this
   keeps the module readable by every approx-opt pass (export-knobs,
   apply-config keep the variants). `python -m approxmlir.frontends.jax.bundle
   FILE` prints the variants' StableHLO.

Errors (errors.py) are `KnobError`s naming the knob: a variant whose
signature differs (`SignatureMismatchError`), decision values without a
variant (`MissingVariantError`), a state that is not an integer or is out of
range (`StateError`), an unsupported transform kind (`UnknownTransformError`).
"""

from approxmlir.frontends.jax.bundle import BundledVariant, describe, read_bundle
from approxmlir.frontends.jax.dispatch import CompiledKnob
from approxmlir.frontends.jax.errors import (
    ExportError,
    IreeCompileError,
    KnobArgumentError,
    KnobDefinitionError,
    KnobError,
    MissingVariantError,
    SelectionError,
    SignatureMismatchError,
    StateError,
    UnknownTransformError,
)
from approxmlir.frontends.jax.iree_backend import IreeOptions, VmfbArtifact, compile_vmfb
from approxmlir.frontends.jax.knob import Knob, LoweredKnob, bundle_knobs
from approxmlir.frontends.jax.spec import DecisionTree

__all__ = [
    "BundledVariant",
    "CompiledKnob",
    "DecisionTree",
    "ExportError",
    "IreeCompileError",
    "IreeOptions",
    "Knob",
    "KnobArgumentError",
    "KnobDefinitionError",
    "KnobError",
    "LoweredKnob",
    "MissingVariantError",
    "SelectionError",
    "SignatureMismatchError",
    "StateError",
    "UnknownTransformError",
    "VmfbArtifact",
    "bundle_knobs",
    "compile_vmfb",
    "describe",
    "read_bundle",
]
