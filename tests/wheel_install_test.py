"""Installs the approxmlir wheel into a fresh venv outside the source tree and uses it."""

import json
import os
import pathlib
import subprocess
import tempfile
import venv

import pytest

_RUNFILES = pathlib.Path(os.path.abspath(__file__)).parent.parent
WHEEL = _RUNFILES / "approxmlir-0.1.0-py3-none-linux_x86_64.whl"
EXAMPLE = _RUNFILES / "benchmarks" / "examples" / "retrieval.mlir"
DOT_KERNEL = _RUNFILES / "benchmarks" / "kernels" / "dot.mlir"
ANNOTATED_C = _RUNFILES / "frontends" / "python" / "tests" / "testdata" / "annotated.c"
# Locked wheels of the run-time dependencies (numpy), so pip needs no index.
WHEELHOUSE = _RUNFILES.parent / "approx_py" / "wheelhouse"

USE_WHEEL = """
import json, pathlib, sys
import approxmlir
from approxmlir import compiler
knobs = compiler.export_knobs(pathlib.Path(sys.argv[1]))
print(json.dumps({
    "package": approxmlir.__file__,
    "approx_opt": str(compiler.find_approx_opt()),
    "knobs": [[k.id, k.function, list(k.transform_types), k.state_function] for k in knobs],
}))
"""


@pytest.fixture(scope="module")
def installed_venv():
    with tempfile.TemporaryDirectory(prefix="approxmlir-wheel-") as tmp:
        env_dir = pathlib.Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        subprocess.run(
            [
                env_dir / "bin" / "python",
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-index",
                "--find-links",
                WHEELHOUSE,
                "--disable-pip-version-check",
                WHEEL,
            ],
            check=True,
        )
        yield env_dir


def _clean_env() -> dict[str, str]:
    # Nothing of the Bazel test environment may leak into the fresh venv.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "RUNFILES", "APPROXMLIR"))}
    env["PATH"] = "/usr/bin:/bin"
    return env


def test_wheel_imports_and_exports_knobs_outside_the_repo(installed_venv, tmp_path):
    result = subprocess.run(
        [installed_venv / "bin" / "python", "-c", USE_WHEEL, EXAMPLE],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    site_packages = str(installed_venv / "lib")
    assert report["package"].startswith(site_packages)
    assert report["approx_opt"].startswith(site_packages)
    assert report["knobs"] == [
        ["corpus_subsetting", "score_corpus", ["loop_perforate"], "retrieval_state"],
        ["term_scoring", "score_term", ["func_substitute"], None],
    ]


BUILD_AND_RUN = """
import json, pathlib, sys
import numpy as np
from approxmlir import compiler
artifact = compiler.build_native(pathlib.Path(sys.argv[1]), {"dot_loop": {"decisions": [1]}})
dot = artifact.load()["dot"]
a, b = np.arange(10.0), np.full(10, 2.0)
print(json.dumps({"library": str(artifact.library), "result": dot(a, b, 10)}))
"""


def test_wheel_builds_and_runs_a_native_kernel(installed_venv, tmp_path):
    env = dict(_clean_env(), APPROXMLIR_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run(
        [installed_venv / "bin" / "python", "-c", BUILD_AND_RUN, DOT_KERNEL],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["library"].startswith(str(tmp_path / "cache"))
    # Perforated by 2: only the even elements count: 2 * (0 + 2 + 4 + 6 + 8).
    assert report["result"] == 40.0


def test_wheel_approx_cc_translates_annotated_c(installed_venv, tmp_path):
    output = tmp_path / "annotated.mlir"
    result = subprocess.run(
        [installed_venv / "bin" / "approx-cc", ANNOTATED_C, "-o", output],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert 'approx.knob "sum_loop"' in output.read_text()


def test_wheel_console_script_runs_bundled_approx_opt(installed_venv, tmp_path):
    result = subprocess.run(
        [installed_venv / "bin" / "approx-opt", "--show-dialects"],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "approx" in result.stdout.split("Available Dialects:")[1].split(",")


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
