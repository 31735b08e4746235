"""Tests of approxmlir.tuner.executors: isolated evaluations, locally and on Dask.

Every case asserts the Outcome (status, numbers, error text, log contents,
timings), not only that something ran. The Dask tests start one local
2-worker cluster for the module (plus one for the shutdown test).
"""

import ctypes
import os
import pathlib
import signal
import subprocess
import sys
import time

import numpy as np
import psutil
import pytest

from approxmlir.tuner.executors import (
    DaskExecutor,
    EvaluationCancelled,
    LocalProcessExecutor,
    Outcome,
    make_executor,
)

# ---------------------------------------------------------------------------
# evaluate_fns (module level, so that "spawn" can import them too)
# ---------------------------------------------------------------------------


def evaluate_ok(config, scale=1.0):
    return config["time"] * scale, config["accuracy"]


def evaluate_raises(config):
    raise ValueError(f"bad knob {config['knob']}")


def evaluate_segfault_null(config):
    ctypes.string_at(0)
    return 1.0, 1.0


def evaluate_segfault_kill(config):
    os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(10)
    return 1.0, 1.0


def evaluate_exit(config):
    os._exit(3)


def evaluate_system_exit(config):
    sys.exit(7)


def evaluate_hangs(config):
    while True:
        time.sleep(1000)


def evaluate_hangs_with_grandchild(config):
    child = subprocess.Popen(["sleep", "1000"])
    pathlib.Path("grandchild.pid").write_text(str(child.pid))
    while True:
        time.sleep(1000)


def evaluate_sleeps(config):
    time.sleep(config["seconds"])
    return config["seconds"] * 1000.0, 1.0


def evaluate_returns(config):
    return config["value"]


def evaluate_prints(config):
    print("python stdout line")
    print("python stderr line", file=sys.stderr)
    os.write(1, b"fd 1 line\n")
    os.write(2, b"fd 2 line\n")
    libc = ctypes.CDLL(None)
    libc.printf(b"C printf line %d\n", ctypes.c_int(42))  # stdio-buffered: flushed at exit
    subprocess.run(["sh", "-c", "echo subprocess line"], check=True)
    return 1.0, 1.0


def evaluate_writes_cwd(config):
    pathlib.Path("marker.txt").write_text(os.getcwd())
    return 2.0, 0.5


def _wait_all(futures, timeout=30):
    return [f.result(timeout=timeout) for f in futures]


def _live_children():
    """Children of this process, except multiprocessing's resource tracker."""
    result = []
    for child in psutil.Process().children(recursive=True):
        try:
            if any("resource_tracker" in part for part in child.cmdline()):
                continue
            result.append((child.pid, child.status(), child.cmdline()))
        except psutil.NoSuchProcess:
            continue
    return result


def _gone(pid):
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE  # reparented, not ours
    except psutil.NoSuchProcess:
        return True


def _all_gone(pids, timeout=5.0):
    """SIGKILL is asynchronous: on a loaded machine a killed process may take a
    moment to die after the executor returns."""
    deadline = time.monotonic() + timeout
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return all(_gone(pid) for pid in pids)


# ---------------------------------------------------------------------------
# LocalProcessExecutor
# ---------------------------------------------------------------------------


@pytest.fixture
def local():
    with LocalProcessExecutor(parallelism=2) as executor:
        yield executor
    assert _live_children() == []


def test_ok_outcome_carries_numbers_and_kwargs(local, tmp_path):
    before = time.time()
    outcome = local.submit(
        evaluate_ok, {"time": 12.5, "accuracy": 0.875}, workdir=tmp_path / "e", timeout=10, kwargs={"scale": 2.0}
    ).result(timeout=30)
    assert isinstance(outcome, Outcome)
    assert outcome.status == "ok" and outcome.ok
    assert outcome.time_ms == 25.0 and outcome.accuracy == 0.875
    assert outcome.error is None
    assert before <= outcome.started <= outcome.finished <= time.time()
    assert outcome.workdir == str(tmp_path / "e")
    assert outcome.log_path == str(tmp_path / "e" / "evaluation.log")


def test_closure_runs_with_fork(local, tmp_path):
    captured = {"factor": 3.0}
    outcome = local.submit(
        lambda config: (config["x"] * captured["factor"], 0.5), {"x": 2.0}, workdir=tmp_path, timeout=10
    ).result(timeout=30)
    assert (outcome.status, outcome.time_ms, outcome.accuracy) == ("ok", 6.0, 0.5)


