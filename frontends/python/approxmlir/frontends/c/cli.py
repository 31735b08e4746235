"""approx-cc: translate annotated C or C++ to approx MLIR.

    approx-cc kernel.c -o kernel.mlir [--verify]
    approx-cc kernel.cpp -o kernel.mlir

Errors are printed as `file:line:col: message` and exit with status 1.
"""

from __future__ import annotations

import pathlib
import sys

from absl import app, flags

from approxmlir.frontends.c import FrontendError, translate_file

OUTPUT = flags.DEFINE_string("o", "-", "Output file ('-' for stdout).")
VERIFY = flags.DEFINE_bool("verify", True, "Check the output with approx-opt (needs approx-opt).")
INCLUDES = flags.DEFINE_multi_string("I", [], "Include directories for the C preprocessor.")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: approx-cc FILE.c|FILE.cpp [-o OUT.mlir]", file=sys.stderr)
        return 2
    try:
        mlir = translate_file(argv[1], args=[f"-I{d}" for d in INCLUDES.value])
    except FrontendError as error:
        print(error, file=sys.stderr)
        return 1
    if VERIFY.value:
        from approxmlir.compiler import CompilerError, run_approx_opt

        try:
            run_approx_opt(mlir, ["-o", "/dev/null"])
        except CompilerError as error:
            print(
                f"{argv[1]}: internal error: the frontend produced invalid MLIR:\n{error.diagnostics}", file=sys.stderr
            )
            return 1
    if OUTPUT.value == "-":
        sys.stdout.write(mlir)
    else:
        pathlib.Path(OUTPUT.value).write_text(mlir)
    return 0


def run() -> None:
    app.run(main)


if __name__ == "__main__":
    run()
