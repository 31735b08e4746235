"""Differential test of the C/C++ frontend against clang.

Every program in `corpus/` (C `*.c` and C++ `*.cpp`) defines
`void run(int64_t *iout, double *fout)` (`extern "C"` in C++), which computes
deterministic results from data it generates itself and writes them to some
of the 64 slots of each array. The reference is the program compiled by
`clang-22 -O2` (`clang++ -std=c++17` for C++) and called through ctypes; ours
is the program translated by `approxmlir.frontends.c.translate_file` (which
picks the language by the file's suffix), built by
`approxmlir.compiler.build_native` and called through the runtime binding.
Both start from the same sentinel-filled arrays, and every slot (written or
not) must agree: integers exactly, doubles to a relative 1e-12.

A program whose first line is `// EXPECT-UNSUPPORTED: <construct>` uses a
construct outside the frontend's subset: translating it must raise a
FrontendError whose message contains `unsupported:` and whose location is a
line of the program mentioning the construct. Its reference side is still
checked, so the corpus stays valid C (or C++) either way.

The corpus itself is checked too: each program is plain C11 (or C++17 without
exceptions and RTTI) with its language's allowed headers only, exports nothing
but `run` (C++ helpers live in anonymous namespaces or are static, so no
inline, template or member function is exported either), writes at least one
slot, and runs clean under AddressSanitizer and UndefinedBehaviorSanitizer
with the same results (undefined behaviour would make any disagreement
meaningless). A C++ program expected to be rejected for using exceptions is
the only one whose reference build allows them.
"""

from __future__ import annotations

import ctypes
import dataclasses
import os
import pathlib
import re
import subprocess
from typing import Callable, Optional

import numpy as np
import pytest

from approxmlir import compiler
from approxmlir.frontends import c as c_frontend

CORPUS_DIR = pathlib.Path(os.path.abspath(__file__)).parent / "corpus"
C, CXX = "c", "c++"
LANGUAGES = {".c": C, ".cpp": CXX}
PROGRAMS = sorted(path for suffix in LANGUAGES for path in CORPUS_DIR.glob(f"*{suffix}"))

SLOTS = 64
SENTINEL_I = -0x5A5A_5A5A_5A5A_5A5B  # distinctive, never a plausible result
RTOL = 1e-12
MIN_COMPARED = {C: 20, CXX: 16}
MAX_UNSUPPORTED = {C: 2, CXX: 2}
ALLOWED_HEADERS = {
    C: frozenset({"stdint.h", "stdbool.h", "math.h", "stddef.h", "stdlib.h"}),
    CXX: frozenset({"cstdint", "cmath", "cstddef", "cstdlib"}),
}
MIN_LINES, MAX_LINES = 30, 120
STANDARD = {C: "-std=c11", CXX: "-std=c++17"}
DRIVER = {C: "clang", CXX: "clang++"}

# -ffp-contract=off: C semantics without FMA contraction, whatever the target.
# Warnings are errors, except for what the corpus does on purpose (a dangling
# else, implicit conversions of literals that change their value).
REFERENCE_FLAGS = (
    "-O2",
    "-fPIC",
    "-shared",
    "-ffp-contract=off",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
    "-Wno-dangling-else",
    "-Wno-literal-conversion",
    "-Wno-literal-range",
)
# The C++ subset has neither exceptions nor RTTI; only a program expected to be
# rejected for an exception construct is built with exceptions.
CXX_REFERENCE_FLAGS = ("-fno-exceptions", "-fno-rtti")
EXCEPTION_CONSTRUCTS = frozenset({"try", "catch", "throw"})
# RTTI stays on in the sanitized build so that UBSan's vptr check can run.
SANITIZER_FLAGS = (
    "-O1",
    "-g",
    "-fno-omit-frame-pointer",
    "-ffp-contract=off",
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
)
SUBPROCESS_TIMEOUT_S = 120.0

