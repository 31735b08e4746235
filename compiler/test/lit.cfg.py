# lit configuration for the approx dialect tests.
#
# Under Bazel each test file is its own target (//compiler/test:<file>.test);
# by hand:  lit compiler/test -Dapprox_opt=bazel-bin/compiler/approx-opt
import os
import tempfile

import lit.formats

config.name = "approx"
# PyPI lit rejects execute_external=True; the internal shell has `not` too.
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "lit.cfg.py"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
config.test_exec_root = os.environ.get("TEST_TMPDIR") or tempfile.mkdtemp(prefix="approx-lit-")

_repo_root = os.path.dirname(os.path.dirname(config.test_source_root))
approx_opt = os.path.abspath(
    lit_config.params.get("approx_opt", os.path.join(_repo_root, "bazel-bin", "compiler", "approx-opt"))
)
filecheck = os.path.abspath(lit_config.params.get("filecheck", "/usr/lib/llvm-22/bin/FileCheck"))
for tool in (approx_opt, filecheck):
    if not os.path.exists(tool):
        lit_config.fatal(f"missing tool {tool}: build it or pass -Dapprox_opt=/-Dfilecheck=")

config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Dialect", "Approx", "Inputs")))
config.environment["PATH"] = os.pathsep.join(
    [os.path.dirname(approx_opt), os.path.dirname(filecheck), config.environment.get("PATH", "/usr/bin:/bin")]
)
