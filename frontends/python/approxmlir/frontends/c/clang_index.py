"""Parses C with libclang: Debian's libclang-22 through the `clang.cindex` bindings.

The bindings come from the pinned PyPI package `libclang`; the library is the
system's libclang-22 (package libclang1-22), the same clang as the `clang-22`
that compiles reference builds, so both agree on the language.
"""

from __future__ import annotations

import functools
import os
import pathlib
from typing import Optional, Sequence

from clang import cindex

from approxmlir.frontends.c.errors import FrontendError, SourceLocation, location_of

LIBCLANG_ENV_VAR = "APPROXMLIR_LIBCLANG"
_CANDIDATES = (
    "/usr/lib/llvm-22/lib/libclang-22.so.1",
    "/usr/lib/x86_64-linux-gnu/libclang-22.so.22",
)

DEFAULT_ARGS = ("-x", "c", "-std=c11")
CXX_ARGS = ("-x", "c++", "-std=c++17")
CXX_SUFFIXES = (".cpp", ".cc", ".cxx", ".C")


def is_cxx(path: os.PathLike | str) -> bool:
    """C++ by the file name's suffix, as clang decides."""
    return os.fspath(path).endswith(CXX_SUFFIXES)


@functools.lru_cache(maxsize=None)
def index() -> cindex.Index:
    """The libclang index, configured once per process."""
    explicit = os.environ.get(LIBCLANG_ENV_VAR)
    candidates = [explicit] if explicit else list(_CANDIDATES)
    for candidate in candidates:
        if candidate and pathlib.Path(candidate).is_file():
            if not cindex.Config.loaded:
                cindex.Config.set_library_file(candidate)
            return cindex.Index.create()
    raise FileNotFoundError(
        f"libclang 22 not found (tried {', '.join(c for c in candidates if c)}); "
        f"install libclang1-22 (./bazelw does) or set {LIBCLANG_ENV_VAR}"
    )


def parse(
    path: os.PathLike | str,
    source: Optional[str] = None,
    args: Sequence[str] = (),
) -> cindex.TranslationUnit:
    """Parses a C or C++ file (or `source` as if it were at `path`).

    Raises FrontendError at the first error clang reports.
    """
    path = os.fspath(path)
    unsaved = [(path, source)] if source is not None else None
    try:
        unit = index().parse(
            path,
            args=[*(CXX_ARGS if is_cxx(path) else DEFAULT_ARGS), *args],
            unsaved_files=unsaved,
            options=cindex.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD,
        )
    except cindex.TranslationUnitLoadError as error:
        raise FrontendError(SourceLocation(path, 1, 1), f"cannot parse: {error}") from error
    for diagnostic in unit.diagnostics:
        if diagnostic.severity >= cindex.Diagnostic.Error:
            location = location_of(diagnostic)
            if location.file == path:
                raise FrontendError(location, f"error: {diagnostic.spelling}")
            # An error inside a header: report it at the #include that brought it in.
            raise FrontendError(
                _including_line(unit, path, location.file), f"error in included file {location}: {diagnostic.spelling}"
            )
    return unit


def _including_line(unit: cindex.TranslationUnit, path: str, header: str) -> SourceLocation:
    """The position of the main file's #include through which `header` came in."""
    parents = {}
    for inclusion in unit.get_includes():
        parents.setdefault(inclusion.include.name, inclusion)
    current = header
    for _ in range(len(parents) + 1):
        inclusion = parents.get(current)
        if inclusion is None:
            break
        if inclusion.source.name == path:
            return location_of(inclusion.location)
        current = inclusion.source.name
    return SourceLocation(path, 1, 1)
