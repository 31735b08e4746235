"""`Knob`: a JAX kernel, its approximate variants and when to use which.

knob = Knob("mm", kernel=matmul,
            decision_tree=DecisionTree(runtime_function=score_state, thresholds_range=(0, 100)),
            decision_values=[0, 1], transform_type="func_substitute",
            variants={1: low_rank_matmul}, example_args=(a, b))
lowered = knob.lower()          # StableHLO per variant, the selector, the combined module
compiled = knob.compile(config) # selector library + IREE artifacts for a tuner configuration
compiled(a, b)                  # state -> select -> run the chosen variant
knob.configure(config); knob(a, b)   # the same through the knob (built on first call)
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import os
import threading
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from approxmlir import compiler
from approxmlir.compiler import KnobParams
from approxmlir.frontends.jax.bundle import combined_module
from approxmlir.frontends.jax.dispatch import CompiledKnob
from approxmlir.frontends.jax.errors import (
    ExportError,
    IreeCompileError,
    KnobDefinitionError,
    MissingVariantError,
    SignatureMismatchError,
)
from approxmlir.frontends.jax.iree_backend import IreeCompilerError, IreeOptions, compile_vmfb, load_function
from approxmlir.frontends.jax.selector import selector_module
from approxmlir.frontends.jax.spec import DecisionTree, KnobSpec, SourceLocation
from approxmlir.frontends.jax.stablehlo import (
    ExportedFunction,
    Signature,
    export_function,
    function_name,
    shape_dtype_structs,
)

_LOG = logging.getLogger(__name__)

PathLike = Union[str, os.PathLike]
# The tuner's configuration: knob id -> params (KnobParams or its JSON object).
Config = Mapping[str, Union[KnobParams, Mapping[str, Any]]]


@dataclasses.dataclass(frozen=True)
class LoweredKnob:
    """A knob exported for one set of argument shapes."""

    spec: KnobSpec
    # Decision value -> exported function; 0 is the exact kernel.
    functions: Mapping[int, ExportedFunction]
    # The selector alone (approx + upstream dialects): what build_native compiles.
    selector_mlir: str
    # The selector with every variant's StableHLO attached (see bundle.py).
    combined_mlir: str

    @property
    def signature(self) -> Signature:
        return self.functions[0].signature


def _caller_location(depth: int) -> Optional[SourceLocation]:
    """Where the caller `depth` frames above the caller of this function is."""
    frame = inspect.currentframe()
    for _ in range(depth + 1):
        frame = frame.f_back if frame is not None else None
    if frame is None:
        return None
    return SourceLocation(os.path.abspath(frame.f_code.co_filename), frame.f_lineno)


def knob_entries(config: Optional[Config]) -> Mapping[str, Any]:
    """The entries by knob id of `config`, given as such or as approx-opt's
    configuration file ({"knobs": {...}}); a knob named "knobs" is told apart
    by its entry, which has "decisions"."""
    if not config:
        return {}
    inner = config.get("knobs")
    if len(config) == 1 and isinstance(inner, Mapping) and "decisions" not in inner:
        return inner
    return config


def _params(spec: KnobSpec, entry: Union[KnobParams, Mapping[str, Any]]) -> KnobParams:
    if isinstance(entry, KnobParams):
        return entry
    return KnobParams(
        transform=entry.get("transform", spec.transform_type),
        decisions=tuple(entry["decisions"]),
        thresholds=tuple(entry.get("thresholds", ())),
    )


class Knob:
    """An approximable JAX kernel (the paper's `approx.Knob`, section 4.3).

    `kernel` is the exact JAX function; `variants` maps each non-zero
    decision value to an approximate function with the same signature.
    `decision_tree` (optional) makes the choice per call from a state that
    its `runtime_function` computes from the call's arguments; without it the
    knob is static (one decision per configuration). `example_args` fix the
    argument shapes and dtypes (arrays, scalars or jax.ShapeDtypeStructs in
    any pytree); without them the first call's arguments do.

    Until configured, a knob runs the exact kernel. `config` (or
    `configure`) takes the tuner's configuration: {knob id: {"transform",
    "thresholds", "decisions"}} (or approx-opt's file form {"knobs": {...}});
    entries for other knobs are ignored, so one configuration can serve a
    whole system. `cache_dir` holds the IREE artifacts (default
    ~/.cache/approxmlir/iree), `native_cache_dir` the selector libraries
    (build_native's default).
    """

    def __init__(
        self,
        name: str,
        kernel: Callable,
        *,
        decision_tree: Optional[DecisionTree] = None,
        decision_values: Sequence[int] = (0, 1),
        transform_type: str = "func_substitute",
        variants: Optional[Mapping[int, Callable]] = None,
        example_args: Optional[Sequence[Any]] = None,
        config: Optional[Config] = None,
        cache_dir: Optional[PathLike] = None,
        native_cache_dir: Optional[PathLike] = None,
        iree_options: IreeOptions = IreeOptions(),
    ):
        self.spec = KnobSpec(
            name=name,
            decision_values=tuple(decision_values),
            transform_type=transform_type,
            decision_tree=decision_tree,
            location=_caller_location(1),
        )
        if not callable(kernel):
            raise KnobDefinitionError(name, f"kernel {kernel!r} is not callable")
        self.kernel = kernel
        self.variants = self._check_variants(dict(variants or {}))
        self.example_args = tuple(example_args) if example_args is not None else None
        self.cache_dir = cache_dir
        self.native_cache_dir = native_cache_dir
        self.iree_options = iree_options
        self._config = config
        self._lowered: Optional[tuple[Any, LoweredKnob]] = None
        self._compiled: Optional[CompiledKnob] = None
        self._lock = threading.RLock()

    @property
    def name(self) -> str:
        return self.spec.name

    def _check_variants(self, variants: dict[int, Callable]) -> dict[int, Callable]:
        if 0 in variants:
            raise KnobDefinitionError(
                self.name, "decision value 0 is the exact kernel: pass it as `kernel`, not in `variants`"
            )
        needed = set(self.spec.variant_values)
        missing = sorted(needed - set(variants))
        if missing:
            raise MissingVariantError(
                self.name,
                f"decision value(s) {missing} have no variant (variants given "
                f"for {sorted(variants)}; decision_values "
                f"{list(self.spec.decision_values)})",
            )
        unused = sorted(set(variants) - needed)
        if unused:
            raise MissingVariantError(
                self.name, f"variant(s) {unused} are not among the decision_values {list(self.spec.decision_values)}"
            )
        for value, fn in variants.items():
            if not callable(fn):
                raise KnobDefinitionError(self.name, f"variant {value} ({fn!r}) is not callable")
        return variants

    # -- lowering -----------------------------------------------------------------

    def _export(self, value: int, fn: Callable, arg_specs: tuple) -> ExportedFunction:
        what = "the exact kernel" if value == 0 else f"variant {value}"
        try:
            return export_function(fn, arg_specs)
        except Exception as error:  # tracing runs user code: any exception
            raise ExportError(
                self.name,
                f"exporting {what} ({function_name(fn)}) to StableHLO failed: {type(error).__name__}: {error}",
            ) from error

    def lower(self, example_args: Optional[Sequence[Any]] = None) -> LoweredKnob:
        """Exports the kernel and its variants and emits the selector and combined modules."""
        args = example_args if example_args is not None else self.example_args
        if args is None:
            raise KnobDefinitionError(
                self.name,
                "no example_args to export the kernel with: pass them to Knob(...) or lower(), or call the knob once",
            )
        arg_specs = shape_dtype_structs(args)
        with self._lock:
            if self._lowered is not None and self._lowered[0] == arg_specs:
                return self._lowered[1]
            exact = self._export(0, self.kernel, arg_specs)
            functions = {0: exact}
            for value in self.spec.variant_values:
                fn = self.variants[value]
                exported = self._export(value, fn, arg_specs)
                mismatch = exported.signature.mismatch(exact.signature)
                if mismatch:
                    raise SignatureMismatchError(
                        self.name,
                        f"variant {value} ({exported.name}) does not match the exact kernel ({exact.name}): {mismatch}",
                    )
                functions[value] = exported
            lowered = LoweredKnob(
                spec=self.spec,
                functions=functions,
                selector_mlir=selector_module(self.spec),
                combined_mlir=combined_module([(self.spec, functions)]),
            )
            self._lowered = (arg_specs, lowered)
            return lowered

    # -- building -----------------------------------------------------------------

    def compile(
        self,
        config: Optional[Config] = None,
        *,
        example_args: Optional[Sequence[Any]] = None,
        cache_dir: Optional[PathLike] = None,
        native_cache_dir: Optional[PathLike] = None,
        iree_options: Optional[IreeOptions] = None,
    ) -> CompiledKnob:
        """Builds the knob for `config` (None: exact): the selector with the
        native backend and every variant with IREE (both cached on disk)."""
        lowered = self.lower(example_args)
        entries = knob_entries(config)
        entry = entries.get(self.name)
        if entries and entry is None:
            _LOG.info(
                "knob %s: the configuration has no entry for it (only %s): it runs exact", self.name, sorted(entries)
            )
        # approx-opt validates the entry against the knob's space (CompilerError otherwise).
        configured = lowered.selector_mlir
        if entry is not None:
            configured = compiler.apply_config(lowered.selector_mlir, {self.name: entry})
        native = compiler.build_native(
            configured, cache_dir=native_cache_dir if native_cache_dir is not None else self.native_cache_dir
        )
        options = iree_options or self.iree_options
        iree_cache = cache_dir if cache_dir is not None else self.cache_dir
        variants = {}
        for value, exported in lowered.functions.items():
            try:
                artifact = compile_vmfb(exported.stablehlo, options, iree_cache)
            except IreeCompilerError as error:
                raise IreeCompileError(
                    self.name, f"IREE failed on decision value {value} ({exported.name}):\n{error.diagnostics}"
                ) from None
            variants[value] = load_function(artifact, options.driver)
        return CompiledKnob(
            spec=self.spec,
            signature=lowered.signature,
            selector=native.load(),
            configured_mlir=configured,
            params=_params(self.spec, entry) if entry is not None else None,
            variants=variants,
        )

    def configure(self, config: Optional[Config]) -> None:
        """Sets the configuration calls use from now on (rebuilt at the next call)."""
        with self._lock:
            self._config = config
            self._compiled = None

    @property
    def config(self) -> Optional[Config]:
        return self._config

    def compiled(self, example_args: Optional[Sequence[Any]] = None) -> CompiledKnob:
        """The build for the current configuration (made on first use)."""
        with self._lock:
            if self._compiled is None:
                self._compiled = self.compile(self._config, example_args=example_args)
            return self._compiled

    def __call__(self, *args: Any) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self.compiled(None if self.example_args is not None else args)
        return compiled(*args)

    def __repr__(self) -> str:
        return (
            f"Knob({self.name!r}, kernel={function_name(self.kernel)}, decision_values="
            f"{list(self.spec.decision_values)}, dynamic={self.spec.is_dynamic})"
        )


def bundle_knobs(*knobs: Knob) -> str:
    """One combined module with the selectors and variants of all `knobs`."""
    return combined_module([(k.spec, k.lower().functions) for k in knobs])