EXPECT_RE = re.compile(r"^// EXPECT-UNSUPPORTED: (\w+)\s*$")
INCLUDE_RE = re.compile(r"^\s*#\s*include\s*[<\"]([^>\"]+)[>\"]", re.MULTILINE)
RUN_SIGNATURE_RE = {
    C: re.compile(r"^void run\(int64_t \*iout, double \*fout\) \{$", re.MULTILINE),
    CXX: re.compile(r'^extern "C" void run\(int64_t \*iout, double \*fout\) \{$', re.MULTILINE),
}

# Prints both arrays as integers (doubles by their bits) for the sanitized run;
# built in the program's language.
SANITIZER_DRIVER = f"""
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C"
#endif
void run(int64_t *iout, double *fout);

int main(void) {{
  int64_t iout[{SLOTS}];
  double fout[{SLOTS}];
  for (int i = 0; i < {SLOTS}; i++) {{
    iout[i] = {SENTINEL_I}LL;
    fout[i] = __builtin_nan("");
  }}
  run(iout, fout);
  for (int i = 0; i < {SLOTS}; i++) {{
    uint64_t bits;
    memcpy(&bits, &fout[i], sizeof bits);
    printf("%lld %llu\\n", (long long)iout[i], (unsigned long long)bits);
  }}
  return 0;
}}
"""


@dataclasses.dataclass(frozen=True)
class Program:
    path: pathlib.Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def language(self) -> str:
        return LANGUAGES[self.path.suffix]

    @property
    def source(self) -> str:
        return self.path.read_text()

    @property
    def unsupported_construct(self) -> Optional[str]:
        """The construct named by an `// EXPECT-UNSUPPORTED:` first line, if any."""
        first_line = self.source.split("\n", 1)[0]
        match = EXPECT_RE.match(first_line)
        return match.group(1) if match else None

    @property
    def uses_exceptions(self) -> bool:
        """A C++ program expected to be rejected for try/catch/throw: built with exceptions."""
        return self.language == CXX and self.unsupported_construct in EXCEPTION_CONSTRUCTS

    def lines_mentioning(self, word: str) -> set[int]:
        """1-based numbers of the lines where `word` occurs as a token."""
        pattern = re.compile(rf"\b{re.escape(word)}\b")
        return {
            number
            for number, line in enumerate(self.source.split("\n"), start=1)
            if number > 1 and pattern.search(line)
        }


@dataclasses.dataclass(frozen=True)
class Outputs:
    iout: np.ndarray
    fout: np.ndarray

    def written_slots(self) -> int:
        return int(np.count_nonzero(self.iout != SENTINEL_I) + np.count_nonzero(~np.isnan(self.fout)))


@dataclasses.dataclass(frozen=True)
class Reference:
    """A program built by clang as a shared library, and what its run() wrote."""

    library: pathlib.Path
    outputs: Outputs


ALL_PROGRAMS = [Program(path) for path in PROGRAMS]
COMPARED = [p for p in ALL_PROGRAMS if p.unsupported_construct is None]
UNSUPPORTED = [p for p in ALL_PROGRAMS if p.unsupported_construct is not None]


def fresh_outputs() -> Outputs:
    return Outputs(np.full(SLOTS, SENTINEL_I, dtype=np.int64), np.full(SLOTS, np.nan, dtype=np.float64))


def run_command(command: list[str], what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S, check=False)
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{' '.join(command)}\n{result.stderr}"
    return result


def clang(language: str = C) -> str:
    """clang-22 for C, the clang++ of the same installation for C++."""
    return os.fspath(compiler.find_llvm_tool(DRIVER[language]))


def reference_flags(program: Program) -> list[str]:
    flags = [STANDARD[program.language], *REFERENCE_FLAGS]
    if program.language == CXX:
        flags += CXX_REFERENCE_FLAGS
        if program.uses_exceptions:
            flags.remove("-fno-exceptions")
    return flags


def compile_reference(program: Program, out_dir: pathlib.Path) -> pathlib.Path:
    library = out_dir / f"{program.path.stem}.so"
    run_command(
        [clang(program.language), *reference_flags(program), os.fspath(program.path), "-lm", "-o", os.fspath(library)],
        f"reference build of {program.name}",
    )
    return library


