"""Gemma 3 270M from the packaged GGUF: the JAX model against transformers reading the same file.

About a minute: both sides parse and dequantize the 240 MB file.
"""

import jax
import numpy as np
import pytest

from approxmlir.ml import gemma3, gguf_loader, reference, testing

# "<bos>Hello world, the capital of France" (ids from the model's tokenizer)
TOKENS = [2, 9259, 1902, 236764, 506, 5279, 529, 7001]


@pytest.fixture(scope="module")
def models():
    path = gguf_loader.packaged_gguf_path()
    config, params = gguf_loader.load_gguf(path)
    return config, params, reference.load_reference_model(path)


def test_config_is_gemma3_270m(models):
    config, _, _ = models
    assert (config.num_layers, config.hidden_size, config.num_heads, config.num_kv_heads) == (18, 640, 4, 1)
    assert (config.head_dim, config.intermediate_size, config.vocab_size) == (256, 2048, 262144)
    assert (config.rope_base_local, config.rope_base_global, config.sliding_window) == (1e4, 1e6, 512)
    assert [i for i in range(18) if config.is_global(i)] == [5, 11, 17]


def test_logits_and_greedy_tokens_match_transformers(models):
    config, params, ref = models
    model = gemma3.Gemma3Model(config, max_len=32)
    prefill, decode = jax.jit(model.prefill), jax.jit(model.decode_step)

    # Logits after each of the last 3 prompt tokens: prefill, then two decode steps.
    theirs = reference.reference_logits(ref, TOKENS)
    logits, cache = prefill(params, testing.padded(TOKENS[:6], 8), np.int32(6))
    ours = [np.asarray(logits)]
    for position in (6, 7):
        logits, cache = decode(params, np.array([TOKENS[position]], np.int32), np.int32(position), cache)
        ours.append(np.asarray(logits))
    for row, expected in zip(ours, theirs[5:]):
        assert np.abs(row - expected).max() < 2e-3  # measured ~3e-5; logits span ~±20
        assert row.argmax() == expected.argmax()

    # Greedy continuation, 8 tokens, against transformers' generate.
    generated, position, token = [], len(TOKENS), int(ours[-1].argmax())
    for _ in range(8):
        generated.append(token)
        logits, cache = decode(params, np.array([token], np.int32), np.int32(position), cache)
        position, token = position + 1, int(np.asarray(logits).argmax())
    assert generated == reference.reference_greedy(ref, TOKENS, 8)
    assert generated[:2] == [236761, 108]  # ".", "\n\n"


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
