"""transformers (PyTorch) loading a GGUF: the reference the JAX model is checked against.

It shares nothing with our loader but the `gguf` package: transformers maps
GGUF names and undoes llama.cpp's `1 + w` norm storage itself, and runs its
own Gemma3ForCausalLM or Qwen2ForCausalLM. `from_pretrained(gguf_file=...)` needs `accelerate`,
which the project does not install, so we do its two steps by hand: the
config from the GGUF metadata, then the state dict from
`load_gguf_checkpoint`.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Iterator

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _fast_gguf_reader() -> Iterator[None]:
    """transformers reads the file with `gguf.GGUFReader`, twice (config, then
    tensors). For the duration, swap in the same reader with faster metadata
    parsing (see gguf_loader), parsing each file once."""
    import gguf

    from approxmlir.frontends.llm.gguf_loader import _fast_reader_class

    reader_class = _fast_reader_class()
    readers: dict[str, object] = {}

    def open_once(path, mode="r"):
        key = (os.path.realpath(path), mode)
        if key not in readers:
            readers[key] = reader_class(path, mode)
        return readers[key]

    original = gguf.GGUFReader
    gguf.GGUFReader = open_once
    try:
        yield
    finally:
        gguf.GGUFReader = original


def load_reference_model(gguf_path: str | os.PathLike[str]):
    """transformers' causal LM for the GGUF's architecture (float32, eager attention, eval), with its weights."""
    from transformers import AutoConfig, AutoModelForCausalLM
    from transformers.initialization import no_init_weights
    from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint

    path = Path(gguf_path)
    if not path.is_file():
        raise FileNotFoundError(f"GGUF file not found: {path}")
    with _fast_gguf_reader():
        config = AutoConfig.from_pretrained(str(path.parent), gguf_file=path.name)
        config._attn_implementation = "eager"
        # transformers' own switch for "weights come next": skips the random
        # initialisation of ~270M weights.
        with no_init_weights():
            model = AutoModelForCausalLM.from_config(config)
        state = load_gguf_checkpoint(str(path), return_tensors=True, model_to_load=model)["tensors"]
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or set(missing) - ({"lm_head.weight"} if config.tie_word_embeddings else set()):
        raise ValueError(f"reference load: missing {missing}, unexpected {unexpected}")
    model.tie_weights()
    return model.eval()


def reference_logits(model, tokens: list[int]):
    """float32 numpy logits [len(tokens), vocab] of a full forward pass."""
    import torch

    with torch.no_grad():
        out = model(torch.tensor([tokens], dtype=torch.long)).logits[0]
    return out.float().numpy()


def reference_greedy(model, tokens: list[int], max_new_tokens: int) -> list[int]:
    """Greedy continuation (new tokens only), by transformers' generate with its KV cache."""
    import torch

    with torch.no_grad():
        out = model.generate(
            torch.tensor([tokens], dtype=torch.long),
            attention_mask=torch.ones(1, len(tokens), dtype=torch.long),
            max_new_tokens=max_new_tokens,
            do_sample=False,
            eos_token_id=None,  # generate all `max_new_tokens`, like our fixed-length check
        )
    return out[0, len(tokens) :].tolist()
