"""The stages a compound system is made of, each contributing one MLIR module.

- NativeKernel: annotated C (through the C frontend), with its knobs; the
  pipeline's native library exports its functions.
- ModelChoice: a model stage choosing among model variants (sizes,
  precisions, prompts; or None for "no model") with a selection knob whose
  state the pipeline computes (a retrieval confidence, a question length):
  a JAX-frontend selector with an external-state decision tree.
Plain Python between the stages is the user's program (evaluation.py).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from typing import Mapping, Optional, Sequence

from approxmlir import runtime
from approxmlir.frontends.jax.selector import SelectorSymbols, selector_module
from approxmlir.frontends.jax.spec import DecisionTree, KnobSpec


@dataclasses.dataclass(frozen=True)
class NativeKernel:
    """A C source with approx annotations (frontends/c_subset.md), or its MLIR (`mlir=`)."""

    name: str
    source: Optional[os.PathLike] = None
    clang_args: Sequence[str] = ()
    mlir_text: Optional[str] = dataclasses.field(default=None, repr=False)

    def __post_init__(self) -> None:
        if (self.source is None) == (self.mlir_text is None):
            raise ValueError(f"kernel {self.name!r}: give exactly one of source= (annotated C) and mlir_text=")

    @functools.cached_property
    def mlir(self) -> str:
        if self.mlir_text is not None:
            return self.mlir_text
        from approxmlir.frontends.c import translate_file  # pylint: disable=import-outside-toplevel

        return translate_file(self.source, args=[f"-I{runtime.include_dir()}", *self.clang_args])


@dataclasses.dataclass(frozen=True)
class ModelChoice:
    """A model stage: decision value -> model variant (0: the exact one; None: no model).

    Its knob `name` has `num_thresholds` thresholds over a state in
    `state_range` that the program passes (PipelineRun.choose); the tuner
    picks the thresholds and a decision per branch, or one decision for a
    static configuration.
    """

    name: str
    variants: Mapping[int, Optional[str]]
    state_range: tuple[int, int] = (0, 100)
    num_thresholds: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "variants", dict(self.variants))
        object.__setattr__(self, "state_range", tuple(self.state_range))
        if 0 not in self.variants:
            raise ValueError(f"model choice {self.name!r}: decision value 0 (the exact variant) is missing")
        _ = self.knob_spec  # KnobSpec validates the name, the decision values and the range

    @functools.cached_property
    def knob_spec(self) -> KnobSpec:
        return KnobSpec(
            name=self.name,
            decision_values=tuple(sorted(self.variants)),
            transform_type="func_substitute",
            decision_tree=DecisionTree.external(self.state_range, self.num_thresholds),
        )

    @property
    def symbols(self) -> SelectorSymbols:
        return SelectorSymbols(self.name)

    @functools.cached_property
    def mlir(self) -> str:
        return selector_module(self.knob_spec)

    @property
    def exact_variant(self) -> Optional[str]:
        return self.variants[0]
