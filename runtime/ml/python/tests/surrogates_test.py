"""Tests of approxmlir.surrogates on a synthetic HPAC-ML database."""

from __future__ import annotations

import json
import math
import os

import h5py
import numpy as np
import pytest
import torch

from approxmlir.qos import rmse
from approxmlir.surrogates import (
    MLPConfig,
    SearchConfig,
    TrainConfig,
    export,
    list_regions,
    load_region,
    search,
    train,
)

# TorchScript is the runtime's format; torch 2.13 flags every torch.jit call.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")

REGION = "stencil"
CALLS, ROWS_PER_CALL = 12, 200


def _targets(x: np.ndarray) -> np.ndarray:
    return np.stack([np.sin(x[:, 0]) + x[:, 1] * x[:, 2], x[:, 0] * x[:, 1]], axis=1)


def write_database(path: str, calls: int = CALLS, rows_per_call: int = ROWS_PER_CALL) -> None:
    """The runtime's layout (runtime/ml/README.md, "HDF5 layout")."""
    rng = np.random.default_rng(1234)
    x = rng.uniform(-2.0, 2.0, size=(calls * rows_per_call, 3))
    with h5py.File(path, "w") as f:
        group = f.create_group(REGION)
        group.create_dataset("inputs", data=x, maxshape=(None, 3), chunks=True)
        group.create_dataset("outputs", data=_targets(x), maxshape=(None, 2), chunks=True)
        starts = np.arange(calls, dtype=np.int64) * rows_per_call
        group.create_dataset("calls", data=np.stack([starts, np.full(calls, rows_per_call)], axis=1).astype(np.int64))
        group.create_dataset("timings", data=np.full(calls, 1e-3))
        group.attrs["sweep_shape"] = np.array([10, 20], dtype=np.int64)
        group.attrs["source"] = "stencil.c:42"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("db") / "d.h5")
    write_database(path)
    return path


def test_load_region_round_trip(database: str) -> None:
    data = load_region(database, REGION)
    assert list_regions(database) == [REGION]
    assert data.inputs.shape == (CALLS * ROWS_PER_CALL, 3) and data.inputs.dtype == np.float64
    np.testing.assert_array_equal(data.outputs, _targets(data.inputs))
    assert data.calls.shape == (CALLS, 2) and data.timings.shape == (CALLS,)
    assert data.sweep_shape == (10, 20)
    assert data.source == "stencil.c:42"
    assert (data.n_inputs, data.n_outputs, data.n_calls) == (3, 2, CALLS)
    assert data.exact_seconds_per_row() == pytest.approx(1e-3 / ROWS_PER_CALL)


def test_load_region_errors(database: str, tmp_path) -> None:
    with pytest.raises(ValueError, match=r"d\.h5.*'nope'.*no such group.*stencil"):
        load_region(database, "nope")
    missing = str(tmp_path / "missing.h5")
    with pytest.raises(ValueError, match=r"missing\.h5.*'stencil'.*no such database"):
        load_region(missing, REGION)
    partial = str(tmp_path / "partial.h5")
    with h5py.File(partial, "w") as f:
        f.create_group(REGION).create_dataset("inputs", data=np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"partial\.h5.*'stencil'.*missing dataset 'outputs'"):
        load_region(partial, REGION)


def test_split_holds_out_whole_calls(database: str, tmp_path) -> None:
    data = load_region(database, REGION)
    train_rows, val_rows = data.split(0.25, seed=3)
    assert len(train_rows) + len(val_rows) == data.n_rows
    assert len(val_rows) == 3 * ROWS_PER_CALL
    call_of = np.repeat(np.arange(CALLS), ROWS_PER_CALL)
    assert not set(call_of[train_rows]) & set(call_of[val_rows])
    np.testing.assert_array_equal(data.split(0.25, seed=3)[1], val_rows)  # seeded

    one_call = str(tmp_path / "one.h5")
    write_database(one_call, calls=1, rows_per_call=50)
    train_rows, val_rows = load_region(one_call, REGION).split(0.2, seed=0)
    assert (len(train_rows), len(val_rows)) == (40, 10)


