"""Training one surrogate: Adam on standardised MSE, early stopping on validation."""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
import time

import numpy as np
import torch
import tqdm
from torch import nn

from approxmlir.qos import mape, rmse
from approxmlir.surrogates.dataset import RegionData
from approxmlir.surrogates.export import torch_threads
from approxmlir.surrogates.models import MLPConfig, Surrogate

logger = logging.getLogger(__name__)

# Validation runs in chunks of this many rows: bounded memory for big databases.
_EVAL_CHUNK = 65536


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings. `time_limit_s` caps the wall time of the epoch
    loop (None: no cap); `patience` is the number of epochs without a
    validation improvement before stopping early."""

    epochs: int = 200
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 0.0
    seed: int = 0
    time_limit_s: float | None = None
    patience: int = 20
    val_fraction: float = 0.2
    num_threads: int = 1
    progress: bool = False

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or self.patience < 1 or self.num_threads < 1:
            raise ValueError(f"epochs, batch_size, patience and num_threads must be >= 1: {self}")
        if not self.lr > 0.0 or self.weight_decay < 0.0:
            raise ValueError(f"lr must be > 0 and weight_decay >= 0: {self}")


@dataclasses.dataclass
class TrainResult:
    """The best model (by validation loss, eval mode) and its validation errors,
    in the outputs' units (RMSE) and as a fraction (MAPE over nonzero targets;
    NaN when every target is zero)."""

    model: Surrogate
    val_rmse: float
    val_mape: float
    train_seconds: float
    epochs: int  # epochs run (possibly fewer than configured)
    best_epoch: int  # 1-based epoch of the returned weights; 0 = untrained


def train(
    data: RegionData,
    mlp_config: MLPConfig,
    train_config: TrainConfig = TrainConfig(),
    split: tuple[np.ndarray, np.ndarray] | None = None,
) -> TrainResult:
    """Trains a `Surrogate` on `data`.

    `split` is (train rows, validation rows); by default
    `data.split(train_config.val_fraction, train_config.seed)`. A search
    passes one split to every trial so that their errors are comparable.
    Deterministic for a given seed (and thread count): the global torch RNG
    is forked, so callers' random state is left alone.
    """
    train_rows, val_rows = split if split is not None else data.split(train_config.val_fraction, train_config.seed)
    if len(train_rows) == 0 or len(val_rows) == 0:
        raise ValueError(f"{data.path}: region {data.region!r}: empty train or validation split")
    # Statistics from the training rows only: validation stays unseen.
    x_train_np, y_train_np = data.inputs[train_rows], data.outputs[train_rows]
    y_val_np = data.outputs[val_rows]
    x_train = torch.as_tensor(x_train_np, dtype=torch.float32)
    y_train = torch.as_tensor(y_train_np, dtype=torch.float32)
    x_val = torch.as_tensor(data.inputs[val_rows], dtype=torch.float32)
    y_val = torch.as_tensor(y_val_np, dtype=torch.float32)

    with torch_threads(train_config.num_threads), torch.random.fork_rng(devices=[]):
        torch.manual_seed(train_config.seed)
        model = Surrogate.fit_statistics(x_train_np, y_train_np, mlp_config)
        result = _fit(model, x_train, y_train, x_val, y_val, train_config)
    model.eval()
    prediction = _predict(model, x_val).double().numpy()
    val_rmse = rmse(prediction, y_val_np)
    val_mape = _mape(prediction, y_val_np)
    logger.debug(
        "trained %s: val RMSE %.4g, MAPE %.4g, %d epochs (best %d), %.1f s",
        mlp_config,
        val_rmse,
        val_mape,
        result[0],
        result[1],
        result[2],
    )
    return TrainResult(model, val_rmse, val_mape, result[2], result[0], result[1])


def _fit(
    model: Surrogate,
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_val: torch.Tensor,
    y_val: torch.Tensor,
    config: TrainConfig,
) -> tuple[int, int, float]:
    """The epoch loop; leaves the best weights in `model`. Returns
    (epochs run, best epoch, seconds)."""
    # The loss is the MSE of standardised outputs, so every output feature
    # counts the same whatever its units.
    y_train_n = (y_train - model.out_mean) / model.out_std
    y_val_n = (y_val - model.out_mean) / model.out_std
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    loss_fn = nn.MSELoss()
    generator = torch.Generator().manual_seed(config.seed)
    n = x_train.shape[0]
    batch = min(config.batch_size, n)

    start = time.monotonic()
    deadline = start + config.time_limit_s if config.time_limit_s is not None else math.inf
    # Epoch 0 (the initial weights) is a candidate too, so that a run that
    # never improves still returns the best weights it saw.
    best_loss, best_epoch = _val_loss(model, x_val, y_val_n), 0
    best_state = copy.deepcopy(model.state_dict())
    stale, epoch = 0, 0
    bar = tqdm.trange(config.epochs, desc="epochs", unit="ep", disable=not config.progress, leave=False)
    for epoch in bar:
        model.train()
        order = torch.randperm(n, generator=generator)
        out_of_time = False
        for first in range(0, n, batch):
            index = order[first : first + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model.normalised(x_train[index]), y_train_n[index])
            loss.backward()
            optimizer.step()
            if time.monotonic() > deadline:
                out_of_time = True
                break
        loss = _val_loss(model, x_val, y_val_n)
        if loss < best_loss:
            best_loss, best_epoch, stale = loss, epoch + 1, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            stale += 1
        bar.set_postfix(val_mse=f"{loss:.3g}", best=f"{best_loss:.3g}")
        if out_of_time:
            logger.debug("time limit of %s s reached at epoch %d", config.time_limit_s, epoch + 1)
            break
        if stale >= config.patience:
            logger.debug("no improvement for %d epochs: stopping at %d", stale, epoch + 1)
            break
        if not math.isfinite(loss):
            logger.debug("diverged at epoch %d (lr %g)", epoch + 1, config.lr)
            break
    bar.close()
    model.load_state_dict(best_state)
    return epoch + 1, best_epoch, time.monotonic() - start


@torch.no_grad()
def _predict(model: Surrogate, x: torch.Tensor) -> torch.Tensor:
    return torch.cat([model(x[i : i + _EVAL_CHUNK]) for i in range(0, x.shape[0], _EVAL_CHUNK)])


@torch.no_grad()
def _val_loss(model: Surrogate, x: torch.Tensor, y_n: torch.Tensor) -> float:
    model.eval()
    total = 0.0
    for i in range(0, x.shape[0], _EVAL_CHUNK):
        diff = model.normalised(x[i : i + _EVAL_CHUNK]) - y_n[i : i + _EVAL_CHUNK]
        total += float(diff.double().square().sum())
    value = total / y_n.numel()
    return value if math.isfinite(value) else math.inf


def _mape(prediction: np.ndarray, exact: np.ndarray) -> float:
    """MAPE over the nonzero targets (zeros are common in simulation outputs
    and make the relative error undefined); NaN if all are zero."""
    if not np.any(exact != 0.0):
        return math.nan
    return mape(prediction, exact, zeros="skip")
