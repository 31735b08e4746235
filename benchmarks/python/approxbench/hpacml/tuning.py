"""Surrogates inside the tuner: `ml_surrogate` knobs next to classic ones.

An application whose HPAC-ML region sits in an `ml_surrogate` knob (decision
0: the exact code, k > 0: the k-th Pareto model `<model stem>.<k>.pt`) and
that has other knobs (Binomial Options: `binomial_tree`, a coarser tree by
function substitution) is tuned by `ar.tune` over all of them at once, so
one QoS threshold decides between a surrogate and the classic approximation.

Accuracy for the tuner is `1 - error / scale`, where error is the app's
metric against the exact QoI and scale is the mean |exact QoI| (RMSE) or 1
(MAPE, already relative): the exact configuration has accuracy 1, and a QoS
loss of 0.01 is an error of 1 % of the typical QoI.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import shutil
from typing import Optional

import numpy as np

from approxbench.hpacml import APPS
from approxbench.hpacml.build import build_library, translate
from approxbench.hpacml.phases import run_phase, timed_call
from approxbench.hpacml.pipeline import PipelineConfig, collect_and_search
from approxmlir.compiler import export_knobs
from approxmlir.tuner import STATIC, TuneOptions, TuningResult
from approxmlir.tuner import tune as tune_knobs

SURROGATE_KIND = "ml_surrogate"


@dataclasses.dataclass
class TuneConfig:
    pipeline: PipelineConfig  # where the database and models live, and how to search
    accuracy_threshold: float = 0.99
    time_budget: float = 600.0
    max_evaluations: int = 40
    seed: int = 0


def surrogate_decisions(knobs) -> list[int]:
    """The ml_surrogate knob's decision values (there must be exactly one such knob)."""
    found = [k for k in knobs if SURROGATE_KIND in k.transform_types]
    if len(found) != 1:
        raise ValueError(f"expected one {SURROGATE_KIND} knob, found {[k.id for k in found]}")
    return sorted(found[0].decision_values)


def prepare_models(config: PipelineConfig, count: int) -> int:
    """Trains surrogates unless the work directory has them, and installs the
    Pareto models as `<stem>.<k>.pt` for k = 1..count; returns how many exist."""
    app = APPS[config.app]
    models = config.workdir / "models"
    if not (models / "model.1.pt").is_file():
        collect_and_search(config)
    stem = app.model_file.removesuffix(".pt")
    installed = 0
    for k in range(1, count + 1):
        source = models / f"model.{k}.pt"
        if not source.is_file():
            break
        shutil.copyfile(source, config.workdir / f"{stem}.{k}.pt")
        installed = k
    return installed


class Evaluator:
    """`evaluate_fn` for ar.tune: runs in the tuner's evaluation process."""

    def __init__(
        self, app_name: str, workdir: pathlib.Path, size: str, exact: np.ndarray, cache_dir: Optional[os.PathLike]
    ):
        self.app_name, self.workdir, self.size = app_name, workdir, size
        self.exact, self.cache_dir = exact, cache_dir
        app = APPS[app_name]
        self.scale = 1.0 if app.metric == "mape" else float(np.mean(np.abs(exact)))

    def __call__(self, config) -> tuple[float, float]:
        app = APPS[self.app_name]
        lib = build_library(app, config=config, cache_dir=self.cache_dir)
        inputs = app.inputs(self.size)
        os.chdir(self.workdir)  # model files are named relative to it
        uses_model = any(p.transform == SURROGATE_KIND and any(d > 0 for d in p.decisions) for p in config.values())
        seconds, qoi = timed_call(app, lib, inputs, use_model=True, warm_up=uses_model)
        return 1000.0 * seconds, 1.0 - app.error(qoi, self.exact) / self.scale


def tune(config: TuneConfig) -> TuningResult:
    pipeline = config.pipeline
    app = APPS[pipeline.app]
    mlir = translate(app)
    knobs = export_knobs(mlir)
    decisions = surrogate_decisions(knobs)
    installed = prepare_models(pipeline, max(decisions))
    if installed < max(decisions):
        raise RuntimeError(
            f"{app.name}: the search kept {installed} Pareto models but the "
            f"{SURROGATE_KIND} knob selects up to {max(decisions)}; lower its decision_values"
        )
    exact = run_phase(app.name, "plain", pipeline.eval_size, pipeline.workdir, pipeline.cache_dir).qoi
    evaluate = Evaluator(app.name, pipeline.workdir, pipeline.eval_size, exact, pipeline.cache_dir)
    return tune_knobs(
        mlir,
        evaluate,
        config.accuracy_threshold,
        config.time_budget,
        options=TuneOptions(
            knobs=knobs,
            output_dir=pipeline.workdir / "tuning",
            mode=STATIC,
            max_evaluations=config.max_evaluations,
            seed=config.seed,
        ),
    )
