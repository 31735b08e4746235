"""approx-cc-library: annotated C + a configuration JSON -> shared library + signatures.

The tool behind the Bazel rule `approx_cc_library` (frontends/defs.bzl):

    approx-cc-library --src kmeans.c --config tuned/kmeans.json \\
        --library out.so --signatures out.json
"""

from __future__ import annotations

import json
import pathlib
import shutil
import sys
import tempfile

from absl import app, flags

from approxmlir import runtime
from approxmlir.compiler import CompilerError, build_native
from approxmlir.frontends.c import FrontendError, translate_file

SRC = flags.DEFINE_string("src", None, "Annotated C source.", required=True)
CONFIG = flags.DEFINE_string("config", None, 'Configuration JSON {"knobs": {...}} (default: exact).')
C_SOURCES = flags.DEFINE_multi_string("c_source", [], "Extra C files compiled in (not translated).")
LIBRARY = flags.DEFINE_string("library", None, "Output shared library.", required=True)
SIGNATURES = flags.DEFINE_string("signatures", None, "Output signatures JSON.", required=True)


def main(argv: list[str]) -> int:
    del argv
    config = None
    if CONFIG.value:
        config = json.loads(pathlib.Path(CONFIG.value).read_text())["knobs"]
    try:
        mlir = translate_file(SRC.value, args=[f"-I{runtime.include_dir()}"])
        with tempfile.TemporaryDirectory(prefix="approx-cc-library-") as cache:
            artifact = build_native(mlir, config, c_sources=C_SOURCES.value, cache_dir=cache)
            shutil.copyfile(artifact.library, LIBRARY.value)
            shutil.copyfile(artifact.signatures, SIGNATURES.value)
    except FrontendError as error:
        print(error, file=sys.stderr)
        return 1
    except CompilerError as error:
        print(f"{SRC.value}: {error}", file=sys.stderr)
        return 1
    return 0


def run() -> None:
    app.run(main)


if __name__ == "__main__":
    run()
