"""Fixtures of the runtime/ml pytest files.

The tests run tests/ml_driver.cpp (built as $APPROX_ML_TEST_BIN_DIR/ml_driver),
which loads the libapprox_ml.so named by $APPROX_ML_LIB. Bazel sets both;
without them every test fails rather than silently skipping.
"""

import dataclasses
import os
import pathlib
import subprocess

import numpy as np
import pytest


def _required(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is unset: set APPROX_ML_LIB to the built libapprox_ml.so "
            "and APPROX_ML_TEST_BIN_DIR to the directory holding ml_driver",
            pytrace=False,
        )
    return value


@dataclasses.dataclass
class Call:
    """One line of the driver's output: `call <k> <model|exact> n <n> c ...`."""

    k: int
    ran: str
    n: int
    c: np.ndarray


def parse_calls(stdout):
    calls = []
    for line in stdout.splitlines():
        words = line.split()
        assert words[0] == "call" and words[3] == "n" and words[5] == "c", line
        calls.append(Call(int(words[1]), words[2], int(words[4]), np.array(words[6:], dtype=float)))
    return calls


def driver_inputs(k, rows=None):
    """The driver's arrays a (float32, as float64) and b at call k."""
    n = rows or 3 + k % 5
    i = np.arange(n)
    return (k + 0.25 * i).astype(np.float32).astype(np.float64), 0.5 * i - k


class Driver:
    def __init__(self, library, binary):
        self.library = library
        self.binary = binary

    def env(self, extra=None):
        env = dict(os.environ, APPROX_ML_LIB=self.library)
        env.pop("APPROX_ML_STATS", None)
        env.update(extra or {})
        return env

    def command(self, *options):
        return [self.binary, *options]

    def run(self, *options, env=None, expect_rc=0):
        result = subprocess.run(
            self.command(*options),
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == expect_rc, (
            f"ml_driver {' '.join(options)} exited {result.returncode}:\n{result.stderr}"
        )
        return result


@pytest.fixture(scope="session")
def driver():
    library = os.path.abspath(_required("APPROX_ML_LIB"))
    binary = pathlib.Path(_required("APPROX_ML_TEST_BIN_DIR")).absolute() / "ml_driver"
    for path in (pathlib.Path(library), binary):
        if not path.is_file():
            pytest.fail(f"{path} does not exist", pytrace=False)
    return Driver(library, str(binary))
