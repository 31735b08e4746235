"""The GGUF loader on tiny files: config from metadata, tensor mapping, clear errors."""

import numpy as np
import pytest

from approxmlir.frontends.llm import decoder, gguf_loader, testing
from approxmlir.frontends.llm.config import FULL, SLIDING, layer_param_shapes


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    params = decoder.init_random_params(testing.TINY_CONFIG, seed=1)
    path = testing.write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf", testing.TINY_CONFIG, params)
    return path, params


def test_config_comes_from_the_metadata(tiny):
    config, _ = gguf_loader.load_gguf(tiny[0])
    expected = testing.TINY_CONFIG
    assert (config.num_layers, config.hidden_size, config.num_heads, config.num_kv_heads) == (6, 64, 4, 2)
    assert (config.head_dim, config.intermediate_size, config.vocab_size) == (16, 128, 300)
    assert (config.sliding_window, config.sliding_window_pattern) == (4, 6)
    assert config.rope_base_global == expected.rope_base_global == 1e6
    assert config.rope_base_local == 1e4  # absent from the file: Gemma 3's value
    assert config.query_pre_attn_scalar == 256.0
    assert config.rms_norm_eps == pytest.approx(1e-6)
    assert config.layer_types == (SLIDING,) * 5 + (FULL,)


def test_tensors_map_to_params_with_norms_shifted_back(tiny):
    path, params = tiny
    _, loaded = gguf_loader.load_gguf(path)
    np.testing.assert_array_equal(loaded["embed"], testing.dequantized_embedding(params))
    assert np.abs(loaded["embed"] - params["embed"]).max() < 0.01  # Q8_0 is close
    np.testing.assert_allclose(loaded["final_norm"], params["final_norm"], atol=1e-6)
    for ours, theirs in zip(loaded["layers"], params["layers"]):
        assert set(ours) == set(layer_param_shapes(testing.TINY_CONFIG))
        for name in layer_param_shapes(testing.TINY_CONFIG):
            assert ours[name].dtype == np.float32
            np.testing.assert_allclose(ours[name], theirs[name], atol=1e-6, err_msg=name)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="GGUF file not found"):
        gguf_loader.load_gguf(tmp_path / "absent.gguf")


def test_other_architecture_raises_value_error(tmp_path):
    params = decoder.init_random_params(testing.TINY_CONFIG)
    path = testing.write_tiny_gguf(tmp_path / "llama.gguf", testing.TINY_CONFIG, params, architecture="llama")
    with pytest.raises(ValueError, match="general.architecture is 'llama', expected one of"):
        gguf_loader.load_gguf(path)


def test_not_a_gguf_raises_value_error(tmp_path):
    path = tmp_path / "model.gguf"
    path.write_bytes(b"PK\x03\x04 certainly not a GGUF file" * 10)
    with pytest.raises(ValueError, match="not a readable GGUF file"):
        gguf_loader.load_gguf(path)


def test_missing_tensor_is_reported(tmp_path):
    params = decoder.init_random_params(testing.TINY_CONFIG)
    del params["layers"][3]["up"]
    path = testing.write_tiny_gguf(tmp_path / "partial.gguf", testing.TINY_CONFIG, params)
    with pytest.raises(ValueError, match="layer 3 lacks 'up'"):
        gguf_loader.load_gguf(path)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
