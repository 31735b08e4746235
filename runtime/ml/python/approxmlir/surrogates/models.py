"""The surrogate network: standardise -> MLP -> de-standardise.

The runtime feeds float32 tensors of shape [n_0, ..., n_{S-1}, F_in] (sweep
dims first, features last) and expects [n_0, ..., n_{S-1}, F_out]
(runtime/ml/README.md). `nn.Linear` maps the last dimension and broadcasts
over the others, so a plain MLP fits any sweep shape without reshapes.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import torch
from torch import nn

# Names, not classes, so that configs stay JSON-friendly (search.json).
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "elu": nn.ELU,
}

# Features whose training std is below this are constant: dividing by ~0
# would blow up any new value, so they are only centred.
_MIN_STD = 1e-12


@dataclasses.dataclass(frozen=True)
class MLPConfig:
    """The architecture: hidden layer widths (empty = a linear model) and activation."""

    hidden: tuple[int, ...] = (64, 64)
    activation: str = "relu"

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(w) for w in self.hidden))
        if any(w < 1 for w in self.hidden):
            raise ValueError(f"hidden widths must be positive, got {self.hidden}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r} (one of {', '.join(ACTIVATIONS)})")


class Surrogate(nn.Module):
    """`(mlp((x - in_mean) / in_std)) * out_std + out_mean` on the last dim.

    The statistics are buffers, so they travel with the state dict and the
    TorchScript file: the runtime passes raw values and gets raw values.
    """

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        config: MLPConfig,
        in_mean: np.ndarray | None = None,
        in_std: np.ndarray | None = None,
        out_mean: np.ndarray | None = None,
        out_std: np.ndarray | None = None,
    ) -> None:
        super().__init__()
        self.n_inputs = n_inputs
        self.n_outputs = n_outputs
        self.register_buffer("in_mean", _stat(in_mean, n_inputs, 0.0))
        self.register_buffer("in_std", _stat(in_std, n_inputs, 1.0))
        self.register_buffer("out_mean", _stat(out_mean, n_outputs, 0.0))
        self.register_buffer("out_std", _stat(out_std, n_outputs, 1.0))
        layers: list[nn.Module] = []
        width = n_inputs
        for hidden in config.hidden:
            layers += [nn.Linear(width, hidden), ACTIVATIONS[config.activation]()]
            width = hidden
        layers.append(nn.Linear(width, n_outputs))
        self.mlp = nn.Sequential(*layers)

    @classmethod
    def fit_statistics(cls, inputs: np.ndarray, outputs: np.ndarray, config: MLPConfig) -> Surrogate:
        """A fresh (untrained) surrogate standardising with the given rows' statistics."""
        return cls(
            inputs.shape[1],
            outputs.shape[1],
            config,
            inputs.mean(axis=0),
            _safe_std(inputs),
            outputs.mean(axis=0),
            _safe_std(outputs),
        )

    def normalised(self, x: torch.Tensor) -> torch.Tensor:
        """The MLP's output in standardised units (the training loss's space)."""
        return self.mlp((x - self.in_mean) / self.in_std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.normalised(x) * self.out_std + self.out_mean


def parameter_count(model: nn.Module) -> int:
    """Trainable parameters (the buffers are statistics, not parameters)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _safe_std(array: np.ndarray) -> np.ndarray:
    std = array.std(axis=0)
    return np.where(std < _MIN_STD, 1.0, std)


def _stat(value: np.ndarray | None, n: int, default: float) -> torch.Tensor:
    if value is None:
        return torch.full((n,), default, dtype=torch.float32)
    tensor = torch.as_tensor(np.asarray(value, dtype=np.float32))
    if tensor.shape != (n,):
        raise ValueError(f"statistic of shape {tuple(tensor.shape)}, expected ({n},)")
    return tensor
