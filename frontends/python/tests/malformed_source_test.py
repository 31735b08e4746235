"""Robustness of the C frontend on malformed and unsupported input.

About 245 inputs: mutants of the corpus programs, of a file annotated in
upstream ApproxMLIR's grammar and of one with the HPAC-ML artifact's pragma
spellings (a deleted token span or
character span, a duplicated line, inserted punctuation, a truncation),
made with a fixed seed, plus hand-written inputs. Translating any of them
must either return MLIR text that approx-opt accepts or raise FrontendError
located in the input (`<file>:<line>:<col>: ` with the line inside it); any
other exception, a crash or a hang is a failure that prints the input.
Truncated programs and the hand-written valid-but-unsupported C must be
rejected, the latter with `unsupported:` at a line using the construct.

The cases run in a child process, one case at a time: a case that takes
longer than PER_CASE_TIMEOUT_S (even inside libclang) or kills the process
is reported and the remaining cases run in a fresh child.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import multiprocessing.connection
import os
import pathlib
import random
import re
import time
import traceback
from typing import Callable, Iterator, Optional

import pytest

from approxmlir import compiler

CORPUS_DIR = pathlib.Path(os.path.abspath(__file__)).parent / "corpus"
# Upstream ApproxMLIR's annotation fields (state_indices, initial params, per-threshold bounds).
UPSTREAM_ANNOTATED = pathlib.Path(os.path.abspath(__file__)).parent / "testdata" / "upstream_annotated.c"
UPSTREAM_MUTANTS_PER_KIND = 6
# HPAC-ML pragmas in the artifact's spellings (declare, offline, label, multiplicative bounds).
ARTIFACT_ANNOTATED = pathlib.Path(os.path.abspath(__file__)).parent / "testdata" / "hpacml_artifact.c"
ARTIFACT_MUTANTS_PER_KIND = 6
SEED = 20250611
MUTANTS_PER_KIND = 38
CXX_MUTANTS_PER_KIND = 8
PER_CASE_TIMEOUT_S = 10.0
STARTUP_TIMEOUT_S = 20.0
TOTAL_BUDGET_S = 60.0
PUNCTUATION = "{}()[];,.*&|<>=!?:#~^%+-/\\\"'"
TOKEN_RE = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|[A-Za-z_]\w*|\d[\w.]*|\S", re.DOTALL
)
# Hand-written cases tag the lines where rejecting their construct is right.
CONSTRUCT_TAG = "// <- unsupported"


@dataclasses.dataclass(frozen=True)
class Case:
    name: str  # also the file name given to the frontend
    source: str
    must_reject: bool = False  # truncated programs, unsupported constructs
    construct_lines: frozenset[int] = frozenset()  # where an `unsupported:` error belongs

    def describe(self) -> str:
        numbered = "\n".join(f"{n:4d} | {line}" for n, line in enumerate(self.source.split("\n"), start=1))
        return f"--- {self.name} ---\n{numbered}"


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What translating one case did: returned MLIR, raised FrontendError, or anything else."""

    mlir: Optional[str] = None
    error: Optional[str] = None  # str(FrontendError)
    error_file: str = ""
    error_line: int = 0
    error_column: int = 0
    error_message: str = ""
    crash: Optional[str] = None  # another exception (with traceback), a hang, a dead process


# ---------------------------------------------------------------- mutations


def corpus_sources(suffix: str = ".c") -> list[tuple[str, str]]:
    return [(path.stem, path.read_text()) for path in sorted(CORPUS_DIR.glob(f"*{suffix}"))]


def tokens(source: str) -> list[re.Match]:
    return list(TOKEN_RE.finditer(source))


def delete_token_span(rng: random.Random, source: str) -> str:
    found = tokens(source)
    first = rng.randrange(len(found))
    last = min(len(found) - 1, first + rng.randrange(3))
    return source[: found[first].start()] + source[found[last].end() :]


def delete_char_span(rng: random.Random, source: str) -> str:
    start = rng.randrange(len(source))
    return source[:start] + source[start + rng.randint(1, 8) :]


