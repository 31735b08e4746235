"""Collect, train, deploy: the HPAC-ML workflow of one application (paper, section V).

1. `plain` on the training inputs: the application without pragmas;
2. `collect` on the same inputs: exact code + HDF5 database (its time over
   the plain run is the collection overhead);
3. train surrogates from the database: an Optuna search over MLPs
   (approxmlir.surrogates), keeping the Pareto front of validation error
   vs. inference time;
4. `plain` on the evaluation inputs (different seed): the exact QoI and time;
5. `infer` on the evaluation inputs with each Pareto model: speedup over step
   4, QoI error against it, and the data bridge's share of inference time.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import pathlib
import shutil
from typing import Optional

from approxbench.hpacml import APPS
from approxbench.hpacml.phases import PhaseResult, run_phase
from approxmlir import surrogates

log = logging.getLogger(__name__)


@dataclasses.dataclass
class PipelineConfig:
    app: str
    workdir: pathlib.Path
    train_size: str = "train"
    eval_size: str = "eval"
    search: surrogates.SearchConfig = dataclasses.field(
        default_factory=lambda: surrogates.SearchConfig(n_trials=12, timeout_s=240.0)
    )
    max_models: int = 4  # Pareto models deployed, from the most accurate
    max_rows: int = 200_000  # training rows drawn from the database
    cache_dir: Optional[os.PathLike] = None


@dataclasses.dataclass
class ModelResult:
    model: str
    hidden: tuple[int, ...]
    parameters: int
    val_rmse: float
    seconds: float
    speedup: float
    error: float
    bridge_overhead: float  # (bridge in + out) / inference seconds


@dataclasses.dataclass
class PipelineResult:
    app: str
    metric: str
    pragma_lines: int
    directives: int
    rows: int
    plain_train_seconds: float
    collect_seconds: float
    exact_seconds: float
    # The runtime's own accounting of the collect run: bridge and HDF5 seconds
    # over the exact code's (not subject to run-to-run noise).
    collect_bridge_io_seconds: float
    collect_exact_seconds: float
    trials: int
    models: list[ModelResult]

    @property
    def collection_overhead(self) -> float:
        return self.collect_seconds / self.plain_train_seconds

    @property
    def collection_overhead_in_run(self) -> float:
        return 1.0 + self.collect_bridge_io_seconds / self.collect_exact_seconds


def region_stats(result: PhaseResult) -> dict:
    """The statistics of the application's (single) region."""
    if not result.stats or len(result.stats) != 1:
        raise RuntimeError(f"expected statistics for one region, got {sorted(result.stats or {})}")
    return next(iter(result.stats.values()))


def phase(config: PipelineConfig, name: str, size: str) -> PhaseResult:
    """`run_phase` in the work directory, logged."""
    log.info("%s: %s on the %s inputs", config.app, name, size)
    result = run_phase(config.app, name, size, config.workdir, config.cache_dir)
    log.info("%s: %s took %.3f s", config.app, name, result.seconds)
    return result


@dataclasses.dataclass
class Trained:
    collect: PhaseResult
    rows: int
    search: surrogates.SearchResult


def collect_and_search(config: PipelineConfig) -> Trained:
    """Collects the training inputs into a fresh database (the runtime
    appends), then searches surrogates on at most `max_rows` of its rows;
    the Pareto models land in `workdir/models`."""
    app = APPS[config.app]
    config.workdir.mkdir(parents=True, exist_ok=True)
    database = config.workdir / app.database_file
    database.unlink(missing_ok=True)
    collect = phase(config, "collect", config.train_size)
    regions = surrogates.list_regions(database)
    if len(regions) != 1:
        raise RuntimeError(f"{database}: expected one region, found {regions}")
    data = surrogates.load_region(database, regions[0])
    log.info("%s: %d rows collected; searching surrogates on at most %d", app.name, data.n_rows, config.max_rows)
    found = surrogates.search(data.subsample(config.max_rows), config.search, config.workdir / "models")
    return Trained(collect, data.n_rows, found)


def run(config: PipelineConfig) -> PipelineResult:
    app = APPS[config.app]
    workdir = config.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    plain_train = phase(config, "plain", config.train_size)
    trained = collect_and_search(config)
    collected = region_stats(trained.collect)
    found = trained.search

    exact = phase(config, "plain", config.eval_size)
    models = []
    for pareto in found.pareto[: config.max_models]:
        shutil.copyfile(pareto.path, workdir / app.model_file)
        infer = phase(config, "infer", config.eval_size)
        stats = region_stats(infer)
        record = pareto.record
        models.append(
            ModelResult(
                model=pathlib.Path(pareto.path).name,
                hidden=tuple(record.hidden),
                parameters=record.param_count,
                val_rmse=record.val_rmse,
                seconds=infer.seconds,
                speedup=exact.seconds / infer.seconds,
                error=app.error(infer.qoi, exact.qoi),
                bridge_overhead=(stats["bridge_in"] + stats["bridge_out"]) / stats["inference"],
            )
        )
    return PipelineResult(
        app=app.name,
        metric=app.metric,
        pragma_lines=app.pragma_lines,
        directives=app.directives,
        rows=trained.rows,
        plain_train_seconds=plain_train.seconds,
        collect_seconds=trained.collect.seconds,
        exact_seconds=exact.seconds,
        collect_bridge_io_seconds=collected["bridge_in"] + collected["bridge_out"] + collected["collect_io"],
        collect_exact_seconds=collected["exact"],
        trials=len(found.trials),
        models=models,
    )