def test_exception_is_error_with_message_and_traceback(local, tmp_path):
    outcome = local.submit(evaluate_raises, {"knob": 42}, workdir=tmp_path, timeout=10).result(timeout=30)
    assert outcome.status == "error"
    assert outcome.time_ms is None and outcome.accuracy is None
    assert outcome.error.startswith("ValueError: bad knob 42")
    assert "evaluate_raises" in outcome.error and "Traceback" in outcome.error
    assert "_child_main" not in outcome.error  # the traceback starts in evaluate_fn


def test_system_exit_is_error(local, tmp_path):
    outcome = local.submit(evaluate_system_exit, {}, workdir=tmp_path, timeout=10).result(timeout=30)
    assert outcome.status == "error"
    assert outcome.error.startswith("SystemExit: 7")


@pytest.mark.parametrize("evaluate_fn", [evaluate_segfault_null, evaluate_segfault_kill])
def test_segfault_is_crash(local, tmp_path, evaluate_fn):
    outcome = local.submit(evaluate_fn, {}, workdir=tmp_path, timeout=10).result(timeout=30)
    assert outcome.status == "crash"
    assert outcome.error == "killed by signal SIGSEGV"
    assert outcome.time_ms is None and outcome.accuracy is None
    # faulthandler put the Python stack of the crash in the log.
    assert "Segmentation fault" in pathlib.Path(outcome.log_path).read_text()


def test_os_exit_is_crash(local, tmp_path):
    outcome = local.submit(evaluate_exit, {}, workdir=tmp_path, timeout=10).result(timeout=30)
    assert outcome.status == "crash"
    assert outcome.error == "exited with status 3 without returning a result"


def test_hang_times_out_and_kills_the_process_group(local, tmp_path):
    start = time.monotonic()
    outcome = local.submit(evaluate_hangs_with_grandchild, {}, workdir=tmp_path, timeout=1).result(timeout=30)
    elapsed = time.monotonic() - start
    assert outcome.status == "timeout"
    assert outcome.error == "timed out after 1 s"
    assert 1.0 <= outcome.finished - outcome.started < 3.0
    assert elapsed < 10
    grandchild = int((tmp_path / "grandchild.pid").read_text())
    assert _all_gone([grandchild]), "the evaluation's subprocess survived the timeout"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "fast",
        3.0,
        (1.0,),
        (1.0, 2.0, 3.0),
        (1.0, 0.5, []),
        (1.0, 0.5, [1.0, float("nan")]),
        (1.0, 0.5, [1.0], 4),
        (float("nan"), 1.0),
        (1.0, float("inf")),
        (True, 1.0),
        ("1.0", 1.0),
        {"time_ms": 1.0, "accuracy": 1.0},
        (1 + 2j, 1.0),
        (object(), 1.0),
    ],
)
def test_invalid_result(local, tmp_path, value):
    outcome = local.submit(evaluate_returns, {"value": value}, workdir=tmp_path, timeout=10).result(timeout=30)
    assert outcome.status == "invalid", outcome
    assert outcome.time_ms is None and outcome.accuracy is None
    assert "expected (time_ms, accuracy)" in outcome.error


@pytest.mark.parametrize(
    "value", [(3, 0.5), [3.0, np.float32(0.5)], np.array([3.0, 0.5]), (np.int64(3), np.float64(0.5))]
)
def test_numeric_results_are_floats(local, tmp_path, value):
    outcome = local.submit(evaluate_returns, {"value": value}, workdir=tmp_path, timeout=10).result(timeout=30)
    assert outcome.status == "ok"
    assert (outcome.time_ms, outcome.accuracy) == (3.0, 0.5)
    assert type(outcome.time_ms) is float and type(outcome.accuracy) is float
    assert outcome.scores is None


def test_per_input_scores_come_back_as_floats(local, tmp_path):
    value = (3.0, 0.5, np.array([1, 0, 1, 0]))
    outcome = local.submit(evaluate_returns, {"value": value}, workdir=tmp_path, timeout=10).result(timeout=30)
    assert outcome.status == "ok"
    assert outcome.scores == (1.0, 0.0, 1.0, 0.0) and all(type(v) is float for v in outcome.scores)


def test_output_is_captured_at_the_fd_level(local, tmp_path, capfd):
    outcome = local.submit(evaluate_prints, {}, workdir=tmp_path, timeout=10).result(timeout=30)
    assert outcome.status == "ok"
    log = pathlib.Path(outcome.log_path).read_text()
    for line in [
        "python stdout line",
        "python stderr line",
        "fd 1 line",
        "fd 2 line",
        "C printf line 42",
        "subprocess line",
    ]:
        assert line in log
    out, err = capfd.readouterr()
    assert "line" not in out and "line" not in err  # nothing leaked to the parent's fds


