"""IREE against JAX on a tiny random Gemma 3: same logits, same greedy tokens, cached modules."""

import concurrent.futures
import fcntl

import jax
import numpy as np
import pytest

from approxmlir.frontends.llm import decoder, testing
from approxmlir.runtime.llm.generation import JaxDecoder
from approxmlir.runtime.llm.iree_backend import IreeDecoder, IreeOptions, compile_cached, export_stablehlo, warm_up_engines

PROMPT = [2, 17, 45, 9, 250, 31, 77]
BUCKETS = (8,)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    params = decoder.init_random_params(testing.TINY_CONFIG, seed=0)
    model = decoder.DecoderModel(testing.TINY_CONFIG, max_len=24)
    cache_dir = tmp_path_factory.mktemp("iree")
    iree = IreeDecoder(model, params, cache_dir=cache_dir, prefill_buckets=BUCKETS)
    return model, params, cache_dir, iree, JaxDecoder(model, params, prefill_buckets=BUCKETS)


def test_prefill_and_decode_logits_match_jax(setup):
    _, _, _, iree, jax_engine = setup
    ours, cache = iree.prefill(PROMPT)
    theirs, jax_cache = jax_engine.prefill(PROMPT)
    np.testing.assert_allclose(ours, theirs, atol=1e-4, rtol=0)
    for position, token in enumerate([5, 140, 66], start=len(PROMPT)):
        ours, cache = iree.decode_step(token, position, cache)
        theirs, jax_cache = jax_engine.decode_step(token, position, jax_cache)
        np.testing.assert_allclose(ours, theirs, atol=1e-4, rtol=0)


def test_greedy_generation_matches_jax(setup):
    _, _, _, iree, jax_engine = setup
    ours = iree.generate(PROMPT, max_new_tokens=12)
    theirs = jax_engine.generate(PROMPT, max_new_tokens=12)
    assert ours.tokens == theirs.tokens
    assert len(ours.tokens) == 12 and len(set(ours.tokens)) > 3  # not a degenerate repeat
    assert ours.stop_reason == "max_new_tokens" and ours.decode_steps == 11


def test_stop_ids_and_a_full_cache_end_generation(setup):
    _, _, _, iree, _ = setup
    full = iree.generate(PROMPT, max_new_tokens=12).tokens
    stopped = iree.generate(PROMPT, max_new_tokens=12, stop_ids=[full[3]])
    assert stopped.stop_reason == "stop"
    assert stopped.tokens == full[: full.index(full[3]) + 1]
    long = iree.generate(PROMPT, max_new_tokens=100)  # 7 + 100 > 24 positions
    assert long.stop_reason == "cache_full" and len(long.tokens) == 24 - len(PROMPT) + 1


def test_compiled_modules_are_cached_on_disk(setup):
    model, params, cache_dir, iree, _ = setup
    iree.warm_up()
    assert iree.compile_seconds["decode"] > 0
    assert len(list(cache_dir.glob("*.vmfb"))) == 2  # decode, prefill_8
    again = IreeDecoder(model, params, cache_dir=cache_dir, prefill_buckets=BUCKETS)
    again.warm_up()
    assert again.compile_seconds == {"decode": 0.0, "prefill_8": 0.0}
    assert again.generate(PROMPT, 4).tokens == iree.generate(PROMPT, 4).tokens


def test_candidates_restrict_the_output(tmp_path):
    """The extractive mode: logits over given ids only (one layer, to compile fast)."""
    config, params = decoder.select_layers(testing.TINY_CONFIG, decoder.init_random_params(testing.TINY_CONFIG), [5])
    candidates = [1, 9, 17, 31, 45, 77, 140, 250]
    restricted = decoder.DecoderModel(config, max_len=24, num_candidates=10)  # padded from 8
    iree = IreeDecoder(restricted, params, cache_dir=tmp_path, prefill_buckets=BUCKETS)
    full = JaxDecoder(decoder.DecoderModel(config, max_len=24), params, prefill_buckets=BUCKETS)
    ids = np.array(candidates + [250, 250], np.int32)
    ours, cache = iree.prefill(PROMPT, ids)
    theirs, full_cache = full.prefill(PROMPT)
    np.testing.assert_allclose(ours, theirs[ids], atol=1e-4, rtol=0)
    ours, _ = iree.decode_step(9, len(PROMPT), cache, ids)
    theirs, _ = full.decode_step(9, len(PROMPT), full_cache)
    np.testing.assert_allclose(ours, theirs[ids], atol=1e-4, rtol=0)

    generated = iree.generate(PROMPT, 8, candidates=candidates).tokens
    assert set(generated) <= set(candidates)
    assert generated == JaxDecoder(restricted, params, BUCKETS).generate(PROMPT, 8, candidates=candidates).tokens
    with pytest.raises(ValueError, match="at most 10"):
        iree.generate(PROMPT, 4, candidates=list(range(11)))
    with pytest.raises(ValueError, match="needs 1 to 10 candidate"):
        iree.generate(PROMPT, 4)


