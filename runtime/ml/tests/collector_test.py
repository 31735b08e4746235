"""HDF5 collection through libapprox_ml.so (runtime/ml/README.md, "HDF5
layout"): the layout and values, appending across runs, and the file a
SIGKILLed writer leaves behind."""

import json
import signal
import subprocess
import sys

import h5py
import numpy as np
import pytest
from conftest import driver_inputs, parse_calls

BATCH_CALLS = 64


def expected_saxpy(ks, rows=None):
    """inputs, outputs and (first row, count) calls of saxpy for calls ks."""
    inputs, calls, first = [], [], 0
    for k in ks:
        a, b = driver_inputs(k, rows)
        inputs.append(np.column_stack([a, b]))
        calls.append((first, len(a)))
        first += len(a)
    inputs = np.concatenate(inputs)
    return inputs, 2 * inputs[:, :1] + inputs[:, 1:], np.array(calls)


def test_layout_and_values(driver, tmp_path):
    db = tmp_path / "d.h5"
    result = driver.run("--mode=collect", "--calls=10", f"--database={db}", "--sleep-ms=2")
    printed = parse_calls(result.stdout)
    assert [c.ran for c in printed] == ["exact"] * 10

    with h5py.File(db, "r") as f:
        assert set(f) == {"saxpy", "square"}
        g = f["saxpy"]
        assert set(g) == {"inputs", "outputs", "calls", "timings"}
        inputs, outputs, calls = expected_saxpy(range(10))
        assert g["inputs"].dtype == np.float64 and g["outputs"].dtype == np.float64
        assert g["calls"].dtype == np.int64 and g["timings"].dtype == np.float64
        assert g["inputs"].maxshape == (None, 2) and g["inputs"].chunks is not None
        assert g["outputs"].maxshape == (None, 1)
        np.testing.assert_array_equal(g["calls"][:], calls)
        np.testing.assert_array_equal(g["inputs"][:], inputs)
        np.testing.assert_array_equal(g["outputs"][:], outputs)
        # The outputs are what the exact code computed.
        np.testing.assert_array_equal(g["outputs"][:, 0], np.concatenate([c.c for c in printed]))
        assert g["timings"].shape == (10,)
        assert (g["timings"][:] >= 0.002).all() and (g["timings"][:] < 1).all()
        assert list(g.attrs["sweep_shape"]) == [3 + 9 % 5]
        assert g.attrs["source"] == "ml_driver.cpp:10"

        # square collects on odd calls only (its if clause).
        sq = f["square"]
        odd = [k for k in range(10) if k % 2]
        a = np.concatenate([driver_inputs(k)[0] for k in odd])
        np.testing.assert_array_equal(sq["inputs"][:, 0], a)
        np.testing.assert_array_equal(sq["outputs"][:, 0], a * a)
        assert sq["calls"].shape == (5, 2) and sq["timings"].shape == (5,)
        assert sq.attrs["source"] == "ml_driver.cpp:13"


def test_batches_larger_than_a_batch(driver, tmp_path):
    # 150 calls: two full batches written during the run, the rest at exit.
    db = tmp_path / "d.h5"
    driver.run("--mode=collect", "--calls=150", f"--database={db}")
    with h5py.File(db, "r") as f:
        inputs, outputs, calls = expected_saxpy(range(150))
        np.testing.assert_array_equal(f["saxpy/calls"][:], calls)
        np.testing.assert_array_equal(f["saxpy/inputs"][:], inputs)
        np.testing.assert_array_equal(f["saxpy/outputs"][:], outputs)


def test_appends_across_runs(driver, tmp_path):
    db = tmp_path / "d.h5"
    driver.run("--mode=collect", "--calls=4", f"--database={db}")
    driver.run("--mode=collect", "--calls=6", f"--database={db}")
    with h5py.File(db, "r") as f:
        g = f["saxpy"]
        first_inputs, _, first_calls = expected_saxpy(range(4))
        second_inputs, _, second_calls = expected_saxpy(range(6))
        rows = len(first_inputs)
        np.testing.assert_array_equal(g["calls"][:], np.concatenate([first_calls, second_calls + [rows, 0]]))
        np.testing.assert_array_equal(g["inputs"][:], np.concatenate([first_inputs, second_inputs]))
        assert g["outputs"].shape == (rows + len(second_inputs), 1)
        assert g["timings"].shape == (10,)
        assert f["square"]["calls"].shape == (2 + 3, 2)


