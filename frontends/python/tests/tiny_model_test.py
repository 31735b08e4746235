"""The JAX decoder against transformers' Gemma3ForCausalLM / Qwen2ForCausalLM on tiny random models.

Both loaders are exercised: a random transformers model saved as a
safetensors checkpoint, and the same kind of weights written as a GGUF the
way llama.cpp does (1 + w norms, a Q8_0 embedding) and loaded by both
transformers and us. Sequences are longer than the sliding window, so local
and global layers differ.
"""

import dataclasses
import json

import jax
import numpy as np
import pytest
import torch

from approxmlir.frontends.llm import decoder, gguf_loader, reference, safetensors_loader, testing
from approxmlir.frontends.llm.config import FULL, SLIDING

TOKENS = [2, 17, 45, 9, 250, 31, 77, 5, 140, 66, 12, 200]  # 12 > sliding window (4)


def torch_model(config, seed=0):
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    torch.manual_seed(seed)
    hf_config = Gemma3TextConfig(**testing.hf_config_dict(config))
    hf_config._attn_implementation = "eager"
    model = Gemma3ForCausalLM(hf_config).eval()
    with torch.no_grad():  # transformers starts norms at 0 (1 + w = 1): make them matter
        for name, param in model.named_parameters():
            if "norm" in name:
                param.normal_(0.0, 0.3)
            elif "embed" in name:
                param.normal_(0.0, 0.5)
    return model


def jax_logits_per_position(config, params, tokens, max_len=16):
    """Logits at every position: prefill of the first 3 tokens, then decode steps."""
    model = decoder.DecoderModel(config, max_len=max_len)
    prefill, decode = jax.jit(model.prefill), jax.jit(model.decode_step)
    logits, cache = prefill(params, testing.padded(tokens[:3], 8), np.int32(3))
    rows = [np.asarray(logits)]
    for position in range(3, len(tokens)):
        logits, cache = decode(params, np.array([tokens[position]], np.int32), np.int32(position), cache)
        rows.append(np.asarray(logits))
    return np.stack(rows)  # rows[i]: logits after tokens[: i + 3]


@pytest.fixture(scope="module")
def safetensors_checkpoint(tmp_path_factory):
    config = dataclasses.replace(testing.TINY_CONFIG, query_pre_attn_scalar=24.0)
    model = torch_model(config)
    directory = tmp_path_factory.mktemp("hf")
    model.save_pretrained(directory)
    return config, model, directory


def test_safetensors_checkpoint_loads_to_the_same_config(safetensors_checkpoint):
    config, _, directory = safetensors_checkpoint
    loaded, params = safetensors_loader.load_safetensors_checkpoint(directory)
    assert loaded == config
    assert loaded.layer_types == (SLIDING,) * 5 + (FULL,)
    assert params["layers"][0]["q"].shape == (64, 64)  # [heads * head_dim, hidden]


def test_jax_prefill_and_decode_match_transformers(safetensors_checkpoint):
    config, model, directory = safetensors_checkpoint
    _, params = safetensors_loader.load_safetensors_checkpoint(directory)
    ours = jax_logits_per_position(config, params, TOKENS)
    theirs = reference.reference_logits(model, TOKENS)[2:]
    assert ours.shape == theirs.shape == (len(TOKENS) - 2, config.vocab_size)
    np.testing.assert_allclose(ours, theirs, atol=2e-4, rtol=0)
    assert (ours.argmax(-1) == theirs.argmax(-1)).all()


def test_prefill_at_every_length_matches_transformers(safetensors_checkpoint):
    config, model, directory = safetensors_checkpoint
    _, params = safetensors_loader.load_safetensors_checkpoint(directory)
    prefill = jax.jit(decoder.DecoderModel(config, max_len=16).prefill)
    theirs = reference.reference_logits(model, TOKENS)
    for length in (1, 4, 5, 12):  # padded to 12 each time: padding must not leak in
        logits, _ = prefill(params, testing.padded(TOKENS[:length], 12), np.int32(length))
        np.testing.assert_allclose(np.asarray(logits), theirs[length - 1], atol=2e-4, rtol=0)