def run_reference(library: pathlib.Path) -> Outputs:
    run = ctypes.CDLL(os.fspath(library)).run
    run.argtypes = [ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_double)]
    run.restype = None
    outputs = fresh_outputs()
    run(
        outputs.iout.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)),
        outputs.fout.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
    )
    return outputs


def run_ours(program: Program, cache_dir: pathlib.Path) -> Outputs:
    mlir = c_frontend.translate_file(program.path)
    artifact = compiler.build_native(mlir, cache_dir=cache_dir)
    outputs = fresh_outputs()
    artifact.load()["run"](outputs.iout, outputs.fout)
    return outputs


def exported_functions(library: pathlib.Path) -> set[str]:
    nm = os.fspath(compiler.find_llvm_tool("llvm-nm"))
    listing = run_command([nm, "--defined-only", "--extern-only", os.fspath(library)], "llvm-nm").stdout
    return {
        fields[2]
        for fields in (line.split() for line in listing.splitlines())
        if len(fields) == 3 and fields[1] in ("T", "W")
    }


def run_sanitized(program: Program, out_dir: pathlib.Path) -> Outputs:
    driver = out_dir / f"driver{program.path.suffix}"
    driver.write_text(SANITIZER_DRIVER)
    binary = out_dir / f"{program.path.stem}-sanitized"
    flags = [STANDARD[program.language], *SANITIZER_FLAGS]
    run_command(
        [clang(program.language), *flags, os.fspath(program.path), os.fspath(driver), "-lm", "-o", os.fspath(binary)],
        f"sanitized build of {program.name}",
    )
    env = {**os.environ, "ASAN_OPTIONS": "detect_leaks=0", "UBSAN_OPTIONS": "print_stacktrace=1"}
    result = subprocess.run(
        [os.fspath(binary)], capture_output=True, text=True, env=env, timeout=SUBPROCESS_TIMEOUT_S, check=False
    )
    assert result.returncode == 0, f"{program.name} fails under ASan/UBSan:\n{result.stderr}"
    rows = [line.split() for line in result.stdout.splitlines()]
    assert len(rows) == SLOTS, f"{program.name}: unexpected driver output:\n{result.stdout}"
    iout = np.array([int(i) for i, _ in rows], dtype=np.int64)
    fout = np.array([int(f) for _, f in rows], dtype=np.uint64).view(np.float64)
    return Outputs(iout, fout)


def assert_same_outputs(name: str, expected: Outputs, actual: Outputs, what: str) -> None:
    """Integers exactly, doubles to RTOL; the message names the program and the first bad slot."""
    bad_i = np.flatnonzero(expected.iout != actual.iout)
    if bad_i.size:
        i = int(bad_i[0])
        pytest.fail(
            f"{name}: iout[{i}] = {actual.iout[i]} ({what}), expected {expected.iout[i]} "
            f"(clang -O2); {bad_i.size} integer slot(s) differ: {bad_i.tolist()}"
        )
    close = np.isclose(actual.fout, expected.fout, rtol=RTOL, atol=0.0, equal_nan=True)
    bad_f = np.flatnonzero(~close)
    first = f"first differing index fout[{int(bad_f[0])}]" if bad_f.size else ""
    np.testing.assert_allclose(
        actual.fout, expected.fout, rtol=RTOL, atol=0.0, equal_nan=True, err_msg=f"{name}: {what} vs clang -O2, {first}"
    )


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Program], Reference]:
    """The reference build of a program and its outputs, made once per session."""
    out_dir = tmp_path_factory.mktemp("reference")
    cache: dict[pathlib.Path, Reference] = {}

    def reference_of(program: Program) -> Reference:
        if program.path not in cache:
            library = compile_reference(program, out_dir)
            cache[program.path] = Reference(library, run_reference(library))
        return cache[program.path]

    return reference_of


def program_id(program: Program) -> str:
    return program.path.stem