def duplicate_line(rng: random.Random, source: str) -> str:
    lines = source.split("\n")
    n = rng.randrange(len(lines))
    return "\n".join(lines[: n + 1] + [lines[n]] + lines[n + 1 :])


def insert_punctuation(rng: random.Random, source: str) -> str:
    at = rng.randrange(len(source) + 1)
    inserted = "".join(rng.choice(PUNCTUATION) for _ in range(rng.randint(1, 3)))
    return source[:at] + inserted + source[at:]


def truncate(rng: random.Random, source: str) -> str:
    """Cuts between the first function's `{` and the last `}`, leaving a function open."""
    first_body = source.index(") {\n") + len(") {")
    return source[: rng.randrange(first_body, source.rindex("}"))]


MUTATIONS: dict[str, Callable[[random.Random, str], str]] = {
    "delete-tokens": delete_token_span,
    "delete-chars": delete_char_span,
    "duplicate-line": duplicate_line,
    "insert-punctuation": insert_punctuation,
    "truncate": truncate,
}


def mutant_cases(seed: int = SEED, per_kind: int = MUTANTS_PER_KIND, suffix: str = ".c") -> list[Case]:
    """Mutants of the corpus programs of one language (by file suffix)."""
    rng = random.Random(seed)
    sources = corpus_sources(suffix)
    cases = []
    for kind, mutate in MUTATIONS.items():
        for i in range(per_kind):
            stem, source = rng.choice(sources)
            cases.append(Case(f"{kind}-{i:02d}-{stem}{suffix}", mutate(rng, source), must_reject=kind == "truncate"))
    return cases


def cxx_mutant_cases() -> list[Case]:
    """Mutants of the C++ corpus, translated as C++."""
    return mutant_cases(SEED + 3, CXX_MUTANTS_PER_KIND, ".cpp")


def file_mutant_cases(path: pathlib.Path, seed: int, per_kind: int) -> list[Case]:
    """Mutants of one annotated file (not truncated: a cut after its last
    function is still a valid file)."""
    rng = random.Random(seed)
    source = path.read_text()
    return [
        Case(f"{kind}-{i:02d}-{path.name}", mutate(rng, source))
        for kind, mutate in MUTATIONS.items()
        if kind != "truncate"
        for i in range(per_kind)
    ]


def upstream_annotation_cases() -> list[Case]:
    """Mutants of a file annotated in upstream ApproxMLIR's grammar."""
    return file_mutant_cases(UPSTREAM_ANNOTATED, SEED + 1, UPSTREAM_MUTANTS_PER_KIND)


def artifact_pragma_cases() -> list[Case]:
    """Mutants of a file with the HPAC-ML artifact's pragma spellings."""
    return file_mutant_cases(ARTIFACT_ANNOTATED, SEED + 2, ARTIFACT_MUTANTS_PER_KIND)


# ---------------------------------------------------------------- hand-written cases

RUN = "void run(int64_t *iout, double *fout) {"