def test_subsample_keeps_rows_in_their_calls(database: str) -> None:
    data = load_region(database, REGION)
    small = data.subsample(50, seed=3)
    assert small.n_rows == 50 and small.n_calls == data.n_calls
    assert small.calls[:, 1].sum() == 50
    np.testing.assert_array_equal(small.calls[:, 0], np.cumsum(small.calls[:, 1]) - small.calls[:, 1])
    # Every kept row is a row of the database, in its original call.
    for (first, count), (orig_first, orig_count) in zip(small.calls, data.calls):
        rows = small.inputs[first : first + count]
        original = data.inputs[orig_first : orig_first + orig_count]
        assert all(any(np.array_equal(r, o) for o in original) for r in rows)
    assert data.subsample(data.n_rows) is data


def test_train_beats_constant_predictor(database: str) -> None:
    data = load_region(database, REGION)
    config = TrainConfig(epochs=80, batch_size=64, lr=3e-3, seed=0, patience=15)
    threads = torch.get_num_threads()
    result = train(data, MLPConfig(hidden=(32, 32), activation="tanh"), config)
    train_rows, val_rows = data.split(config.val_fraction, config.seed)
    constant = np.broadcast_to(data.outputs[train_rows].mean(axis=0), data.outputs[val_rows].shape)
    baseline = rmse(constant, data.outputs[val_rows])
    print(
        f"val RMSE {result.val_rmse:.4f} vs constant {baseline:.4f} "
        f"({result.epochs} epochs, best {result.best_epoch}, {result.train_seconds:.2f} s)"
    )
    assert result.val_rmse < 0.2 * baseline
    assert math.isfinite(result.val_mape)
    assert torch.get_num_threads() == threads  # train() ran on 1 thread, then restored it


def test_train_is_deterministic(database: str) -> None:
    data = load_region(database, REGION)
    config, mlp = TrainConfig(epochs=3, batch_size=128, seed=7), MLPConfig(hidden=(8, 8))
    first, second = train(data, mlp, config), train(data, mlp, config)
    assert first.val_rmse == second.val_rmse
    for a, b in zip(first.model.state_dict().values(), second.model.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_torchscript_keeps_leading_dims(database: str, tmp_path) -> None:
    data = load_region(database, REGION)
    model = train(data, MLPConfig(hidden=(16,), activation="silu"), TrainConfig(epochs=3, seed=1)).model
    path = str(tmp_path / "m.pt")
    export.save(model, path, {"region": REGION})
    loaded = torch.jit.load(path)
    x = torch.randn(4, 7, 3, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        eager, scripted = model(x), loaded(x)
    assert scripted.shape == (4, 7, 2) and scripted.dtype == torch.float32
    torch.testing.assert_close(scripted, eager, rtol=0, atol=0)
    assert export.load_metadata(path) == {"region": REGION}


def test_search_writes_pareto_models(database: str, tmp_path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "model.9.pt").write_bytes(b"stale")  # from an earlier, larger front
    config = SearchConfig(
        n_trials=4,
        seed=0,
        layers=(1, 2),
        widths=(8, 16),
        epochs=4,
        patience=2,
        batch_sizes=(128,),
        infer_rows=256,
        infer_runs=3,
        progress=False,
    )
    result = search(load_region(database, REGION), config, out_dir)

    summary = json.loads((out_dir / "search.json").read_text())
    assert len(summary["trials"]) == 4 == len(result.trials)
    for trial in summary["trials"]:
        assert {"params", "val_rmse", "val_mape", "infer_s_per_row", "param_count"} <= trial.keys()
        assert trial["val_rmse"] > 0 and trial["infer_s_per_row"] > 0 and trial["param_count"] > 0
    assert summary["pareto"] == [m.record.number for m in result.pareto]
    errors = [m.record.val_rmse for m in result.pareto]
    assert errors == sorted(errors)
    files = sorted(os.listdir(out_dir))
    assert "model.9.pt" not in files or len(result.pareto) >= 9
    x = torch.zeros(5, 3)
    for name in ["model.pt"] + [f"model.{k}.pt" for k in range(1, len(result.pareto) + 1)]:
        assert torch.jit.load(str(out_dir / name))(x).shape == (5, 2)
    torch.testing.assert_close(
        torch.jit.load(str(out_dir / "model.pt"))(x), torch.jit.load(str(out_dir / "model.1.pt"))(x)
    )


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
