"""`bazel run //tests:lint`: ruff's linter and formatter check over the source tree (pyproject.toml).

`.ci/run` runs it before the tests; `--fix` applies the safe fixes and formats.
"""

import os
import subprocess
import sys


def main(argv: list[str]) -> int:
    root = os.environ.get("BUILD_WORKSPACE_DIRECTORY")
    if not root:
        print("run me with `bazel run //tests:lint` (I check the workspace's sources)", file=sys.stderr)
        return 2
    ruff = [sys.executable, "-m", "ruff"]
    if "--fix" in argv:
        steps = [[*ruff, "check", "--fix", "."], [*ruff, "format", "."]]
    else:
        steps = [[*ruff, "check", "."], [*ruff, "format", "--check", "--diff", "."]]
    return max(subprocess.run(step, cwd=root, check=False).returncode for step in steps)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