UNSUPPORTED_SOURCES: dict[str, str] = {
    "goto": f"""#include <stdint.h>
{RUN}
  int i = 0;
again:  // <- unsupported
  i++;
  if (i < 10) goto again;  // <- unsupported
  iout[0] = i;
}}
""",
    "variadic": f"""#include <stdarg.h>
#include <stdint.h>
static int64_t sum(int n, ...) {{  // <- unsupported
  va_list ap;  // <- unsupported
  va_start(ap, n);  // <- unsupported
  int64_t s = 0;
  for (int i = 0; i < n; i++) s += va_arg(ap, int);  // <- unsupported
  va_end(ap);  // <- unsupported
  return s;
}}
{RUN}
  iout[0] = sum(3, 1, 2, 3);  // <- unsupported
}}
""",
    "function-pointer-variable": f"""#include <stdint.h>
static int square(int x) {{ return x * x; }}
{RUN}
  int (*f)(int) = square;  // <- unsupported
  iout[0] = f(7);  // <- unsupported
}}
""",
    "function-pointer-parameter": f"""#include <stdint.h>
static int square(int x) {{ return x * x; }}
static int apply(int (*f)(int), int x) {{ return f(x); }}  // <- unsupported
{RUN}
  iout[0] = apply(square, 7);  // <- unsupported
}}
""",
    "union": f"""#include <stdint.h>
union bits {{  // <- unsupported
  double d;
  uint64_t u;
}};
{RUN}
  union bits b;  // <- unsupported
  b.d = 1.5;  // <- unsupported
  iout[0] = (int64_t)b.u;  // <- unsupported
}}
""",
    "inline-asm": f"""#include <stdint.h>
{RUN}
  int64_t x = 41;
  __asm__ volatile("" : "+r"(x));  // <- unsupported
  iout[0] = x + 1;
}}
""",
    "vla": f"""#include <stdint.h>
static int size(void) {{ return 8; }}
{RUN}
  int n = size();
  double buf[n];  // <- unsupported
  for (int i = 0; i < n; i++) buf[i] = i;  // <- unsupported
  fout[0] = buf[n - 1];  // <- unsupported
}}
""",
    "long-double": f"""#include <stdint.h>
{RUN}
  long double x = 1.0L / 3.0L;  // <- unsupported
  fout[0] = (double)x;  // <- unsupported
}}
""",
    "complex": f"""#include <complex.h>
#include <stdint.h>
{RUN}
  double _Complex z = 1.0 + 2.0 * I;  // <- unsupported
  z = z * z;  // <- unsupported
  fout[0] = creal(z);  // <- unsupported
  fout[1] = cimag(z);  // <- unsupported
}}
""",
    "setjmp": f"""#include <setjmp.h>
#include <stdint.h>
static jmp_buf env;  // <- unsupported
static void jump(void) {{ longjmp(env, 1); }}  // <- unsupported
{RUN}
  if (setjmp(env) == 0) {{  // <- unsupported
    jump();  // <- unsupported
  }}
  iout[0] = 1;
}}
""",
    "pointer-to-pointer": f"""#include <stdint.h>
static void point(int **pp, int *p) {{ *pp = p; }}  // <- unsupported
{RUN}
  int a[4] = {{1, 2, 3, 4}};
  int *p = a;
  int **pp = &p;  // <- unsupported
  point(pp, a + 2);  // <- unsupported
  iout[0] = *p;  // <- unsupported
}}
""",
    "array-of-pointers": f"""#include <stdint.h>
{RUN}
  int a = 1, b = 2;
  int *ptrs[2] = {{&a, &b}};  // <- unsupported
  iout[0] = *ptrs[0] + *ptrs[1];  // <- unsupported
}}
""",
    "realloc": f"""#include <stdint.h>
#include <stdlib.h>
{RUN}
  double *x = malloc(4 * sizeof(double));
  x = realloc(x, 8 * sizeof(double));  // <- unsupported
  fout[0] = x[7];
  free(x);
}}
""",
    "malloc-discarded": f"""#include <stdint.h>
#include <stdlib.h>
{RUN}
  malloc(16);  // <- unsupported
  iout[0] = 1;
}}
""",
    "pointer-to-array-not-from-malloc": f"""#include <stdint.h>
{RUN}
  double m[3][4];
  double (*rows)[4] = m + 1;  // <- unsupported
  fout[0] = rows[0][0];
}}
""",
    "heap-pointer-reassigned": f"""#include <stdint.h>
#include <stdlib.h>
{RUN}
  double *x = malloc(4 * sizeof(double));
  double *y = malloc(4 * sizeof(double));
  x[0] = 1.0;
  y[0] = 2.0;
  x = y;  // <- unsupported
  fout[0] = x[0];
  free(y);
}}
""",
    "struct-pointer-member": f"""#include <stdint.h>
struct node {{
  int64_t value;
  struct node *next;
}};
{RUN}
  struct node a = {{1, 0}};  // <- unsupported
  iout[0] = a.value;  // <- unsupported
}}
""",
    "struct-global": f"""#include <stdint.h>
struct point {{
  double x, y;
}};
static struct point origin = {{1.0, 2.0}};  // <- unsupported
{RUN}
  fout[0] = origin.x;  // <- unsupported
}}
""",
    "struct-bit-field": f"""#include <stdint.h>
struct flags {{
  unsigned a : 3;
  unsigned b : 5;
}};
{RUN}
  struct flags f = {{1, 2}};  // <- unsupported
  iout[0] = f.a + f.b;  // <- unsupported
}}
""",
    "struct-pointer-reassigned": f"""#include <stdint.h>
struct point {{
  double x, y;
}};
{RUN}
  struct point ps[4] = {{{{1.0, 2.0}}}};
  struct point *p = ps;
  p = ps + 2;  // <- unsupported
  fout[0] = p->x;
}}
""",
}

