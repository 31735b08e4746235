"""Tiny Gemma 3 and Qwen2 models and files for tests: configs, GGUF and HF-checkpoint writers.

Small enough to compile with IREE in seconds, yet exercising every feature
of the architecture: two KV heads for four query heads, a sliding window
shorter than the test sequences, and both layer types.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from approxmlir.frontends.llm.config import QWEN2, DecoderConfig, Params
from approxmlir.frontends.llm.gguf_loader import _LAYER_TENSORS

# transformers' GGUF reader takes neither the sliding-window pattern nor
# query_pre_attn_scalar from the file (it uses Gemma 3's 6 and 256), so the
# tiny model uses those values too and can be checked against it.
TINY_CONFIG = DecoderConfig(
    num_layers=6,  # layers 0-4 local, layer 5 global
    hidden_size=64,
    num_heads=4,
    num_kv_heads=2,
    head_dim=16,
    intermediate_size=128,
    vocab_size=300,
    sliding_window=4,
    sliding_window_pattern=6,
    query_pre_attn_scalar=256.0,
)

# Qwen2 with an untied output projection (like the packaged 0.5B file); every
# layer global, attention scaled by head_dim ** -0.5.
TINY_QWEN2_CONFIG = dataclasses.replace(
    TINY_CONFIG, num_layers=3, layer_types=(), query_pre_attn_scalar=None, architecture=QWEN2, tie_embeddings=False
)

# Gemma's first ids (GGUFTokenizer adds a <mask> when the vocabulary lacks one).
_SPECIAL = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>"]
# llama.cpp token types: 1 normal, 2 unknown, 3 control, 5 unused, 6 byte.
_SPECIAL_TYPES = [3, 3, 3, 2, 3, 3, 3]


def tiny_vocab(size: int) -> tuple[list[str], list[int]]:
    """A SentencePiece-style vocabulary (tokens, llama.cpp token types) of `size` entries."""
    pieces = ["\n", "\u2581"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    pieces += [chr(c) for c in range(ord("A"), ord("Z") + 1)] + list("0123456789.,?:!'")
    pieces += ["\u2581t", "he", "\u2581the", "\u2581a", "in", "\u2581in", "er", "on", "\u2581on", "is", "\u2581is"]
    tokens = _SPECIAL + pieces
    types = _SPECIAL_TYPES + [1] * len(pieces)
    if len(tokens) > size:
        raise ValueError(f"a tiny vocabulary needs at least {len(tokens)} entries")
    unused = size - len(tokens)
    return tokens + [f"<unused{i}>" for i in range(unused)], types + [5] * unused


def write_tiny_gguf(
    path: str | os.PathLike[str],
    config: DecoderConfig,
    params: Params,
    architecture: str | None = None,
    quantize_embedding: bool = True,
    with_tokenizer: bool = True,
) -> Path:
    """Writes `params` as llama.cpp writes a Gemma 3 or Qwen2 GGUF (`architecture`
    defaults to the config's): Gemma norms stored as 1 + w, the embedding
    Q8_0-quantized (so loading dequantizes), the rest float32. The tokenizer
    is a tiny Gemma-style one."""
    import gguf

    path = Path(path)
    architecture = architecture or config.architecture
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_name(f"tiny {architecture}")
    writer.add_block_count(config.num_layers)
    writer.add_context_length(4096)
    writer.add_embedding_length(config.hidden_size)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_heads)
    writer.add_head_count_kv(config.num_kv_heads)
    writer.add_key_length(config.head_dim)
    writer.add_value_length(config.head_dim)
    writer.add_rope_freq_base(config.rope_base_global)
    writer.add_layer_norm_rms_eps(config.rms_norm_eps)
    writer.add_sliding_window(config.sliding_window)
    writer.add_sliding_window_pattern(config.sliding_window_pattern)
    writer.add_float32(f"{architecture}.attention.query_pre_attn_scalar", float(config.query_pre_attn_scalar))
    writer.add_vocab_size(config.vocab_size)
    if with_tokenizer:
        tokens, types = tiny_vocab(config.vocab_size)
        writer.add_tokenizer_model("llama")
        writer.add_token_list(tokens)
        writer.add_token_scores([-float(i) for i in range(len(tokens))])
        writer.add_token_types(types)
        writer.add_bos_token_id(2)
        writer.add_eos_token_id(1)
        writer.add_unk_token_id(3)
        writer.add_pad_token_id(0)
        writer.add_add_bos_token(True)
        writer.add_add_space_prefix(False)

    embed = np.asarray(params["embed"], np.float32)
    if quantize_embedding:
        qtype = gguf.GGMLQuantizationType.Q8_0
        writer.add_tensor("token_embd.weight", gguf.quants.quantize(embed, qtype), raw_dtype=qtype)
    else:
        writer.add_tensor("token_embd.weight", embed)
    norm_offset = 1.0 if config.is_gemma else 0.0
    writer.add_tensor("output_norm.weight", np.asarray(params["final_norm"], np.float32) + norm_offset)
    if "lm_head" in params:
        writer.add_tensor("output.weight", np.asarray(params["lm_head"], np.float32))
    ours_to_gguf = {ours: theirs for theirs, ours in _LAYER_TENSORS.items()}
    for index, layer in enumerate(params["layers"]):
        for name, value in layer.items():
            value = np.asarray(value, np.float32)
            if name.endswith("norm"):
                value = value + norm_offset
            suffix = "" if name.endswith("bias") else ".weight"
            writer.add_tensor(f"blk.{index}.{ours_to_gguf[name]}{suffix}", value)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def dequantized_embedding(params: Params) -> np.ndarray:
    """The embedding after a Q8_0 round trip: what write_tiny_gguf's file holds."""
    import gguf

    qtype = gguf.GGMLQuantizationType.Q8_0
    embed = np.asarray(params["embed"], np.float32)
    return gguf.quants.dequantize(gguf.quants.quantize(embed, qtype), qtype).reshape(embed.shape)


def hf_config_dict(config: DecoderConfig) -> dict:
    """transformers' Gemma3TextConfig arguments for `config`."""
    return dict(
        vocab_size=config.vocab_size,
        hidden_size=config.hidden_size,
        intermediate_size=config.intermediate_size,
        num_hidden_layers=config.num_layers,
        num_attention_heads=config.num_heads,
        num_key_value_heads=config.num_kv_heads,
        head_dim=config.head_dim,
        sliding_window=config.sliding_window,
        layer_types=list(config.layer_types),
        query_pre_attn_scalar=int(config.query_pre_attn_scalar),  # transformers wants an int
        rms_norm_eps=config.rms_norm_eps,
        rope_parameters={
            "full_attention": {"rope_type": "default", "rope_theta": config.rope_base_global},
            "sliding_attention": {"rope_type": "default", "rope_theta": config.rope_base_local},
        },
        max_position_embeddings=4096,
        hidden_activation="gelu_pytorch_tanh",
    )


def padded(tokens: Sequence[int], length: int) -> np.ndarray:
    out = np.zeros((1, length), np.int32)
    out[0, : len(tokens)] = tokens
    return out
