"""Gemma 3 weights from a Hugging Face checkpoint (config.json + *.safetensors).

For users with the full-precision checkpoints (270M, 1B, or the text part of
the multimodal 4B/12B/27B). The names follow transformers' Gemma3 modules,
`model.layers.N.self_attn.q_proj.weight` etc.; the multimodal checkpoints put
the text model under `language_model.model.` (older) or `model.language_model.`
(transformers >= 4.52). Norm weights are stored as `w` (the model uses
`1 + w`), linear weights as [out, in], both as our params have them.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from approxmlir.frontends.llm.config import FULL, SLIDING, DecoderConfig, Params, check_params

log = logging.getLogger(__name__)

_TEXT_MODEL_TYPES = ("gemma3_text", "gemma3")
_PREFIXES = ("model.language_model.", "language_model.model.", "model.")

# Hugging Face module path under a layer -> our per-layer parameter name.
_LAYER_TENSORS = {
    "input_layernorm": "attn_norm",
    "self_attn.q_proj": "q",
    "self_attn.k_proj": "k",
    "self_attn.v_proj": "v",
    "self_attn.o_proj": "o",
    "self_attn.q_norm": "q_norm",
    "self_attn.k_norm": "k_norm",
    "post_attention_layernorm": "post_attn_norm",
    "pre_feedforward_layernorm": "pre_ffn_norm",
    "mlp.gate_proj": "gate",
    "mlp.up_proj": "up",
    "mlp.down_proj": "down",
    "post_feedforward_layernorm": "post_ffn_norm",
}
_REQUIRED = ("num_hidden_layers", "hidden_size", "num_attention_heads", "intermediate_size")


def config_from_hf(values: Mapping[str, Any], source: str = "config.json") -> DecoderConfig:
    """The DecoderConfig of a transformers Gemma 3 `config.json` (text or multimodal)."""
    if "text_config" in values:  # Gemma3ForConditionalGeneration: the text part.
        values = dict(values["text_config"], model_type=values["text_config"].get("model_type", "gemma3_text"))
    model_type = values.get("model_type")
    if model_type not in _TEXT_MODEL_TYPES:
        raise ValueError(f"{source}: model_type is {model_type!r}, expected one of {_TEXT_MODEL_TYPES}")
    for key in ("final_logit_softcapping", "attn_logit_softcapping"):
        if values.get(key) is not None:
            raise ValueError(f"{source}: {key} is set; Gemma 3 has none and this model does not apply it")
    if values.get("use_bidirectional_attention"):
        raise ValueError(f"{source}: bidirectional attention (EmbeddingGemma) is not supported")

    # transformers 4.x writes rope_theta / rope_local_base_freq / rope_scaling,
    # 5.x a rope_parameters dict per layer type.
    rope = values.get("rope_parameters") or {}
    global_rope = dict(rope.get(FULL) or {})
    local_rope = dict(rope.get(SLIDING) or {})
    scaling = values.get("rope_scaling") or global_rope
    factor = 1.0
    if scaling.get("rope_type", scaling.get("type", "default")) == "linear":
        factor = float(scaling["factor"])
    elif scaling.get("rope_type", scaling.get("type", "default")) != "default":
        raise ValueError(f"{source}: unsupported RoPE scaling {scaling}")
    missing = [k for k in _REQUIRED if k not in values]
    if missing:
        raise ValueError(f"{source}: lacks {', '.join(missing)}")
    num_layers = int(values["num_hidden_layers"])
    pattern = int(values.get("sliding_window_pattern", values.get("_sliding_window_pattern", 6)))
    layer_types = values.get("layer_types") or ()
    return DecoderConfig(
        num_layers=num_layers,
        hidden_size=int(values["hidden_size"]),
        num_heads=int(values["num_attention_heads"]),
        num_kv_heads=int(values.get("num_key_value_heads", values["num_attention_heads"])),
        head_dim=int(values.get("head_dim", 256)),
        intermediate_size=int(values["intermediate_size"]),
        vocab_size=int(values.get("vocab_size", 262_208)),
        rope_base_global=float(global_rope.get("rope_theta", values.get("rope_theta", 1_000_000.0))),
        rope_base_local=float(local_rope.get("rope_theta", values.get("rope_local_base_freq", 10_000.0))),
        rope_scaling_global=factor,
        sliding_window=int(values.get("sliding_window") or 4096),
        sliding_window_pattern=pattern,
        rms_norm_eps=float(values.get("rms_norm_eps", 1e-6)),
        query_pre_attn_scalar=float(values.get("query_pre_attn_scalar", 256)),
        layer_types=tuple(layer_types),
    )


def _safetensors_files(directory: Path) -> list[Path]:
    index = directory / "model.safetensors.index.json"
    if index.is_file():
        shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        return [directory / shard for shard in shards]
    return sorted(directory.glob("model*.safetensors"))


def load_safetensors_checkpoint(directory: str | os.PathLike[str]) -> tuple[DecoderConfig, Params]:
    """(config, float32 params) of the Hugging Face Gemma 3 checkpoint in `directory`."""
    from safetensors import safe_open

    directory = Path(directory)
    config_path = directory / "config.json"
    if not config_path.is_file():
        raise FileNotFoundError(f"no config.json in {directory}")
    config = config_from_hf(json.loads(config_path.read_text()), source=str(config_path))
    files = _safetensors_files(directory)
    if not files:
        raise FileNotFoundError(f"no model*.safetensors in {directory}")

    layers: list[dict[str, np.ndarray]] = [{} for _ in range(config.num_layers)]
    params: Params = {"layers": layers}
    for file in files:
        # framework="numpy" returns bfloat16 checkpoints as ml_dtypes.bfloat16.
        with safe_open(str(file), framework="numpy") as reader:
            for key in reader.keys():
                prefix = next((p for p in _PREFIXES if key.startswith(p)), None)
                if prefix is None:
                    continue  # lm_head (tied), vision tower, projector
                name = key[len(prefix) :]
                weight = np.asarray(reader.get_tensor(key), dtype=np.float32)
                if name == "embed_tokens.weight":
                    params["embed"] = weight
                elif name == "norm.weight":
                    params["final_norm"] = weight
                elif name.startswith("layers."):
                    _, index, rest = name.split(".", 2)
                    ours = _LAYER_TENSORS.get(rest.removesuffix(".weight"))
                    if ours is None:
                        raise ValueError(f"{file}: unexpected tensor {key!r} for Gemma 3")
                    layers[int(index)][ours] = weight
    check_params(config, params)
    log.info("loaded %s (%d layers)", directory, config.num_layers)
    return config, params
