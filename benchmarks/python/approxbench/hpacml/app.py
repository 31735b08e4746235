"""HpacApp: one HPAC-ML benchmark application (paper, Table I) and its driver.

An application is an annotated C or C++ file under benchmarks/ with one exported
entry function whose HPAC-ML region (`#pragma approx ml(predicated:
use_model) ...`) either runs the exact code (use_model = 0; the runtime
collects training data) or a surrogate model (use_model != 0). The driver
knows how to make the application's inputs, call the entry function, compute
the exact result independently in numpy (for small sizes) and score the
quantity of interest (QoI).

Model and database files: the pragmas name them by bare file names
("binomial.pt", "binomial.h5"), which the ML runtime resolves against the
process's working directory. A driver therefore runs the application from
the directory that holds (or will receive) those files; `model_file` and
`database_file` say which names that directory must use.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
from typing import Any, Callable, Mapping

import numpy as np

from approxmlir.frontends.c.annotation_scanner import hpacml_line_spans
from approxmlir.frontends.c.annotations import parse_hpacml_directives
from approxmlir.frontends.c.hpacml import MLDirective
from approxmlir.qos import mape, rmse

# Not resolved: under Bazel the C files are next to this file's runfiles link.
BENCHMARKS_DIR = pathlib.Path(os.path.abspath(__file__)).parents[3]

SIZES = ("test", "train", "eval")
# The seeds of `HpacApp.inputs`: training and evaluation inputs never share one.
DEFAULT_SEEDS: Mapping[str, int] = {"test": 7, "train": 20240101, "eval": 20240202}

METRICS: Mapping[str, Callable[[np.ndarray, np.ndarray], float]] = {"rmse": rmse, "mape": mape}

Inputs = dict[str, Any]


def pragma_spans(lines: list[str]) -> list[range]:
    """The line indices of each HPAC-ML directive in `lines`, continuation
    lines included; found by the C frontend's annotation scanner, so that
    other `#pragma approx` kinds (the ApproxMLIR knobs) and pragmas inside
    comments are not HPAC-ML's."""
    return hpacml_line_spans("\n".join(lines) + "\n")


@dataclasses.dataclass(frozen=True)
class HpacApp:
    """An HPAC-ML application: its C source, entry function and driver."""

    name: str
    source: str  # relative to benchmarks/
    entry: str  # the exported C function
    metric: str  # "rmse" or "mape", on the QoI
    make_inputs: Callable[[str, int], Inputs]  # (size, seed) -> inputs
    call: Callable[..., np.ndarray]  # (lib, inputs, use_model, **kw) -> QoI
    reference: Callable[[Inputs], np.ndarray]  # numpy version of the exact QoI
    pragma_lines: int = dataclasses.field(init=False)  # source lines of HPAC-ML directives
    directives: int = dataclasses.field(init=False)  # HPAC-ML directives
    model_file: str = dataclasses.field(init=False)
    database_file: str = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ValueError(f"{self.name}: unknown metric {self.metric!r} (expected one of {sorted(METRICS)})")
        # The C frontend's own parser reads the pragmas.
        directives = parse_hpacml_directives(self.path.read_text(), str(self.path))
        (region,) = [d for d in directives if isinstance(d, MLDirective)]
        # A frozen dataclass sets its derived fields through object.__setattr__.
        object.__setattr__(self, "pragma_lines", sum(len(d.lines) for d in directives))
        object.__setattr__(self, "directives", len(directives))
        object.__setattr__(self, "model_file", region.model)
        object.__setattr__(self, "database_file", region.database)

    @property
    def path(self) -> pathlib.Path:
        return BENCHMARKS_DIR / self.source

    def inputs(self, size: str) -> Inputs:
        """`make_inputs` with the size's default seed."""
        return self.make_inputs(size, DEFAULT_SEEDS[size])

    def error(self, approx: np.ndarray, exact: np.ndarray) -> float:
        """The QoI error of `approx` against `exact` (lower is better)."""
        return METRICS[self.metric](approx, exact)


def check_size(size: str) -> None:
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r} (expected one of {SIZES})")
