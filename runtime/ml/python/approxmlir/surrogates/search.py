"""Multi-objective architecture search (HPAC-ML paper, section V.C) with Optuna.

The paper runs a nested Bayesian optimisation: an outer search over
architectures minimising (validation error, inference latency), 100
iterations, then 30 iterations of hyperparameter tuning per Pareto model,
with MLPs of 2-12 hidden layers of 64-4096 neurons shrunk layer by layer by a
"feature multiplier" in [0.1, 0.8] (Table IV). That is thousands of trainings
on GPUs. For a 2-core CPU budget we run one level that searches architecture
and training hyperparameters jointly (tens of trials), over 1-4 layers of
16-256 neurons with the same multiplier parameterisation (fixed-dimensional,
which suits the sampler below), and keep the paper's objectives and its
optional stop after a run of trials that leave the Pareto front unchanged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import optuna
import torch
import tqdm

from approxmlir.surrogates import export
from approxmlir.surrogates.dataset import RegionData
from approxmlir.surrogates.models import MLPConfig, parameter_count
from approxmlir.surrogates.training import TrainConfig, train

logger = logging.getLogger(__name__)

SEARCH_JSON = "search.json"
_NUMBERED_MODEL = re.compile(r"model\.\d+\.pt")


@dataclasses.dataclass(frozen=True)
class SearchConfig:
    """Budget, search space and measurement settings.

    Ranges are inclusive (low, high); `lr` is searched on a log scale. Hidden
    layer i has width max(min(widths), round(width * width_multiplier**i)).
    A single-element choice (or low == high) pins that parameter.
    """

    n_trials: int | None = 30
    timeout_s: float | None = None
    seed: int = 0
    layers: tuple[int, int] = (1, 4)
    widths: tuple[int, ...] = (16, 32, 64, 128, 256)
    width_multiplier: tuple[float, float] = (0.5, 1.0)
    activations: tuple[str, ...] = ("relu", "tanh", "silu")
    lr: tuple[float, float] = (1e-4, 1e-2)
    batch_sizes: tuple[int, ...] = (64, 128, 256, 512)
    epochs: int = 100
    patience: int = 10  # early stopping of each training, in epochs
    trial_time_limit_s: float | None = 300.0
    val_fraction: float = 0.2
    # Stop after this many consecutive trials that do not join the Pareto
    # front (the paper uses 5); None runs the whole budget.
    stale_trials: int | None = None
    # TPE's random start-up trials before it models the space.
    n_startup_trials: int = 8
    infer_rows: int = 1024
    infer_runs: int = 5
    progress: bool = True

    def __post_init__(self) -> None:
        if self.n_trials is None and self.timeout_s is None:
            raise ValueError("set n_trials or timeout_s (or both): the search needs a budget")
        if not 0 <= self.layers[0] <= self.layers[1]:
            raise ValueError(f"bad layers range {self.layers}")
        if not self.widths or not self.batch_sizes or not self.activations:
            raise ValueError("widths, batch_sizes and activations need at least one choice")
        if not 0.0 < self.width_multiplier[0] <= self.width_multiplier[1]:
            raise ValueError(f"bad width_multiplier range {self.width_multiplier}")
        if not 0.0 < self.lr[0] <= self.lr[1]:
            raise ValueError(f"bad lr range {self.lr}")


@dataclasses.dataclass
class TrialRecord:
    """One trial as written to search.json."""

    number: int
    params: dict[str, Any]
    hidden: tuple[int, ...]
    activation: str
    val_rmse: float
    val_mape: float
    infer_s_per_row: float
    param_count: int
    train_seconds: float
    epochs: int
    pareto: bool = False
    model_file: str | None = None  # "model.<k>.pt" for Pareto models


@dataclasses.dataclass
class ParetoModel:
    record: TrialRecord
    path: str
    module: torch.jit.ScriptModule


@dataclasses.dataclass
class SearchResult:
    """Every trial, and the Pareto models by increasing validation RMSE
    (`pareto[0]` is also `out_dir/model.pt`)."""

    out_dir: str
    trials: list[TrialRecord]
    pareto: list[ParetoModel]

    @property
    def best(self) -> ParetoModel:
        return self.pareto[0]


def search(data: RegionData, config: SearchConfig, out_dir: str | os.PathLike[str]) -> SearchResult:
    """Runs the study, then writes out_dir/search.json, out_dir/model.<k>.pt
    (k = 1.. over the Pareto front by increasing error) and out_dir/model.pt
    (the lowest-error one). Stale model.<k>.pt files from an earlier search
    are removed, so that the runtime's `ml_surrogate` knob only sees this
    front."""
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    split = data.split(config.val_fraction, config.seed)
    # A fixed batch of validation rows for every trial's timing, so that
    # the latency objective compares models, not inputs.
    timing_batch = torch.as_tensor(data.inputs[split[1][: config.infer_rows]], dtype=torch.float32)
    blobs: dict[int, bytes] = {}
    records: dict[int, TrialRecord] = {}
    deadline = time.monotonic() + config.timeout_s if config.timeout_s is not None else math.inf

    def objective(trial: optuna.Trial) -> tuple[float, float]:
        # Optuna checks its timeout only between trials: cap the training at
        # the time left, so that the search ends near its budget.
        left = max(1.0, deadline - time.monotonic())
        time_limit = min(config.trial_time_limit_s or math.inf, left)
        mlp, train_config = _suggest(trial, config, None if math.isinf(time_limit) else time_limit)
        result = train(data, mlp, train_config, split=split)
        metadata = {
            "database": data.path,
            "region": data.region,
            "source": data.source,
            "n_inputs": data.n_inputs,
            "n_outputs": data.n_outputs,
            "hidden": list(mlp.hidden),
            "activation": mlp.activation,
            "val_rmse": _finite_or_none(result.val_rmse),
            "trial": trial.number,
        }
        blob = export.to_bytes(result.model, metadata)
        # Time what the runtime will run: the reloaded TorchScript archive.
        seconds = export.inference_seconds_per_row(export.from_bytes(blob), timing_batch, runs=config.infer_runs)
        blobs[trial.number] = blob
        records[trial.number] = TrialRecord(
            number=trial.number,
            params=dict(trial.params),
            hidden=mlp.hidden,
            activation=mlp.activation,
            val_rmse=result.val_rmse,
            val_mape=result.val_mape,
            infer_s_per_row=seconds,
            param_count=parameter_count(result.model),
            train_seconds=result.train_seconds,
            epochs=result.epochs,
        )
        logger.debug(
            "trial %d: hidden %s %s, val RMSE %.4g, %.3g us/row",
            trial.number,
            mlp.hidden,
            mlp.activation,
            result.val_rmse,
            seconds * 1e6,
        )
        # A diverged training has an infinite RMSE: a valid, dominated point.
        return result.val_rmse, seconds

    # Multivariate TPE (Optuna's default sampler family, seeded): a Bayesian
    # optimiser whose cost per trial stays negligible next to a training, it
    # models interactions (learning rate x batch size x depth) and handles
    # the categorical choices natively. Its multi-objective form (MOTPE)
    # ranks past trials by non-domination, the paper's Pareto setting.
    # GPSampler is closer to the paper's GP-based Ax, but its GP fits and
    # acquisition optimisation would compete with training for 2 cores.
    sampler = optuna.samplers.TPESampler(seed=config.seed, multivariate=True, n_startup_trials=config.n_startup_trials)
    callbacks = []
    if config.stale_trials is not None:
        callbacks.append(_StaleStop(config.stale_trials))
    with (
        _quiet_optuna(),
        tqdm.tqdm(
            total=config.n_trials,
            desc=f"search {data.region}",
            unit="trial",
            disable=not config.progress,
        ) as bar,
    ):
        # In-memory storage: the study is a means, search.json is the record.
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)

        def progress(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
            bar.update(1)
            # A dominated trial never rejoins the front: drop its archive.
            front = {t.number for t in study.best_trials}
            for number in [n for n in blobs if n not in front]:
                del blobs[number]
            finite = [r.val_rmse for r in records.values() if math.isfinite(r.val_rmse)]
            if finite:
                bar.set_postfix(best_rmse=f"{min(finite):.4g}")

        # One trial at a time: a second concurrent trial would share the
        # other core and distort the latency objective.
        study.optimize(
            objective,
            n_trials=config.n_trials,
            timeout=config.timeout_s,
            n_jobs=1,
            callbacks=[progress, *callbacks],
            gc_after_trial=False,
        )
    return _write(data, config, out_dir, study, records, blobs)


def _suggest(trial: optuna.Trial, config: SearchConfig, time_limit_s: float | None) -> tuple[MLPConfig, TrainConfig]:
    n_layers = trial.suggest_int("layers", *config.layers)
    width = trial.suggest_categorical("width", list(config.widths))
    multiplier = trial.suggest_float("width_multiplier", *config.width_multiplier)
    floor = min(config.widths)
    hidden = tuple(max(floor, round(width * multiplier**i)) for i in range(n_layers))
    activation = trial.suggest_categorical("activation", list(config.activations))
    lr = trial.suggest_float("lr", *config.lr, log=True)
    batch_size = trial.suggest_categorical("batch_size", list(config.batch_sizes))
    train_config = TrainConfig(
        epochs=config.epochs,
        batch_size=batch_size,
        lr=lr,
        seed=config.seed,
        time_limit_s=time_limit_s,
        patience=config.patience,
        val_fraction=config.val_fraction,
    )
    return MLPConfig(hidden=hidden, activation=activation), train_config


def _write(
    data: RegionData,
    config: SearchConfig,
    out_dir: str,
    study: optuna.Study,
    records: dict[int, TrialRecord],
    blobs: dict[int, bytes],
) -> SearchResult:
    front = [
        records[t.number]
        for t in study.best_trials
        if t.number in records and math.isfinite(records[t.number].val_rmse)
    ]
    if not front:
        raise ValueError(
            f"{data.path}: region {data.region!r}: no trial trained a finite model ({len(records)} trial(s) ran)"
        )
    front.sort(key=lambda r: (r.val_rmse, r.infer_s_per_row, r.number))
    for name in os.listdir(out_dir):
        if _NUMBERED_MODEL.fullmatch(name):
            os.remove(os.path.join(out_dir, name))
    pareto = []
    for k, record in enumerate(front, start=1):
        record.pareto = True
        record.model_file = f"model.{k}.pt"
        path = os.path.join(out_dir, record.model_file)
        export.write_bytes(blobs[record.number], path)
        pareto.append(ParetoModel(record, path, export.from_bytes(blobs[record.number])))
    export.write_bytes(blobs[front[0].number], os.path.join(out_dir, "model.pt"))

    trials = [records[n] for n in sorted(records)]
    summary = {
        "database": data.path,
        "region": data.region,
        "source": data.source,
        "rows": data.n_rows,
        "calls": data.n_calls,
        "n_inputs": data.n_inputs,
        "n_outputs": data.n_outputs,
        "exact_s_per_row": data.exact_seconds_per_row(),
        "config": dataclasses.asdict(config),
        "trials": [_json_record(r) for r in trials],
        "pareto": [r.number for r in front],
        "best": "model.pt",
    }
    with open(os.path.join(out_dir, SEARCH_JSON), "w") as f:
        json.dump(summary, f, indent=1, allow_nan=False)
        f.write("\n")
    logger.info(
        "%d trial(s), %d Pareto model(s) in %s; best val RMSE %.4g",
        len(trials),
        len(pareto),
        out_dir,
        front[0].val_rmse,
    )
    return SearchResult(out_dir=out_dir, trials=trials, pareto=pareto)


def _json_record(record: TrialRecord) -> dict[str, Any]:
    # Strict JSON: a diverged trial's inf (or an all-zero target's NaN MAPE) is null.
    return {
        k: _finite_or_none(v) if isinstance(v, float) else (list(v) if isinstance(v, tuple) else v)
        for k, v in dataclasses.asdict(record).items()
    }


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


class _StaleStop:
    """Stops the study after `limit` consecutive trials outside the Pareto front."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.stale = 0

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        if any(t.number == trial.number for t in study.best_trials):
            self.stale = 0
        else:
            self.stale += 1
        if self.stale >= self.limit:
            logger.info("%d trials without a new Pareto model: stopping", self.stale)
            study.stop()


@contextlib.contextmanager
def _quiet_optuna() -> Iterator[None]:
    """Silences Optuna's per-trial INFO lines for the block (its verbosity is
    process-wide, so it is restored afterwards); our logger reports trials."""
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(previous)
