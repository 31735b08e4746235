"""The HDF5 databases that `libapprox_ml` collects, one region at a time.

Layout (runtime/ml/README.md, "HDF5 layout"):

    /<region>/inputs    float64 [rows, F_in]
    /<region>/outputs   float64 [rows, F_out]
    /<region>/calls     int64   [calls, 2]   (first row, row count) per call
    /<region>/timings   float64 [calls]      seconds of the exact code per call
    /<region> attrs: sweep_shape (int64[S]), source ("file:line")
"""

from __future__ import annotations

import dataclasses
import os

import h5py
import numpy as np


@dataclasses.dataclass(frozen=True)
class RegionData:
    """Everything the runtime collected for one region (all rows in memory)."""

    path: str
    region: str
    inputs: np.ndarray  # float64 [rows, F_in]
    outputs: np.ndarray  # float64 [rows, F_out]
    calls: np.ndarray  # int64 [calls, 2]: (first row, row count)
    timings: np.ndarray  # float64 [calls]: seconds of the exact code
    sweep_shape: tuple[int, ...]
    source: str

    @property
    def n_rows(self) -> int:
        return int(self.inputs.shape[0])

    @property
    def n_inputs(self) -> int:
        return int(self.inputs.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.outputs.shape[1])

    @property
    def n_calls(self) -> int:
        return int(self.calls.shape[0])

    def exact_seconds_per_row(self) -> float | None:
        """Mean seconds of the exact code per row (sweep point), the cost a
        surrogate's inference competes with; None without timed rows."""
        rows = int(self.calls[:, 1].sum()) if self.n_calls else 0
        if rows == 0:
            return None
        return float(self.timings.sum()) / rows

    def subsample(self, max_rows: int, seed: int = 0) -> "RegionData":
        """At most `max_rows` rows, drawn uniformly without replacement (seeded)
        and kept in order; each kept row stays in its call (timings keep
        describing whole calls). Training time grows with rows, and
        neighbouring sweep points are near-duplicates."""
        if self.n_rows <= max_rows:
            return self
        firsts, counts = self.calls[:, 0], self.calls[:, 1]
        if counts.sum() != self.n_rows or np.any(firsts != np.cumsum(counts) - counts):
            raise ValueError(f"{self.path}: region {self.region!r}: calls do not tile the rows in order")
        keep = np.sort(np.random.default_rng(seed).choice(self.n_rows, size=max_rows, replace=False))
        call_of_row = np.repeat(np.arange(self.n_calls), counts)
        counts = np.bincount(call_of_row[keep], minlength=self.n_calls)
        firsts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        return dataclasses.replace(
            self,
            inputs=self.inputs[keep],
            outputs=self.outputs[keep],
            calls=np.stack([firsts, counts], axis=1).astype(np.int64),
        )

    def split(self, val_fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(train rows, validation rows), sorted row indices.

        Whole calls are held out: rows of one call are sweep points of the
        same invocation (neighbouring stencil points, one time step), so
        splitting inside a call would validate on near-copies of training
        rows. With a single (non-empty) call there is nothing else to hold
        out, so the rows themselves are split. Seeded, hence reproducible.
        """
        if not 0.0 < val_fraction < 1.0:
            raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
        if self.n_rows < 2:
            raise ValueError(
                f"{self.path}: region {self.region!r} has {self.n_rows} row(s); "
                "at least 2 are needed for a train/validation split"
            )
        rng = np.random.default_rng(seed)
        calls = self.calls[self.calls[:, 1] > 0]
        if len(calls) >= 2:
            order = rng.permutation(len(calls))
            n_val = min(len(calls) - 1, max(1, round(val_fraction * len(calls))))
            held_out = np.zeros(len(calls), dtype=bool)
            held_out[order[:n_val]] = True
            is_val = np.zeros(self.n_rows, dtype=bool)
            for (first, count), val in zip(calls, held_out):
                if val:
                    is_val[first : first + count] = True
            return np.flatnonzero(~is_val), np.flatnonzero(is_val)
        order = rng.permutation(self.n_rows)
        n_val = min(self.n_rows - 1, max(1, round(val_fraction * self.n_rows)))
        return np.sort(order[n_val:]), np.sort(order[:n_val])


def list_regions(path: str | os.PathLike[str]) -> list[str]:
    """The region groups of a database, sorted."""
    with _open(os.fspath(path), region=None) as f:
        return sorted(name for name, item in f.items() if isinstance(item, h5py.Group))


def load_region(path: str | os.PathLike[str], region: str) -> RegionData:
    """Reads one region's group into memory and checks its consistency.

    Raises ValueError naming the file and the region for a missing or
    unreadable file, a missing group or dataset, wrong shapes, calls that
    point outside the rows, or non-finite values (the exact code's outputs
    are the training targets; a NaN would poison every gradient).
    """
    path = os.fspath(path)
    where = f"{path}: region {region!r}"
    with _open(path, region) as f:
        group = f.get(region)
        if not isinstance(group, h5py.Group):
            regions = sorted(name for name, item in f.items() if isinstance(item, h5py.Group))
            raise ValueError(f"{where}: no such group (regions: {', '.join(regions) or 'none'})")
        arrays = {}
        for name, dtype in (
            ("inputs", np.float64),
            ("outputs", np.float64),
            ("calls", np.int64),
            ("timings", np.float64),
        ):
            dataset = group.get(name)
            if not isinstance(dataset, h5py.Dataset):
                raise ValueError(f"{where}: missing dataset {name!r}")
            arrays[name] = np.asarray(dataset[()], dtype=dtype)
        sweep_shape = tuple(int(n) for n in np.atleast_1d(group.attrs.get("sweep_shape", ())))
        source = group.attrs.get("source", "")
        if isinstance(source, bytes):
            source = source.decode("utf-8", "replace")
    inputs, outputs, calls, timings = (arrays[k] for k in ("inputs", "outputs", "calls", "timings"))
    _check(where, inputs, outputs, calls, timings)
    return RegionData(
        path=path,
        region=region,
        inputs=inputs,
        outputs=outputs,
        calls=calls,
        timings=timings,
        sweep_shape=sweep_shape,
        source=str(source),
    )


def _open(path: str, region: str | None) -> h5py.File:
    where = f"{path}" + (f": region {region!r}" if region is not None else "")
    if not os.path.isfile(path):
        raise ValueError(f"{where}: no such database file")
    try:
        return h5py.File(path, "r")
    except OSError:
        pass
    # A database still open by a collecting process (SWMR writer) is locked
    # for ordinary readers; a SWMR reader sees every flushed batch.
    try:
        return h5py.File(path, "r", swmr=True)
    except OSError as e:
        raise ValueError(f"{where}: cannot read the HDF5 file: {e}") from e


def _check(where: str, inputs: np.ndarray, outputs: np.ndarray, calls: np.ndarray, timings: np.ndarray) -> None:
    if inputs.ndim != 2 or outputs.ndim != 2:
        raise ValueError(
            f"{where}: inputs and outputs must be 2-D [rows, features], got {inputs.shape} and {outputs.shape}"
        )
    if inputs.shape[0] != outputs.shape[0]:
        raise ValueError(f"{where}: {inputs.shape[0]} input rows but {outputs.shape[0]} output rows")
    if inputs.shape[0] == 0:
        raise ValueError(f"{where}: no rows collected")
    if inputs.shape[1] == 0 or outputs.shape[1] == 0:
        raise ValueError(f"{where}: zero features ({inputs.shape[1]} in, {outputs.shape[1]} out)")
    if calls.ndim != 2 or calls.shape[1] != 2:
        raise ValueError(f"{where}: calls must be [calls, 2], got {calls.shape}")
    if timings.shape != (calls.shape[0],):
        raise ValueError(f"{where}: timings {timings.shape} do not match {calls.shape[0]} calls")
    first, count = calls[:, 0], calls[:, 1]
    if np.any(first < 0) or np.any(count < 0) or np.any(first + count > inputs.shape[0]):
        raise ValueError(f"{where}: calls refer to rows outside [0, {inputs.shape[0]})")
    for name, array in (("inputs", inputs), ("outputs", outputs)):
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        if bad:
            raise ValueError(f"{where}: {name} hold {bad} non-finite value(s)")