def test_bfloat16_checkpoint_is_read_as_float32(tmp_path):
    model = torch_model(testing.TINY_CONFIG).to(torch.bfloat16)
    model.save_pretrained(tmp_path)
    _, params = safetensors_loader.load_safetensors_checkpoint(tmp_path)
    expected = model.model.layers[1].mlp.down_proj.weight.detach().float().numpy()
    assert params["layers"][1]["down"].dtype == np.float32
    np.testing.assert_array_equal(params["layers"][1]["down"], expected)


def test_gguf_matches_transformers_reading_the_same_file(tmp_path):
    params = decoder.init_random_params(testing.TINY_CONFIG, seed=3)
    path = testing.write_tiny_gguf(tmp_path / "tiny.gguf", testing.TINY_CONFIG, params)
    config, loaded = gguf_loader.load_gguf(path)
    assert dataclasses.replace(config, rms_norm_eps=1e-6) == testing.TINY_CONFIG
    np.testing.assert_array_equal(loaded["embed"], testing.dequantized_embedding(params))
    np.testing.assert_allclose(loaded["layers"][2]["q_norm"], params["layers"][2]["q_norm"], atol=1e-6)

    model = reference.load_reference_model(path)
    ours = jax_logits_per_position(config, loaded, TOKENS)
    theirs = reference.reference_logits(model, TOKENS)[2:]
    np.testing.assert_allclose(ours, theirs, atol=2e-4, rtol=0)


def test_qwen2_gguf_matches_transformers_reading_the_same_file(tmp_path):
    params = decoder.init_random_params(testing.TINY_QWEN2_CONFIG, seed=4)
    path = testing.write_tiny_gguf(tmp_path / "qwen2.gguf", testing.TINY_QWEN2_CONFIG, params, with_tokenizer=False)
    config, loaded = gguf_loader.load_gguf(path)
    assert dataclasses.replace(config, rms_norm_eps=1e-6) == testing.TINY_QWEN2_CONFIG
    assert config.layer_types == (FULL,) * 3 and not config.tie_embeddings
    np.testing.assert_array_equal(loaded["lm_head"], params["lm_head"])
    np.testing.assert_array_equal(loaded["layers"][1]["k_bias"], params["layers"][1]["k_bias"])

    model = reference.load_reference_model(path)
    assert type(model).__name__ == "Qwen2ForCausalLM"
    ours = jax_logits_per_position(config, loaded, TOKENS)
    theirs = reference.reference_logits(model, TOKENS)[2:]
    np.testing.assert_allclose(ours, theirs, atol=2e-4, rtol=0)
    assert (ours.argmax(-1) == theirs.argmax(-1)).all()


def test_select_layers_keeps_each_layers_type():
    params = decoder.init_random_params(testing.TINY_CONFIG)
    config, kept = decoder.select_layers(testing.TINY_CONFIG, params, [0, 5])
    assert config.num_layers == 2 and config.layer_types == (SLIDING, FULL)
    assert kept["layers"][1] is params["layers"][5]
    with pytest.raises(ValueError, match="distinct increasing"):
        decoder.select_layers(testing.TINY_CONFIG, params, [3, 1])
    with pytest.raises(ValueError, match="distinct increasing"):
        decoder.select_layers(testing.TINY_CONFIG, params, [6])


def test_prompt_longer_than_the_cache_is_rejected():
    model = decoder.DecoderModel(testing.TINY_CONFIG, max_len=8)
    params = decoder.init_random_params(testing.TINY_CONFIG)
    with pytest.raises(ValueError, match="does not fit the 8-position cache"):
        model.prefill(params, testing.padded(TOKENS, 12), np.int32(12))


def test_checkpoint_errors_say_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="no config.json"):
        safetensors_loader.load_safetensors_checkpoint(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama", "num_hidden_layers": 2}))
    with pytest.raises(ValueError, match="model_type is 'llama'"):
        safetensors_loader.load_safetensors_checkpoint(tmp_path)
    config = dict(testing.hf_config_dict(testing.TINY_CONFIG), model_type="gemma3_text")
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(FileNotFoundError, match="no model"):
        safetensors_loader.load_safetensors_checkpoint(tmp_path)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
