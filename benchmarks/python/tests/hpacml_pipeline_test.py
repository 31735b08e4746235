"""Collect -> train -> infer for Binomial Options through the whole toolchain.

The C frontend lowers the pragmas, libapprox_ml.so collects into HDF5, the
surrogate search trains from it, and inference writes the model's outputs
back into the application's array. Small inputs and a tiny search: this
checks data, not model quality.
"""

import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest
import torch

from approxbench.hpacml import APPS
from approxbench.hpacml.build import build_library
from approxbench.hpacml.phases import run_phase
from approxbench.hpacml.pipeline import PipelineConfig, run
from approxmlir import surrogates
from approxmlir.compiler import KnobParams


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("binomial")
    config = PipelineConfig(
        app="binomial",
        workdir=workdir,
        train_size="test",
        eval_size="test",
        max_models=1,
        search=surrogates.SearchConfig(
            n_trials=2, epochs=5, n_startup_trials=2, progress=False, widths=(16,), layers=(1, 2), batch_sizes=(8,)
        ),
        cache_dir=workdir / "cache",
    )
    return workdir, run(config)


def test_database_holds_the_exact_inputs_and_outputs(result):
    workdir, outcome = result
    app = APPS["binomial"]
    inputs = app.inputs("test")
    exact = app.reference(inputs)
    with h5py.File(workdir / app.database_file, "r") as db:
        (region,) = db.keys()
        group = db[region]
        features = np.stack([inputs[name] for name in "SKTRV"], axis=1)
        np.testing.assert_array_equal(group["inputs"][:], features)
        np.testing.assert_allclose(group["outputs"][:, 0], exact, rtol=1e-12)
        np.testing.assert_array_equal(group["calls"][:], [[0, len(exact)]])
        assert group["timings"].shape == (1,) and group["timings"][0] > 0
    assert outcome.rows == len(exact)


def test_inference_writes_the_models_outputs(result):
    workdir, outcome = result
    app = APPS["binomial"]
    inputs = app.inputs("test")
    model = torch.jit.load(str(workdir / app.model_file))
    features = torch.tensor(np.stack([inputs[name] for name in "SKTRV"], axis=1), dtype=torch.float32)
    with torch.no_grad():
        expected = model(features)[:, 0].double().numpy()
    infer = run_phase("binomial", "infer", "test", workdir, workdir / "cache")
    np.testing.assert_allclose(infer.qoi, expected, rtol=1e-5, atol=1e-5)
    (stats,) = infer.stats.values()
    assert stats["inferences"] == 2 and stats["collections"] == 0
    (deployed,) = outcome.models
    assert deployed.error == pytest.approx(app.error(infer.qoi, app.reference(inputs)), rel=1e-6)
    assert 0 < deployed.bridge_overhead < 10


def test_collection_overhead_is_measured(result):
    _, outcome = result
    assert outcome.collect_seconds > 0 and outcome.plain_train_seconds > 0
    assert outcome.pragma_lines == 5


def test_knobs_select_the_surrogate_or_a_coarser_tree(result, monkeypatch):
    """The ml_surrogate knob picks model k (`binomial.<k>.pt`) or the exact
    code (0); binomial_tree substitutes a tree with 1/8 of the steps."""
    workdir, _ = result
    app = APPS["binomial"]
    shutil.copyfile(workdir / "models" / "model.1.pt", workdir / "binomial.1.pt")
    monkeypatch.chdir(workdir)
    inputs = app.inputs("test")

    def run(surrogate: int, tree: int) -> np.ndarray:
        config = {
            "binomial_surrogate": KnobParams("ml_surrogate", (surrogate,)),
            "binomial_tree": KnobParams("func_substitute", (tree,)),
        }
        lib = build_library(app, config=config, cache_dir=workdir / "cache")
        return app.call(lib, inputs, use_model=True)

    model = torch.jit.load(str(workdir / "binomial.1.pt"))
    features = torch.tensor(np.stack([inputs[name] for name in "SKTRV"], axis=1), dtype=torch.float32)
    with torch.no_grad():
        np.testing.assert_allclose(run(1, 0), model(features)[:, 0].double().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(run(0, 0), app.reference(inputs), rtol=1e-9)
    coarse = dict(inputs, steps=inputs["steps"] // 8)
    np.testing.assert_allclose(run(0, 3), app.reference(coarse), rtol=1e-9)


OUT_OF_BOUNDS = """
#pragma approx tensor functor(f: [i, 0:1] = ([i+1]))
void shift(double *x, double *y, int n) {
#pragma approx ml(collect) in(f(x[0:n])) out(f(y[0:n])) database("shift.h5")
  for (int i = 0; i + 1 < n; i++)
    y[i] = x[i + 1];
}
"""

CALL_SHIFT = """
import numpy as np
from approxmlir.compiler import build_native
from approxmlir.frontends.c import translate_source
lib = build_native(translate_source(open("shift.c").read(), "shift.c"), cache_dir="cache").load()
lib["shift"](np.arange(4.0), np.zeros(4), 4)
"""


def test_slice_outside_the_array_is_a_run_time_error_at_the_pragma(tmp_path):
    """x[i+1] for i in 0..n-1 reads x[n]: the frontend cannot know n, the
    runtime stops with the pragma's location instead of reading past the end."""
    (tmp_path / "shift.c").write_text(OUT_OF_BOUNDS)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    run = subprocess.run([sys.executable, "-c", CALL_SHIFT], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    assert "shift.c:4: error:" in run.stderr and "(array 'x')" in run.stderr and "outside" in run.stderr, run.stderr


# The HPAC-ML artifact's spellings (frontends/c_subset.md): declare tensor_functor / declare tensor,
# ml(offline) (collect) with label (the region's database group, default files <label>.h5/.pt), and
# a multiplicative bound: row i takes the 3 consecutive inputs x[3i:3i+3].
ARTIFACT_ROWS = """\
#pragma approx declare tensor_functor(ipt: [i, 0:3] = ([i*3:i*3+3]))
#pragma approx declare tensor_functor(opt: [i, 0:1] = ([i]))
void rowsum(double *x, double *y, int n) {
#pragma approx declare tensor(ipt_tensor: ipt(x[0:n]))
#pragma approx ml(offline) in(ipt_tensor) out(opt(y[0:n])) label("RowSum")
  for (int i = 0; i < n; i++)
    y[i] = x[3 * i] + x[3 * i + 1] + x[3 * i + 2];
}
"""

CALL_ROWS = """
import numpy as np
from approxmlir.compiler import build_native
from approxmlir.frontends.c import translate_source
lib = build_native(translate_source(open("rows.c").read(), "rows.c"), cache_dir="cache").load()
y = np.zeros(4)
lib["rowsum"](np.arange(12.0), y, 4)
np.save("y.npy", y)
"""


def test_artifact_spelling_with_a_multiplicative_bound_collects_rows(tmp_path):
    (tmp_path / "rows.c").write_text(ARTIFACT_ROWS)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    run = subprocess.run([sys.executable, "-c", CALL_ROWS], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    x = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), x.sum(axis=1))
    with h5py.File(tmp_path / "RowSum.h5", "r") as db:
        assert list(db.keys()) == ["RowSum"]
        np.testing.assert_array_equal(db["RowSum/inputs"][:], x)
        np.testing.assert_array_equal(db["RowSum/outputs"][:, 0], x.sum(axis=1))
        np.testing.assert_array_equal(db["RowSum/calls"][:], [[0, 4]])


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