@pytest.mark.parametrize("language", [C, CXX])
def test_corpus_size(language: str) -> None:
    compared = [p.name for p in COMPARED if p.language == language]
    unsupported = [p.name for p in UNSUPPORTED if p.language == language]
    assert len(compared) >= MIN_COMPARED[language], f"only {len(compared)} {language} programs are compared"
    assert len(unsupported) <= MAX_UNSUPPORTED[language], f"too many EXPECT-UNSUPPORTED programs: {unsupported}"


def test_program_stems_are_distinct() -> None:
    # Test ids and reference libraries are named by stem.
    stems = [p.path.stem for p in ALL_PROGRAMS]
    assert len(stems) == len(set(stems)), f"a .c and a .cpp program share a stem: {sorted(stems)}"


@pytest.mark.parametrize("program", ALL_PROGRAMS, ids=program_id)
def test_program_is_well_formed(program: Program) -> None:
    source = program.source
    lines = source.rstrip("\n").split("\n")
    assert MIN_LINES <= len(lines) <= MAX_LINES, f"{program.name} has {len(lines)} lines"
    headers = set(INCLUDE_RE.findall(source))
    allowed = ALLOWED_HEADERS[program.language]
    assert headers <= allowed, f"{program.name} includes {sorted(headers - allowed)}"
    signature = RUN_SIGNATURE_RE[program.language]
    assert len(signature.findall(source)) == 1, f"{program.name} must define run(iout, fout) once: {signature.pattern}"
    assert "EXPECT-UNSUPPORTED" not in "\n".join(lines[1:]), "the marker belongs on the first line"
    if program.unsupported_construct:
        assert program.lines_mentioning(program.unsupported_construct), "the construct must appear"


@pytest.mark.parametrize("program", ALL_PROGRAMS, ids=program_id)
def test_reference_exports_run_and_writes_outputs(program: Program, reference: Callable[[Program], Reference]) -> None:
    built = reference(program)
    exported = exported_functions(built.library)
    assert exported == {"run"}, (
        f"{program.name} exports {sorted(exported)}: helpers must be static (C++: or in an anonymous namespace)"
    )
    assert built.outputs.written_slots() > 0, f"{program.name} writes no iout/fout slot"


@pytest.mark.parametrize("program", ALL_PROGRAMS, ids=program_id)
def test_reference_is_free_of_undefined_behavior(
    program: Program, tmp_path: pathlib.Path, reference: Callable[[Program], Reference]
) -> None:
    sanitized = run_sanitized(program, tmp_path)
    assert_same_outputs(program.name, reference(program).outputs, sanitized, "clang -O1 with sanitizers")


@pytest.mark.parametrize("program", COMPARED, ids=program_id)
def test_translation_matches_clang(
    program: Program, tmp_path: pathlib.Path, reference: Callable[[Program], Reference]
) -> None:
    expected = reference(program).outputs
    actual = run_ours(program, tmp_path / "cache")
    assert_same_outputs(program.name, expected, actual, "approxmlir")


@pytest.mark.parametrize("program", UNSUPPORTED, ids=program_id)
def test_unsupported_construct_is_rejected_at_its_location(program: Program) -> None:
    construct = program.unsupported_construct
    with pytest.raises(c_frontend.FrontendError) as raised:
        c_frontend.translate_file(program.path)
    error = raised.value
    assert "unsupported:" in error.message, f"{program.name}: {error}"
    location = error.location
    located_in = pathlib.Path(location.file).absolute()
    assert located_in == program.path.absolute(), f"{program.name}: error located in {location.file}"
    assert str(error).startswith(f"{location.file}:{location.line}:{location.column}: "), str(error)
    allowed = program.lines_mentioning(construct)
    assert location.line in allowed, f"{program.name}: {error} is not at a line using {construct} ({sorted(allowed)})"
    line_text = program.source.split("\n")[location.line - 1]
    assert 1 <= location.column <= len(line_text) + 1, f"{program.name}: column out of range in {error}"


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
