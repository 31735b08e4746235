"""`bazel run //tests:lint`: ruff's linter and formatter check over the source tree (pyproject.toml).

`.ci/run` runs it before the tests; `--fix` applies the safe fixes and formats.
It also checks that every test file runs pytest when executed: Bazel's
py_test runs the file as a script, and one without
`raise SystemExit(pytest.main([__file__, ...]))` passes without testing.
"""

import os
import pathlib
import subprocess
import sys

SKIPPED_DIRS = {".git", "third_party", "node_modules"}


def tests_without_pytest_main(root: pathlib.Path) -> list[pathlib.Path]:
    found = []
    for path in sorted(root.rglob("*_test.py")):
        parts = path.relative_to(root).parts
        if parts[0] in SKIPPED_DIRS or parts[0].startswith("bazel-"):
            continue
        if "pytest.main(" not in path.read_text():
            found.append(path.relative_to(root))
    return found


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
    status = max(subprocess.run(step, cwd=root, check=False).returncode for step in steps)
    missing = tests_without_pytest_main(pathlib.Path(root))
    for path in missing:
        print(
            f"{path}: a test file without `raise SystemExit(pytest.main([__file__, ...]))` passes under Bazel untested"
        )
    return 1 if missing else status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
