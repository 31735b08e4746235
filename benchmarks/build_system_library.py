"""The build step of `//benchmarks:<system>_exact` and `<system>_tuned`: a compound system's native library.

    build_system_library --system=bm25_rag --config=tuned/bm25_rag.json \\
        --library=bm25_rag_tuned.so --signatures=bm25_rag_tuned.signatures.json

Links the system's pipeline (the kernels' modules from the C frontend and the
model selectors, approxmlir.compound.Pipeline) into one module and builds it
with the configuration (none: exact), as approx_cc_library does for a
kernel: a configuration that names an unknown knob or leaves a knob's space
fails the build with the file's name.
"""

import shutil
import sys
import tempfile

from absl import app, flags

from approxbench import system_run, systems
from approxbench.system_flags import SYSTEM

CONFIG = flags.DEFINE_string("config", None, "Configuration JSON (default: exact).")
LIBRARY = flags.DEFINE_string("library", None, "Output shared library.", required=True)
SIGNATURES = flags.DEFINE_string("signatures", None, "Output signatures JSON.", required=True)


def main(argv):
    del argv
    with tempfile.TemporaryDirectory(prefix="build-system-library-") as cache:
        pipeline = systems.new_system(SYSTEM.value, None, cache_dir=cache).pipeline
        try:
            config = None if CONFIG.value is None else system_run.load_tuned_config(CONFIG.value, pipeline.knobs)
            artifact = system_run.build_configured(pipeline, config, CONFIG.value)
        except system_run.TunedConfigError as error:
            print(error, file=sys.stderr)
            return 1
        shutil.copyfile(artifact.library, LIBRARY.value)
        shutil.copyfile(artifact.signatures, SIGNATURES.value)
    return 0


if __name__ == "__main__":
    app.run(main)
