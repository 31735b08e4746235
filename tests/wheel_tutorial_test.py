"""The README's "Tune your own compound system", run from the installed wheel outside the repo.

The wheel goes into a fresh venv with its `tuner` and `ml` extras. Their
third-party packages (jax, IREE, transformers: gigabytes) are not downloaded
at test time: a .pth file lends the fresh venv the project venv's
site-packages, which holds exactly the locked versions, and pip checks that
they satisfy the wheel's requirements. approxmlir itself comes only from the
wheel. The example runs as the README shows it, with a tiny Gemma-architecture
model (written by approxmlir.frontends.llm.testing) instead of the packaged one.
"""

import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sysconfig
import tempfile
import venv

import pytest

_RUNFILES = pathlib.Path(os.path.abspath(__file__)).parent.parent
WHEEL = _RUNFILES / "approxmlir-0.1.0-py3-none-linux_x86_64.whl"
EXAMPLE = _RUNFILES / "tuner" / "examples" / "compound"
README = _RUNFILES / "README.md"
WHEELHOUSE = _RUNFILES.parent / "approx_py" / "wheelhouse"

WRITE_TINY_MODEL = """
import sys
from approxmlir.frontends.llm import decoder, testing
params = decoder.init_random_params(testing.TINY_CONFIG, seed=1)
testing.write_tiny_gguf(sys.argv[1], testing.TINY_CONFIG, params)
"""


@pytest.fixture(scope="module")
def installed_venv():
    with tempfile.TemporaryDirectory(prefix="approxmlir-tutorial-") as tmp:
        env_dir = pathlib.Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        site = next((env_dir / "lib").glob("python3*/site-packages"))
        (site / "project_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
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
                f"approxmlir[tuner,ml] @ {WHEEL.as_uri()}",
            ],
            check=True,
        )
        yield env_dir


def _clean_env(tmp_path: pathlib.Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "RUNFILES", "APPROXMLIR"))}
    env.update(
        PATH="/usr/bin:/bin", HOME=str(tmp_path), APPROXMLIR_CACHE_DIR=str(tmp_path / "cache"), JAX_PLATFORMS="cpu"
    )
    return env


def test_the_readme_shows_the_example_as_it_is():
    readme = README.read_text()
    assert (EXAMPLE / "my_rag.py").read_text() in readme
    assert (EXAMPLE / "keyword_retriever.c").read_text() in readme
    assert len((EXAMPLE / "my_rag.py").read_text().splitlines()) <= 85


def test_the_tutorial_tunes_a_new_pipeline_from_the_wheel(installed_venv, tmp_path):
    python = installed_venv / "bin" / "python"
    env = _clean_env(tmp_path)
    for name in ("my_rag.py", "keyword_retriever.c"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    subprocess.run([python, "-c", WRITE_TINY_MODEL, tmp_path / "tiny.gguf"], cwd=tmp_path, env=env, check=True)
    result = subprocess.run(
        [python, "my_rag.py", "--model_file=tiny.gguf", "--output=out", "--evaluations=6"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    print(result.stdout)
    assert "held-out accuracy" in result.stdout, result.stdout
    frontier = json.loads((tmp_path / "out" / "frontier_dynamic.json").read_text())
    assert frontier and {knob for point in frontier for knob in point["config"]} <= {"word_sampling", "reader"}
    # Every question was answered by a model, and the answers are memoized.
    rows = sqlite3.connect(tmp_path / "out" / "answers.sqlite").execute("SELECT variant FROM answers").fetchall()
    assert {variant for (variant,) in rows} <= {"extractive", "zero-shot"} and len(rows) >= 4


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
