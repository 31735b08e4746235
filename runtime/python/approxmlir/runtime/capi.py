"""A thin ctypes wrapper of the approx-runtime C API (`approx/runtime.h`).

`get_runtime()` loads libapprox_runtime.so once per process, with
RTLD_GLOBAL so that compiled libraries loaded afterwards resolve their
`approx_rt_*` references (state functions, random numbers) against it. The
random generator is per thread: a Python thread draws from its own stream.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import pathlib
from typing import Optional, Union

from approxmlir.runtime.paths import runtime_library_path

_LOG = logging.getLogger(__name__)

_PROTOTYPES = {
    "approx_rt_seed": (None, [ctypes.c_uint64]),
    "approx_rt_next_u64": (ctypes.c_uint64, []),
    "approx_rt_uniform": (ctypes.c_double, []),
    "approx_rt_bernoulli": (ctypes.c_int32, [ctypes.c_double]),
    "approx_rt_random_state": (ctypes.c_int64, []),
    "approx_rt_set_iteration": (None, [ctypes.c_int64]),
    "approx_rt_iteration": (ctypes.c_int64, []),
    "approx_rt_now_ns": (ctypes.c_uint64, []),
}

_UINT64_MAX = (1 << 64) - 1


class Runtime:
    """The approx-runtime functions of one loaded libapprox_runtime.so."""

    def __init__(self, path: Union[str, os.PathLike, None] = None):
        self.path = pathlib.Path(path) if path is not None else runtime_library_path()
        _LOG.debug("loading %s", self.path)
        # The raw handle: any exported approx_rt_* symbol is an attribute.
        self.handle = ctypes.CDLL(os.fspath(self.path), mode=ctypes.RTLD_GLOBAL)
        for name, (restype, argtypes) in _PROTOTYPES.items():
            function = getattr(self.handle, name)
            function.restype = restype
            function.argtypes = argtypes

    def seed(self, seed: int) -> None:
        """Reseeds the calling thread's stream and the seed later threads derive theirs from."""
        if not 0 <= seed <= _UINT64_MAX:
            raise ValueError(f"seed must be in [0, 2**64), got {seed}")
        self.handle.approx_rt_seed(seed)

    def next_u64(self) -> int:
        return self.handle.approx_rt_next_u64()

    def uniform(self) -> float:
        """A uniform float in [0, 1)."""
        return self.handle.approx_rt_uniform()

    def bernoulli(self, p: float) -> bool:
        """True with probability p."""
        return bool(self.handle.approx_rt_bernoulli(p))

    def random_state(self) -> int:
        """The built-in state function: a uniform integer in [0, 100)."""
        return self.handle.approx_rt_random_state()

    def set_iteration(self, iteration: int) -> None:
        """Sets the value approx_rt_iteration (a state function) returns."""
        self.handle.approx_rt_set_iteration(iteration)

    def iteration(self) -> int:
        return self.handle.approx_rt_iteration()

    def now_ns(self) -> int:
        """CLOCK_MONOTONIC in nanoseconds."""
        return self.handle.approx_rt_now_ns()

    def __repr__(self) -> str:
        return f"Runtime({str(self.path)!r})"


@functools.lru_cache(maxsize=None)
def _runtime_at(path: pathlib.Path) -> Runtime:
    return Runtime(path)


def get_runtime(path: Optional[Union[str, os.PathLike]] = None) -> Runtime:
    """The process's Runtime for `path` (default: runtime_library_path()), loaded once."""
    return _runtime_at(pathlib.Path(path) if path is not None else runtime_library_path())