def test_workdir_is_created_and_is_the_cwd(local, tmp_path):
    workdir = tmp_path / "runs" / "config-0001"
    outcome = local.submit(evaluate_writes_cwd, {}, workdir=workdir, timeout=10).result(timeout=30)
    assert outcome.status == "ok"
    assert (workdir / "marker.txt").read_text() == str(workdir)
    assert os.getcwd() != str(workdir)  # the parent's cwd is untouched
    assert not (pathlib.Path.cwd() / "marker.txt").exists()


def test_submit_returns_at_once_and_parallelism_overlaps(tmp_path):
    with LocalProcessExecutor(parallelism=4) as executor:
        start = time.monotonic()
        futures = [
            executor.submit(evaluate_sleeps, {"seconds": 1.0}, workdir=tmp_path / str(i), timeout=10) for i in range(4)
        ]
        assert time.monotonic() - start < 0.2
        outcomes = _wait_all(futures)
        wall = time.monotonic() - start
    assert [o.status for o in outcomes] == ["ok"] * 4
    assert sum(o.duration for o in outcomes) >= 4.0
    assert wall < 2.5, wall
    assert max(o.started for o in outcomes) < min(o.finished for o in outcomes)  # all four at once


def test_parallelism_one_runs_one_at_a_time(tmp_path):
    with make_executor("local", parallelism=1) as executor:
        assert isinstance(executor, LocalProcessExecutor) and executor.max_workers == 1
        start = time.monotonic()
        outcomes = _wait_all(
            [executor.submit(evaluate_sleeps, {"seconds": 1.0}, workdir=tmp_path, timeout=10) for _ in range(4)]
        )
        wall = time.monotonic() - start
    assert [o.status for o in outcomes] == ["ok"] * 4
    assert wall >= 4.0
    ordered = sorted(outcomes, key=lambda o: o.started)
    assert all(a.finished <= b.started for a, b in zip(ordered, ordered[1:]))


def test_shutdown_kills_running_cancels_queued_and_leaves_no_children(tmp_path):
    executor = LocalProcessExecutor(parallelism=2)
    running = [
        executor.submit(evaluate_hangs_with_grandchild, {}, workdir=tmp_path / str(i), timeout=None) for i in range(2)
    ]
    queued = executor.submit(evaluate_ok, {"time": 1.0, "accuracy": 1.0}, workdir=tmp_path / "q", timeout=None)
    deadline = time.monotonic() + 10
    while not all((tmp_path / str(i) / "grandchild.pid").exists() for i in range(2)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert len(_live_children()) == 4  # two evaluations, two `sleep`s
    start = time.monotonic()
    executor.shutdown()
    assert time.monotonic() - start < 5
    for future in running:
        with pytest.raises(EvaluationCancelled):
            future.result(timeout=0)
    assert queued.cancelled()
    assert _live_children() == []
    assert _all_gone([int((tmp_path / str(i) / "grandchild.pid").read_text()) for i in range(2)])
    with pytest.raises(RuntimeError):
        executor.submit(evaluate_ok, {}, workdir=tmp_path, timeout=None)
    executor.shutdown()  # idempotent


def test_spawn_start_method(tmp_path):
    factor = 4.0
    with LocalProcessExecutor(parallelism=2, start_method="spawn") as executor:
        outcomes = _wait_all(
            [
                executor.submit(evaluate_ok, {"time": 1.5, "accuracy": 0.25}, workdir=tmp_path / "a", timeout=30),
                executor.submit(evaluate_segfault_kill, {}, workdir=tmp_path / "b", timeout=30),
                # closures travel with cloudpickle
                executor.submit(
                    lambda config: (config["x"] * factor, 1.0), {"x": 2.0}, workdir=tmp_path / "c", timeout=30
                ),
                executor.submit(evaluate_hangs, {}, workdir=tmp_path / "d", timeout=2),
            ]
        )
    assert [(o.status, o.time_ms) for o in outcomes] == [("ok", 1.5), ("crash", None), ("ok", 8.0), ("timeout", None)]
    assert outcomes[1].error == "killed by signal SIGSEGV"
    assert _live_children() == []


def test_spawn_rejects_unpicklable_arguments_at_submit(tmp_path):
    import threading

    with LocalProcessExecutor(start_method="spawn") as executor:
        with pytest.raises(TypeError, match="cannot be pickled"):
            executor.submit(evaluate_ok, {"lock": threading.Lock()}, workdir=tmp_path, timeout=10)


def test_argument_checks(tmp_path):
    with pytest.raises(ValueError):
        LocalProcessExecutor(parallelism=0)
    with pytest.raises(ValueError):
        LocalProcessExecutor(start_method="teleport")
    with pytest.raises(ValueError, match="unknown executor kind"):
        make_executor("cloud")
    with LocalProcessExecutor() as executor:
        with pytest.raises(ValueError):
            executor.submit(evaluate_ok, {}, workdir=tmp_path, timeout=0)


def test_missing_distributed_has_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match="optional 'distributed' package"):
        DaskExecutor()