CXX_RUN = 'extern "C" void run(int64_t *iout, double *fout) {'

# C++ outside the subset (cxx.py): each rejected at a line using it.
CXX_UNSUPPORTED_SOURCES: dict[str, str] = {
    "std-vector": f"""#include <cstdint>
#include <vector>
{CXX_RUN}
  std::vector<double> v(4, 1.0);  // <- unsupported
  fout[0] = v[2];  // <- unsupported
}}
""",
    "new-delete": f"""#include <cstdint>
{CXX_RUN}
  double *p = new double[4];  // <- unsupported
  p[0] = 1.0;
  fout[0] = p[0];
  delete[] p;  // <- unsupported
}}
""",
    "lambda": f"""#include <cstdint>
{CXX_RUN}
  int k = 3;
  auto twice = [k](int x) {{ return 2 * x + k; }};  // <- unsupported
  iout[0] = twice(4);  // <- unsupported
}}
""",
    "range-for": f"""#include <cstdint>
{CXX_RUN}
  int a[4] = {{1, 2, 3, 4}};
  int64_t s = 0;
  for (int x : a) s += x;  // <- unsupported
  iout[0] = s;
}}
""",
    "operator-overloading": f"""#include <cstdint>
struct V {{
  double x;
  V operator+(const V &o) const {{ return V{{x + o.x}}; }}  // <- unsupported
}};
{CXX_RUN}
  V a{{1.0}}, b{{2.0}};
  fout[0] = (a + b).x;  // <- unsupported
}}
""",
    "constructor": f"""#include <cstdint>
struct P {{
  double x;
  P(double v) : x(v) {{}}  // <- unsupported
}};
{CXX_RUN}
  P p(2.0);  // <- unsupported
  fout[0] = p.x;
}}
""",
    "inheritance": f"""#include <cstdint>
struct Base {{
  double x;
}};
struct Derived : Base {{  // <- unsupported
  double y;
}};
{CXX_RUN}
  Derived d{{}};  // <- unsupported
  fout[0] = d.y;  // <- unsupported
}}
""",
    "class-template": f"""#include <cstdint>
template <typename T>
struct Box {{  // <- unsupported
  T value;
}};
{CXX_RUN}
  Box<double> b{{2.0}};  // <- unsupported
  fout[0] = b.value;
}}
""",
}

# Malformed by hand: errors that clang reports inside a system header.
MALFORMED_SOURCES: dict[str, str] = {
    "paren-before-include": f"(\n#include <stdint.h>\n{RUN}\n  iout[0] = 1;\n}}\n",
    "unclosed-function-before-include": f"static int f(void) {{\n#include <math.h>\n{RUN}\n  fout[0] = 1.0;\n}}\n",
    "empty-file": "",
    "only-comment": "// nothing here\n",
    "stray-brace": "}\n",
    "non-ascii": f"#include <stdint.h>\n{RUN}\n  iout[0] = 1; \u00e9\u00e8 \u2603\n}}\n",
    "nul-byte": f"#include <stdint.h>\n{RUN}\n  iout[0] = 1;\0\n}}\n",
    "artifact-label-at-end": "#pragma approx ml(offline) in(t) out(t) label(\n",
    "artifact-declare-alone": "#pragma approx declare\n",
    "artifact-scaled-lhs": "#pragma approx declare tensor_functor(f: [i*2, 0:1] = ([i]))\n",
    "artifact-symbol-factor": "#pragma approx declare tensor_functor(f: [i, 0:1] = ([i*i]))\n",
    "artifact-tensor-unclosed": "#pragma approx declare tensor(t: f(x[0:n]\n",
}


