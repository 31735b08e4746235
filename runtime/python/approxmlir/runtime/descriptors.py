"""ctypes forms of MLIR's ranked memref descriptor (the C-interface ABI).

A rank-N memref is passed as a pointer to

    struct { T *allocated; T *aligned; int64_t offset;
             int64_t sizes[N]; int64_t strides[N]; };

(rank 0: the first three fields only); sizes, strides and offset count
elements, not bytes.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Sequence

import numpy as np


@functools.lru_cache(maxsize=None)
def descriptor_type(rank: int) -> type:
    """The ctypes.Structure of a rank-`rank` descriptor (element type erased)."""
    if rank < 0:
        raise ValueError(f"negative rank {rank}")
    fields = [
        ("allocated", ctypes.c_void_p),
        ("aligned", ctypes.c_void_p),
        ("offset", ctypes.c_int64),
    ]
    if rank > 0:
        fields += [("sizes", ctypes.c_int64 * rank), ("strides", ctypes.c_int64 * rank)]
    return type(f"MemRefDescriptor{rank}D", (ctypes.Structure,), {"_fields_": fields})


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    """Row-major strides, in elements, of an array of `shape`."""
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def make_descriptor(array: np.ndarray, strides: Sequence[int], offset: int = 0) -> ctypes.Structure:
    """A descriptor viewing `array`'s memory (no copy) with `strides` in elements.

    The element at index 0 is `aligned[offset]`: `offset` is 0 unless the
    memref type has a static offset, which the compiled code applies itself.
    The caller keeps `array` alive while the descriptor is in use.
    """
    descriptor = descriptor_type(array.ndim)()
    data = array.__array_interface__["data"][0]
    descriptor.allocated = data
    descriptor.aligned = data - offset * array.itemsize
    descriptor.offset = offset
    for i, (size, stride) in enumerate(zip(array.shape, strides)):
        descriptor.sizes[i] = size
        descriptor.strides[i] = stride
    return descriptor
