"""Decoder configurations (Gemma 3 and Qwen2 text models) and the parameter pytree's layout."""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

import numpy as np

# The model's parameters: a nested dict of float32 arrays (numpy when loaded,
# jax arrays inside traced functions).
#   {"embed": [vocab, hidden], "final_norm": [hidden],
#    "lm_head": [vocab, hidden] (only when the output projection is untied),
#    "layers": [ {per-layer dict, see layer_param_shapes}, ... ]}
# Linear weights are stored [out, in], like torch and GGUF (and because IREE
# runs `w @ x` faster than `x @ w^T`); norm weights follow the Hugging Face
# convention of their architecture (Gemma multiplies by 1 + w, Qwen2 by w).
Params = dict[str, Any]

SLIDING = "sliding_attention"
FULL = "full_attention"

GEMMA3 = "gemma3"
QWEN2 = "qwen2"
ARCHITECTURES = (GEMMA3, QWEN2)

# Per-layer parameter names, each with a function of the config giving its
# shape. Both architectures share these ...
_COMMON_LAYER_PARAMS = {
    "attn_norm": lambda c: (c.hidden_size,),
    "q": lambda c: (c.num_heads * c.head_dim, c.hidden_size),
    "k": lambda c: (c.num_kv_heads * c.head_dim, c.hidden_size),
    "v": lambda c: (c.num_kv_heads * c.head_dim, c.hidden_size),
    "o": lambda c: (c.hidden_size, c.num_heads * c.head_dim),
    "pre_ffn_norm": lambda c: (c.hidden_size,),
    "gate": lambda c: (c.intermediate_size, c.hidden_size),
    "up": lambda c: (c.intermediate_size, c.hidden_size),
    "down": lambda c: (c.hidden_size, c.intermediate_size),
}
# ... Gemma 3 adds RMS-normed q/k and "sandwich" norms after attention and MLP,
_GEMMA3_LAYER_PARAMS = {
    "q_norm": lambda c: (c.head_dim,),
    "k_norm": lambda c: (c.head_dim,),
    "post_attn_norm": lambda c: (c.hidden_size,),
    "post_ffn_norm": lambda c: (c.hidden_size,),
}
# ... Qwen2 adds biases to the q/k/v projections.
_QWEN2_LAYER_PARAMS = {
    "q_bias": lambda c: (c.num_heads * c.head_dim,),
    "k_bias": lambda c: (c.num_kv_heads * c.head_dim,),
    "v_bias": lambda c: (c.num_kv_heads * c.head_dim,),
}


@dataclasses.dataclass(frozen=True)
class DecoderConfig:
    """Hyper-parameters of a Gemma 3 or Qwen2 text decoder (`architecture`).

    Qwen2 (Qwen2.5) differs from Gemma 3 in: no embedding scaling, RMSNorm by
    w (not 1 + w), biased q/k/v without q/k norms, no sandwich norms, a SwiGLU
    (SiLU) MLP, full attention in every layer (one RoPE base,
    `rope_base_global`) and, for some sizes, an untied output projection
    (`tie_embeddings=False`, params["lm_head"]).

    `layer_types` says, for every kept layer, whether it is a local
    (sliding-window, `rope_base_local`) or a global (full attention,
    `rope_base_global`) layer. When it is not given it follows Gemma 3's
    pattern: every `sliding_window_pattern`-th layer is global. It is stored
    explicitly because a model keeping a subset of the layers keeps each
    layer's original type.
    """

    num_layers: int
    hidden_size: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    intermediate_size: int
    vocab_size: int
    rope_base_global: float = 1_000_000.0
    rope_base_local: float = 10_000.0
    # Linear RoPE scaling of the global layers (Gemma 3 4B and larger use 8).
    rope_scaling_global: float = 1.0
    sliding_window: int = 512
    sliding_window_pattern: int = 6
    rms_norm_eps: float = 1e-6
    query_pre_attn_scalar: float | None = None
    layer_types: tuple[str, ...] = ()
    architecture: str = GEMMA3
    tie_embeddings: bool = True

    def __post_init__(self) -> None:
        if self.architecture == QWEN2 and not self.layer_types:
            object.__setattr__(self, "layer_types", (FULL,) * self.num_layers)
        if not self.layer_types:
            pattern = self.sliding_window_pattern
            types = tuple(FULL if (i + 1) % pattern == 0 else SLIDING for i in range(self.num_layers))
            object.__setattr__(self, "layer_types", types)
        else:
            object.__setattr__(self, "layer_types", tuple(self.layer_types))
        if self.query_pre_attn_scalar is None:
            object.__setattr__(self, "query_pre_attn_scalar", float(self.head_dim))
        self.validate()

    def validate(self) -> None:
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"unknown architecture {self.architecture!r}; expected one of {ARCHITECTURES}")
        positive = (
            "num_layers",
            "hidden_size",
            "num_heads",
            "num_kv_heads",
            "head_dim",
            "intermediate_size",
            "vocab_size",
            "sliding_window",
            "sliding_window_pattern",
        )
        for name in positive:
            if int(getattr(self, name)) <= 0:
                raise ValueError(f"DecoderConfig.{name} must be positive, got {getattr(self, name)}")
        if self.num_heads % self.num_kv_heads:
            raise ValueError(f"num_heads ({self.num_heads}) must be a multiple of num_kv_heads ({self.num_kv_heads})")
        if self.head_dim % 2:
            raise ValueError(f"head_dim must be even for RoPE, got {self.head_dim}")
        if len(self.layer_types) != self.num_layers:
            raise ValueError(f"layer_types has {len(self.layer_types)} entries for {self.num_layers} layers")
        unknown = set(self.layer_types) - {SLIDING, FULL}
        if unknown:
            raise ValueError(f"unknown layer types {sorted(unknown)}; expected {SLIDING!r} or {FULL!r}")

    def is_global(self, layer: int) -> bool:
        return self.layer_types[layer] == FULL

    @property
    def is_gemma(self) -> bool:
        return self.architecture == GEMMA3

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "DecoderConfig":
        return cls(**values)


def layer_param_shapes(config: DecoderConfig) -> dict[str, Any]:
    """Per-layer parameter name -> function of the config giving its shape."""
    extra = _GEMMA3_LAYER_PARAMS if config.is_gemma else _QWEN2_LAYER_PARAMS
    return {**_COMMON_LAYER_PARAMS, **extra}


def check_params(config: DecoderConfig, params: Params) -> None:
    """Raises ValueError unless `params` has every array `config` needs, in its shape."""
    expected = {
        "embed": (config.vocab_size, config.hidden_size),
        "final_norm": (config.hidden_size,),
    }
    if not config.tie_embeddings:
        expected["lm_head"] = (config.vocab_size, config.hidden_size)
    for name, shape in expected.items():
        if name not in params:
            raise ValueError(f"params lack {name!r}")
        if tuple(np.shape(params[name])) != shape:
            raise ValueError(f"params[{name!r}] has shape {np.shape(params[name])}, expected {shape}")
    layers = params.get("layers")
    if layers is None or len(layers) != config.num_layers:
        raise ValueError(f"params have {0 if layers is None else len(layers)} layers, config says {config.num_layers}")
    for index, layer in enumerate(layers):
        for name, shape_of in layer_param_shapes(config).items():
            if name not in layer:
                raise ValueError(f"layer {index} lacks {name!r}")
            if tuple(np.shape(layer[name])) != shape_of(config):
                raise ValueError(
                    f"layer {index} {name!r} has shape {np.shape(layer[name])}, expected {shape_of(config)}"
                )