def tagged_lines(source: str) -> frozenset[int]:
    return frozenset(n for n, line in enumerate(source.split("\n"), start=1) if CONSTRUCT_TAG in line)


def unsupported_cases() -> list[Case]:
    return [
        Case(f"unsupported-{name}.c", source, must_reject=True, construct_lines=tagged_lines(source))
        for name, source in UNSUPPORTED_SOURCES.items()
    ] + [
        Case(f"unsupported-{name}.cpp", source, must_reject=True, construct_lines=tagged_lines(source))
        for name, source in CXX_UNSUPPORTED_SOURCES.items()
    ]


def malformed_cases() -> list[Case]:
    return [Case(f"malformed-{name}.c", source) for name, source in MALFORMED_SOURCES.items()]


def all_cases() -> list[Case]:
    return (
        mutant_cases()
        + cxx_mutant_cases()
        + upstream_annotation_cases()
        + artifact_pragma_cases()
        + malformed_cases()
        + unsupported_cases()
    )


# ---------------------------------------------------------------- running the cases


def translate_one(case: Case) -> Outcome:
    """Translates one case in this process, classifying what happened."""
    from approxmlir.frontends.c import FrontendError, translate_source

    try:
        mlir = translate_source(case.source, case.name)
    except FrontendError as error:
        location = error.location
        return Outcome(
            error=str(error),
            error_file=location.file,
            error_line=location.line,
            error_column=location.column,
            error_message=error.message,
        )
    except BaseException:  # noqa: BLE001 - anything else is what this test looks for
        return Outcome(crash=traceback.format_exc())
    if not isinstance(mlir, str):
        return Outcome(crash=f"translate_source returned {type(mlir).__name__}, not str")
    return Outcome(mlir=mlir)


def worker(cases: list[Case], conn: multiprocessing.connection.Connection) -> None:
    """Child process: reports ("start", i) before and ("done", i, outcome) after each case."""
    for index, case in enumerate(cases):
        conn.send(("start", index))
        conn.send(("done", index, translate_one(case)))
    conn.close()


class WorkerStartError(RuntimeError):
    """The translating process ended before it started on its first case."""


