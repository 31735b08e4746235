"""The packaged GGUF models (Gemma 3 270M, Qwen2.5-Coder 0.5B and 1.5B): the JAX model
against transformers reading the same file.

About a minute per model (two for the 1.5B): both sides parse and dequantize the file.
"""

import jax
import numpy as np
import pytest

from approxmlir.frontends.llm import decoder, gguf_loader, reference, testing

# "Hello world, the capital of France" (ids from each model's tokenizer; Gemma's start with <bos>)
TOKENS = {
    "gemma3-270m": [2, 9259, 1902, 236764, 506, 5279, 529, 7001],
    "qwen2.5-coder-0.5b": [9707, 1879, 11, 279, 6722, 315, 9625],
    "qwen2.5-coder-1.5b": [9707, 1879, 11, 279, 6722, 315, 9625],  # the same tokenizer
}
# The greedy continuation's first tokens: Gemma ".", "\n\n"; Qwen " is", " Paris"
FIRST_GENERATED = {"gemma3-270m": [236761, 108], "qwen2.5-coder-0.5b": [374, 12095], "qwen2.5-coder-1.5b": [374, 12095]}
# (layers, width, query heads, KV heads, head size, MLP width) of the Qwen2 models.
QWEN_SHAPES = {"qwen2.5-coder-0.5b": (24, 896, 14, 2, 64, 4864), "qwen2.5-coder-1.5b": (28, 1536, 12, 2, 128, 8960)}


@pytest.fixture(scope="module", params=sorted(TOKENS))
def models(request):
    path = gguf_loader.packaged_gguf_path(request.param)
    config, params = gguf_loader.load_gguf(path)
    return request.param, config, params, reference.load_reference_model(path)


def test_config_is_the_packaged_model(models):
    name, config, params, _ = models
    if name == "gemma3-270m":
        assert (config.num_layers, config.hidden_size, config.num_heads, config.num_kv_heads) == (18, 640, 4, 1)
        assert (config.head_dim, config.intermediate_size, config.vocab_size) == (256, 2048, 262144)
        assert (config.rope_base_local, config.rope_base_global, config.sliding_window) == (1e4, 1e6, 512)
        assert [i for i in range(18) if config.is_global(i)] == [5, 11, 17]
        assert config.tie_embeddings and "lm_head" not in params
    else:
        layers, width, heads, kv_heads, head_dim, mlp = QWEN_SHAPES[name]
        assert (config.num_layers, config.hidden_size, config.num_heads, config.num_kv_heads) == (
            layers,
            width,
            heads,
            kv_heads,
        )
        assert (config.head_dim, config.intermediate_size, config.vocab_size) == (head_dim, mlp, 151936)
        assert config.architecture == "qwen2" and config.rope_base_global == 1e6
        assert all(config.is_global(i) for i in range(layers))
        assert not config.tie_embeddings and params["lm_head"].shape == (151936, width)


def test_logits_and_greedy_tokens_match_transformers(models):
    name, config, params, ref = models
    tokens = TOKENS[name]
    model = decoder.DecoderModel(config, max_len=32)
    prefill, decode = jax.jit(model.prefill), jax.jit(model.decode_step)

    # Logits after each of the last 3 prompt tokens: prefill, then two decode steps.
    theirs = reference.reference_logits(ref, tokens)
    start = len(tokens) - 2
    logits, cache = prefill(params, testing.padded(tokens[:start], 8), np.int32(start))
    ours = [np.asarray(logits)]
    for position in range(start, len(tokens)):
        logits, cache = decode(params, np.array([tokens[position]], np.int32), np.int32(position), cache)
        ours.append(np.asarray(logits))
    for row, expected in zip(ours, theirs[start - 1 :]):
        assert np.abs(row - expected).max() < 2e-3  # measured 2e-5 (Qwen) to 3e-5 (Gemma); logits span ~±20
        assert row.argmax() == expected.argmax()

    # Greedy continuation, 8 tokens, against transformers' generate.
    generated, position, token = [], len(tokens), int(ours[-1].argmax())
    for _ in range(8):
        generated.append(token)
        logits, cache = decode(params, np.array([token], np.int32), np.int32(position), cache)
        position, token = position + 1, int(np.asarray(logits).argmax())
    assert generated == reference.reference_greedy(ref, tokens, 8)
    assert generated[:2] == FIRST_GENERATED[name]


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
