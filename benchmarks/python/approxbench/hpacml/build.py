"""Compiles an HPAC-ML application's C to a loadable library.

With its pragmas, the C frontend turns the HPAC-ML region into an
`approx.ml_region` and the native backend links libapprox_ml.so. Without
them (`strip_ml_pragmas`), it is the application as it was before it was
annotated: the baseline of speedups and of collection overhead.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional

from approxbench.hpacml.app import HpacApp, pragma_spans
from approxmlir import runtime
from approxmlir.compiler import build_native
from approxmlir.frontends.c import translate_source


def strip_ml_pragmas(source: str) -> str:
    """`source` with every HPAC-ML directive (`#pragma approx ml/tensor/declare`
    and its backslash continuation lines) replaced by empty lines, so that the
    remaining code keeps its line numbers in diagnostics."""
    lines = source.splitlines()
    for span in pragma_spans(lines):
        for index in span:
            lines[index] = ""
    return "\n".join(lines) + "\n"


def translate(app: HpacApp, with_pragmas: bool = True) -> str:
    """The app's C as MLIR (HPAC-ML pragmas kept or removed)."""
    source = app.path.read_text()
    if not with_pragmas:
        source = strip_ml_pragmas(source)
    return translate_source(source, str(app.path), args=[f"-I{runtime.include_dir()}"])


def build_library(
    app: HpacApp, with_pragmas: bool = True, config: Optional[Mapping] = None, cache_dir: Optional[os.PathLike] = None
) -> runtime.NativeLibrary:
    """The app through the C frontend and the native backend; `config` sets
    knobs (e.g. an `ml_surrogate` knob's model choice)."""
    return build_native(translate(app, with_pragmas), config, cache_dir=cache_dir).load()