def test_warm_up_compiles_every_bucket(tmp_path):
    """Buckets compile side by side; each serves its prompt lengths (one layer, to compile fast)."""
    config, params = decoder.select_layers(testing.TINY_CONFIG, decoder.init_random_params(testing.TINY_CONFIG), [0])
    model = decoder.DecoderModel(config, max_len=24)
    iree = IreeDecoder(model, params, cache_dir=tmp_path, prefill_buckets=(8, 16))
    iree.warm_up()
    assert iree.compile_seconds["prefill_8"] > 0 and iree.compile_seconds["prefill_16"] > 0
    assert len(list(tmp_path.glob("*.vmfb"))) == 3
    reference = JaxDecoder(model, params, prefill_buckets=(8, 16))
    for prompt in (PROMPT, PROMPT + PROMPT):  # 7 tokens (bucket 8), 14 (bucket 16)
        np.testing.assert_allclose(iree.prefill(prompt)[0], reference.prefill(prompt)[0], atol=1e-4, rtol=0)


def test_engines_warming_up_side_by_side_compile_each_module_once(tmp_path):
    """Two engines on one cache directory (as two LLM workers are): every module is compiled by one
    of them and loaded by the other, and both generate the same tokens."""
    config, params = decoder.select_layers(testing.TINY_CONFIG, decoder.init_random_params(testing.TINY_CONFIG), [0])
    model = decoder.DecoderModel(config, max_len=24)
    engines = [IreeDecoder(model, params, cache_dir=tmp_path, prefill_buckets=(8, 16)) for _ in range(2)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda engine: warm_up_engines([engine]), engines))
    names = {"decode", "prefill_8", "prefill_16"}
    assert all(set(engine.compile_seconds) == names for engine in engines)
    for name in names:
        compiled = [engine.compile_seconds[name] > 0 for engine in engines]
        assert sum(compiled) == 1, (name, compiled)
    assert len(list(tmp_path.glob("*.vmfb"))) == 3
    assert engines[0].generate(PROMPT, 6).tokens == engines[1].generate(PROMPT, 6).tokens


def test_a_module_being_compiled_elsewhere_is_waited_for_or_skipped(tmp_path):
    text = export_stablehlo(lambda x: x * 2.0, [jax.ShapeDtypeStruct((4,), np.float32)])
    options = IreeOptions()
    vmfb, seconds = compile_cached(text, options, tmp_path)
    assert seconds > 0
    (cached,) = tmp_path.glob("*.vmfb")
    cached.unlink()
    with open(cached.with_suffix(".lock"), "a") as other:  # another process compiling it
        fcntl.flock(other, fcntl.LOCK_EX)
        assert compile_cached(text, options, tmp_path, wait=False) is None
        cached.write_bytes(vmfb)  # that process finishes
    assert compile_cached(text, options, tmp_path, wait=False) == (vmfb, 0.0)


def test_an_unusable_cache_directory_only_disables_caching(tmp_path, caplog):
    text = export_stablehlo(lambda x: x + 1.0, [jax.ShapeDtypeStruct((4,), np.float32)])
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    vmfb, seconds = compile_cached(text, IreeOptions(), not_a_directory / "cache")
    assert vmfb and seconds > 0
    assert "cannot cache the IREE module" in caplog.text


def test_bad_requests_raise_value_error(setup):
    _, _, _, iree, _ = setup
    with pytest.raises(ValueError, match="longer than the 24-position KV cache"):
        iree.generate(list(range(1, 30)), 4)
    with pytest.raises(ValueError, match="prompt is empty"):
        iree.generate([], 4)
    _, cache = iree.prefill(PROMPT)
    with pytest.raises(ValueError, match="outside the 24-position"):
        iree.decode_step(5, 24, cache)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