def test_killed_writer_leaves_a_readable_prefix(driver, tmp_path):
    db = tmp_path / "d.h5"
    process = subprocess.Popen(
        driver.command("--mode=collect", "--calls=100000", f"--database={db}", "--sleep-ms=5"),
        env=driver.env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # After call 200, the batches of calls 0-63, 64-127 and 128-191 are
        # flushed; the next batch ends at call 255.
        for line in process.stdout:
            if line.startswith("call 200 "):
                break
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL

    # A writer killed in SWMR mode leaves the file marked open: read it as
    # a SWMR reader.
    with h5py.File(db, "r", swmr=True) as f:
        g = f["saxpy"]
        calls = g["calls"][:]
        count = len(calls)
        assert count >= 3 * BATCH_CALLS and count % BATCH_CALLS == 0
        inputs, outputs, expected_calls = expected_saxpy(range(count))
        np.testing.assert_array_equal(calls, expected_calls)
        assert calls[:, 1].sum() == g["inputs"].shape[0] == g["outputs"].shape[0]
        np.testing.assert_array_equal(g["inputs"][:], inputs)
        np.testing.assert_array_equal(g["outputs"][:], outputs)
        assert g["timings"].shape == (count,) and (g["timings"][:] >= 0.005).all()
        sq = f["square"]
        assert sq["calls"][:, 1].sum() == sq["inputs"].shape[0] == sq["outputs"].shape[0]

    # The next run appends to the killed file and closes it cleanly.
    driver.run("--mode=collect", "--calls=3", f"--database={db}")
    with h5py.File(db, "r") as f:
        g = f["saxpy"]
        assert g["calls"].shape == (count + 3, 2)
        extra_inputs, _, extra_calls = expected_saxpy(range(3))
        np.testing.assert_array_equal(g["calls"][count:], extra_calls + [len(inputs), 0])
        np.testing.assert_array_equal(g["inputs"][len(inputs) :], extra_inputs)


def test_partial_batch_is_dropped_on_append(driver, tmp_path):
    db = tmp_path / "d.h5"
    driver.run("--mode=collect", "--calls=4", f"--database={db}")
    # A batch cut short by a kill: rows and timings written, no call records.
    with h5py.File(db, "a", libver="v110") as f:
        for name, extra in (("inputs", 5), ("outputs", 3), ("timings", 2)):
            dataset = f["saxpy"][name]
            dataset.resize(dataset.shape[0] + extra, axis=0)
            dataset[-extra:] = 99
    driver.run("--mode=collect", "--calls=2", f"--database={db}")
    with h5py.File(db, "r") as f:
        g = f["saxpy"]
        first_inputs, first_outputs, first_calls = expected_saxpy(range(4))
        second_inputs, second_outputs, second_calls = expected_saxpy(range(2))
        rows = len(first_inputs)
        np.testing.assert_array_equal(g["calls"][:], np.concatenate([first_calls, second_calls + [rows, 0]]))
        np.testing.assert_array_equal(g["inputs"][:], np.concatenate([first_inputs, second_inputs]))
        np.testing.assert_array_equal(g["outputs"][:], np.concatenate([first_outputs, second_outputs]))
        assert g["timings"].shape == (6,) and (g["timings"][:] != 99).all()


def test_stats(driver, tmp_path):
    stats = tmp_path / "stats.json"
    driver.run(
        "--mode=collect",
        "--calls=10",
        f"--database={tmp_path / 'd.h5'}",
        env={"APPROX_ML_STATS": str(stats)},
    )
    data = json.loads(stats.read_text())
    assert set(data) == {"saxpy", "square"}
    saxpy, square = data["saxpy"], data["square"]
    assert (saxpy["calls"], saxpy["inferences"], saxpy["collections"]) == (10, 0, 10)
    assert (square["calls"], square["inferences"], square["collections"]) == (10, 0, 5)
    for key in ("bridge_in", "bridge_out", "exact", "collect_io"):
        assert 0 < saxpy[key] < 10, key
    assert saxpy["inference"] == 0


def test_unwritable_database_exits_2(driver, tmp_path):
    db = tmp_path / "missing" / "d.h5"
    result = driver.run("--mode=collect", "--calls=2", f"--database={db}", expect_rc=2)
    assert result.stderr.startswith(f"ml_driver.cpp:10: error: database '{db}': create: ")


def test_database_with_other_features_exits_2(driver, tmp_path):
    db = tmp_path / "d.h5"
    with h5py.File(db, "w", libver="v110") as f:
        f.create_dataset("saxpy/inputs", shape=(0, 3), maxshape=(None, 3), dtype="f8")
    result = driver.run("--mode=collect", "--calls=2", f"--database={db}", expect_rc=2)
    assert result.stderr.startswith(
        f"ml_driver.cpp:10: error: database '{db}': saxpy/inputs has shape [0, 3], the region needs 2 columns"
    )


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
