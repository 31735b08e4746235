"""The C frontend: annotated C11 or C++17 to MLIR (func, scf, arith, memref, math) with approx knobs.

    from approxmlir.frontends.c import translate_file
    mlir = translate_file("kernel.c")

The supported subset and the annotations are documented in
frontends/c_subset.md (C++ by the file suffix .cpp, .cc or .cxx). Anything outside it raises FrontendError with
`file:line:col: unsupported: <construct>`.
"""

from __future__ import annotations

import os
import pathlib
from typing import Sequence

from approxmlir.frontends.c.errors import FrontendError, SourceLocation

__all__ = ["FrontendError", "SourceLocation", "translate_file", "translate_source"]


def translate_source(source: str, filename: str = "input.c", args: Sequence[str] = ()) -> str:
    """Translates C source text; `filename` names it in diagnostics."""
    from approxmlir.frontends.c import clang_index
    from approxmlir.frontends.c.translator import ModuleTranslator

    unit = clang_index.parse(filename, source=source, args=args)
    return ModuleTranslator(unit, source, filename).translate(source)


def translate_file(path: os.PathLike | str, args: Sequence[str] = ()) -> str:
    """Translates a C file to MLIR text."""
    path = pathlib.Path(path)
    try:
        source = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise FrontendError(SourceLocation(str(path), 1, 1), f"cannot read: {error}") from error
    return translate_source(source, str(path), args)