def run_in_child(cases: list[Case]) -> Iterator[Outcome]:
    """Yields the outcome of each case; a hang or a dead child ends this child's run."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=worker, args=(cases, sender), daemon=True)
    process.start()
    sender.close()
    started = False
    try:
        done = 0
        while done < len(cases):
            # Before the first case the child also starts Python and loads libclang.
            timeout = PER_CASE_TIMEOUT_S if started else PER_CASE_TIMEOUT_S + STARTUP_TIMEOUT_S
            if not receiver.poll(timeout):
                if not started:
                    raise WorkerStartError(f"the translating process did not start within {timeout:g} s")
                yield Outcome(crash=f"no result after {PER_CASE_TIMEOUT_S:g} s (hang)")
                return
            try:
                message = receiver.recv()
            except EOFError as error:
                process.join(5.0)
                if not started:
                    raise WorkerStartError(f"the translating process failed (exit code {process.exitcode})") from error
                yield Outcome(crash=f"the translating process died (exit code {process.exitcode})")
                return
            started = True
            if message[0] == "done":
                yield message[2]
                done += 1
    finally:
        if process.is_alive():
            process.kill()
        process.join(5.0)
        receiver.close()


def run_all(cases: list[Case]) -> list[Outcome]:
    """Runs every case, in a fresh child after each hang or crash."""
    outcomes: list[Outcome] = []
    while len(outcomes) < len(cases):
        outcomes.extend(run_in_child(cases[len(outcomes) :]))
    return outcomes


# ---------------------------------------------------------------- checks


def location_problem(case: Case, outcome: Outcome) -> Optional[str]:
    """Why a FrontendError is not properly located in the input (None if it is)."""
    line_count = case.source.count("\n") + 1
    prefix = f"{outcome.error_file}:{outcome.error_line}:{outcome.error_column}: "
    if outcome.error_file != case.name:
        return f"located in {outcome.error_file!r}, not in the input {case.name!r}"
    if not outcome.error.startswith(prefix):
        return f"str() does not start with {prefix!r}"
    if not 1 <= outcome.error_line <= line_count:
        return f"line {outcome.error_line} outside the input's {line_count} lines"
    if outcome.error_column < 1:
        return f"column {outcome.error_column}"
    if not outcome.error_message:
        return "empty message"
    return None


def outcome_problem(case: Case, outcome: Outcome) -> Optional[str]:
    if outcome.crash is not None:
        return outcome.crash
    if outcome.error is not None:
        return location_problem(case, outcome)
    if case.must_reject:
        return "translated without an error, but the input must be rejected"
    return None


def unsupported_problem(case: Case, outcome: Outcome) -> Optional[str]:
    problem = outcome_problem(case, outcome)
    if problem is not None:
        return problem
    if "unsupported:" not in outcome.error_message:
        return f"rejected, but not as unsupported: {outcome.error}"
    if outcome.error_line not in case.construct_lines:
        return f"{outcome.error} is not at a line using the construct ({sorted(case.construct_lines)})"
    return None


def mlir_problem(mlir: str) -> Optional[str]:
    """Why approx-opt does not accept returned MLIR (None if it does)."""
    if not mlir.strip():
        return "returned empty MLIR"
    try:
        compiler.run_approx_opt(mlir, [], timeout=60.0)
    except compiler.CompilerError as error:
        return f"returned MLIR that approx-opt rejects:\n{error.diagnostics}\n{mlir}"
    return None


def report(failures: list[tuple[Case, str]]) -> str:
    return "\n\n".join(f"{case.describe()}\n>>> {problem}" for case, problem in failures)


# ---------------------------------------------------------------- tests


def test_case_generation_is_deterministic_and_large_enough() -> None:
    cases = all_cases()
    assert cases == all_cases()
    assert len(cases) >= 200
    assert len({case.name for case in cases}) == len(cases)
    assert all(case.construct_lines for case in unsupported_cases())
    assert sum(case.source not in {s for _, s in corpus_sources()} for case in mutant_cases()) >= 180


def test_malformed_and_unsupported_sources_fail_cleanly() -> None:
    cases = all_cases()
    start = time.monotonic()
    outcomes = run_all(cases)
    elapsed = time.monotonic() - start

    failures = [
        (case, problem)
        for case, outcome in zip(cases, outcomes)
        if (problem := outcome_problem(case, outcome)) is not None
    ]
    assert not failures, f"{len(failures)} of {len(cases)} inputs were mishandled:\n\n{report(failures)}"
    assert elapsed < TOTAL_BUDGET_S, f"translating {len(cases)} inputs took {elapsed:.1f} s"

    translated = [(case, outcome.mlir) for case, outcome in zip(cases, outcomes) if outcome.mlir is not None]
    bad_mlir = [(case, problem) for case, mlir in translated if (problem := mlir_problem(mlir)) is not None]
    assert not bad_mlir, f"{len(bad_mlir)} translations are not valid MLIR:\n\n{report(bad_mlir)}"
    # Not vacuous: some mutants (a duplicated blank line, ...) are still valid C.
    assert translated, "no input was translated"


@pytest.fixture(scope="module")
def unsupported_outcomes() -> dict[str, Outcome]:
    cases = unsupported_cases()
    return {case.name: outcome for case, outcome in zip(cases, run_all(cases))}


@pytest.mark.parametrize("case", unsupported_cases(), ids=lambda case: case.name.replace(".", "_"))
def test_unsupported_construct_is_rejected_at_its_line(case: Case, unsupported_outcomes: dict[str, Outcome]) -> None:
    problem = unsupported_problem(case, unsupported_outcomes[case.name])
    assert problem is None, f"{case.describe()}\n>>> {problem}"


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
