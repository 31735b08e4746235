"""TorchScript inference through libapprox_ml.so (runtime/ml/README.md): the
model's outputs land in the application's arrays, model_choice selects
"<stem>.<k>.pt" or the exact code, and predicated mode mixes inference with
collection."""

import json
import sys
import warnings

import h5py
import numpy as np
import pytest
import torch
from conftest import driver_inputs, parse_calls


def save_linear(path, weights, bias):
    layer = torch.nn.Linear(2, len(weights))
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weights, dtype=torch.float32))
        layer.bias.fill_(bias)
    # The runtime loads TorchScript, which this torch marks deprecated.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.script(layer).save(str(path))


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """m.pt: y = 2 x0 + x1 + 0.5; m.3.pt: y = 3 x0 + x1; m.5.pt: 2 outputs."""
    directory = tmp_path_factory.mktemp("models")
    save_linear(directory / "m.pt", [[2.0, 1.0]], 0.5)
    save_linear(directory / "m.3.pt", [[3.0, 1.0]], 0.0)
    save_linear(directory / "m.5.pt", [[1.0, 0.0], [0.0, 1.0]], 0.0)
    return directory / "m.pt"


def check_values(call, function):
    a, b = driver_inputs(call.k)
    assert call.n == len(a)
    np.testing.assert_allclose(call.c, function(a, b), rtol=1e-6)


def test_infer_writes_model_outputs(driver, model, tmp_path):
    stats = tmp_path / "stats.json"
    result = driver.run("--mode=infer", "--calls=6", f"--model={model}", env={"APPROX_ML_STATS": str(stats)})
    calls = parse_calls(result.stdout)
    assert [c.ran for c in calls] == ["model"] * 6
    for call in calls:
        check_values(call, lambda a, b: 2 * a + b + 0.5)
    saxpy = json.loads(stats.read_text())["saxpy"]
    assert (saxpy["calls"], saxpy["inferences"], saxpy["collections"]) == (6, 6, 0)
    assert saxpy["inference"] > 0 and saxpy["bridge_in"] > 0 and saxpy["bridge_out"] > 0


def test_model_choice_selects_numbered_file(driver, model):
    result = driver.run("--mode=infer", "--calls=4", f"--model={model}", "--choice=3")
    for call in parse_calls(result.stdout):
        assert call.ran == "model"
        check_values(call, lambda a, b: 3 * a + b)


def test_model_choice_minus_one_runs_exact_code(driver, model):
    result = driver.run("--mode=infer", "--calls=4", f"--model={model}", "--choice=-1")
    for call in parse_calls(result.stdout):
        assert call.ran == "exact"
        check_values(call, lambda a, b: 2 * a + b)


def test_missing_model_choice_exits_2(driver, model):
    result = driver.run("--mode=infer", "--calls=1", f"--model={model}", "--choice=7", expect_rc=2)
    stem = str(model)[: -len(".pt")]
    assert result.stderr == f"ml_driver.cpp:10: error: model file '{stem}.7.pt' not found\n"


def test_output_shape_mismatch_exits_2(driver, model):
    result = driver.run("--mode=infer", "--calls=1", f"--model={model}", "--choice=5", expect_rc=2)
    assert result.stderr == ("ml_driver.cpp:10: error: the model output has shape [3, 2], the out maps expect [3, 1]\n")


def test_predicated_mixes_inference_and_collection(driver, model, tmp_path):
    db, stats = tmp_path / "d.h5", tmp_path / "stats.json"
    result = driver.run(
        "--mode=predicated",
        "--calls=6",
        f"--model={model}",
        f"--database={db}",
        env={"APPROX_ML_STATS": str(stats)},
    )
    calls = parse_calls(result.stdout)
    assert [c.ran for c in calls] == ["exact", "model"] * 3
    for call in calls:
        if call.ran == "model":
            check_values(call, lambda a, b: 2 * a + b + 0.5)
        else:
            check_values(call, lambda a, b: 2 * a + b)
    with h5py.File(db, "r") as f:
        a = np.concatenate([driver_inputs(k)[0] for k in (0, 2, 4)])
        np.testing.assert_array_equal(f["saxpy/inputs"][:, 0], a)
        assert f["saxpy/calls"].shape == (3, 2)
    saxpy = json.loads(stats.read_text())["saxpy"]
    assert (saxpy["calls"], saxpy["inferences"], saxpy["collections"]) == (6, 3, 3)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