# ---------------------------------------------------------------------------
# DaskExecutor
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_executor():
    pytest.importorskip("distributed")
    executor = make_executor("dask", parallelism=2)
    assert isinstance(executor, DaskExecutor) and executor.max_workers == 2
    yield executor
    executor.shutdown()


def test_dask_ok_and_error(dask_executor, tmp_path):
    offset = 0.5
    ok = dask_executor.submit(
        lambda config, scale: (config["time"] * scale + offset, 0.75),
        {"time": 2.0},
        workdir=tmp_path / "ok",
        timeout=20,
        kwargs={"scale": 3.0},
    )
    error = dask_executor.submit(evaluate_raises, {"knob": "k7"}, workdir=tmp_path / "err", timeout=20)
    ok, error = ok.result(timeout=30), error.result(timeout=30)
    assert (ok.status, ok.time_ms, ok.accuracy, ok.error) == ("ok", 6.5, 0.75, None)
    assert ok.workdir == str(tmp_path / "ok") and pathlib.Path(ok.log_path).exists()
    assert error.status == "error" and error.error.startswith("ValueError: bad knob k7")


def test_dask_crash(dask_executor, tmp_path):
    outcome = dask_executor.submit(evaluate_segfault_null, {}, workdir=tmp_path, timeout=20).result(timeout=30)
    assert outcome.status == "crash"
    assert outcome.error == "killed by signal SIGSEGV"
    # The worker survived: the next evaluation runs.
    again = dask_executor.submit(evaluate_ok, {"time": 1.0, "accuracy": 1.0}, workdir=tmp_path, timeout=20)
    assert again.result(timeout=30).status == "ok"


def test_dask_timeout(dask_executor, tmp_path):
    start = time.monotonic()
    outcome = dask_executor.submit(evaluate_hangs_with_grandchild, {}, workdir=tmp_path, timeout=1).result(timeout=30)
    assert outcome.status == "timeout"
    assert outcome.error == "timed out after 1 s"
    assert time.monotonic() - start < 6
    assert _all_gone([int((tmp_path / "grandchild.pid").read_text())])


def test_dask_evaluations_overlap(dask_executor, tmp_path):
    start = time.monotonic()
    outcomes = _wait_all(
        [
            dask_executor.submit(evaluate_sleeps, {"seconds": 1.0}, workdir=tmp_path / str(i), timeout=20)
            for i in range(2)
        ]
    )
    wall = time.monotonic() - start
    assert [o.status for o in outcomes] == ["ok", "ok"]
    assert sum(o.duration for o in outcomes) >= 2.0
    assert wall < 1.8, wall


def test_dask_shutdown_kills_evaluations_and_leaves_no_children(dask_executor, tmp_path):
    """Last Dask test: shuts the module's executor (and its cluster) down."""
    running = [
        dask_executor.submit(evaluate_hangs_with_grandchild, {}, workdir=tmp_path / str(i), timeout=None)
        for i in range(2)
    ]
    queued = dask_executor.submit(evaluate_ok, {"time": 1.0, "accuracy": 1.0}, workdir=tmp_path / "q", timeout=None)
    deadline = time.monotonic() + 20
    while not all((tmp_path / str(i) / "grandchild.pid").exists() for i in range(2)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    start = time.monotonic()
    dask_executor.shutdown()
    shutdown_seconds = time.monotonic() - start
    for future in running:
        with pytest.raises(EvaluationCancelled):
            future.result(timeout=0)
    assert queued.cancelled()
    assert _all_gone([int((tmp_path / str(i) / "grandchild.pid").read_text()) for i in range(2)])
    assert _live_children() == []
    assert shutdown_seconds < 10


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
