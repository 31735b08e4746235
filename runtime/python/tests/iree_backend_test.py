"""The IREE engine against JAX (XLA) on tiny random models: same logits, same greedy tokens, at every
precision; prefix reuse and chunked prefill change nothing; one cached module per model."""

import concurrent.futures
import dataclasses

import jax
import numpy as np
import pytest

from approxmlir.frontends.llm import decoder, precision, testing
from approxmlir.runtime.llm.generation import JaxDecoder
from approxmlir.runtime.llm.iree_backend import IreeDecoder, PrefixStore, plan_chunks, warm_up_engines

PROMPT = [2, 17, 45, 9, 250, 31, 77]
CHUNKS = (4, 8)
SPANS = (8, 16)  # chunks ending before position 8 (16) attend to 8 (16) cache positions only


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    params = decoder.init_random_params(testing.TINY_CONFIG, seed=0)
    model = decoder.DecoderModel(testing.TINY_CONFIG, max_len=24)
    cache_dir = tmp_path_factory.mktemp("iree")
    iree = IreeDecoder(model, params, cache_dir=cache_dir, chunks=CHUNKS, prefix_reuse=False, key_spans=SPANS)
    return model, params, cache_dir, iree, JaxDecoder(model, params)


def one_layer(config=testing.TINY_CONFIG, layer=0, seed=0):
    return decoder.select_layers(config, decoder.init_random_params(config, seed=seed), [layer])


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


def test_each_token_carries_its_log_probability(setup):
    """token_logprobs: log-softmax of the logits each greedy token was picked from (JAX recomputed)."""
    _, _, _, iree, jax_engine = setup
    result = iree.generate(PROMPT, max_new_tokens=5)
    logits, cache = jax_engine.prefill(PROMPT)
    expected = []
    for position, token in enumerate(result.tokens, start=len(PROMPT)):
        expected.append(float(jax.nn.log_softmax(logits)[token]))
        logits, cache = jax_engine.decode_step(token, position, cache)
    np.testing.assert_allclose(result.token_logprobs, expected, atol=1e-4)
    assert all(p <= 0 for p in result.token_logprobs) and min(result.token_logprobs) < -0.01
    assert result.mean_logprob == pytest.approx(np.mean(expected), abs=1e-4)


def test_prompts_of_every_length_prefill_in_chunks_like_one_pass(setup):
    """7 tokens: 4 + 3 (padded to 4); 9: 8 + 1; 20: 8 + 8 + 4; 23: up to the cache's end."""
    _, _, _, iree, jax_engine = setup
    rng = np.random.default_rng(3)
    for length in (1, 3, 7, 9, 20, 23):
        prompt = [int(t) for t in rng.integers(1, 300, length)]
        np.testing.assert_allclose(iree.prefill(prompt)[0], jax_engine.prefill(prompt)[0], atol=1e-4, rtol=0)
    assert set(iree._functions) == {
        "extend_1",
        "extend_4",
        "extend_8",
        "extend_4_8",
        "extend_8_8",
        "extend_4_16",
        "extend_8_16",
        "logits",
    }


def test_plan_chunks_never_reaches_past_the_cache():
    assert plan_chunks(7, 0, (4, 8), 24) == [(8, 7)]
    assert plan_chunks(20, 0, (4, 8), 24) == [(8, 8), (8, 8), (4, 4)]
    assert plan_chunks(3, 20, (4, 8), 24) == [(4, 3)]
    assert plan_chunks(2, 22, (4, 8), 24) == [(1, 1), (1, 1)]  # no 4-chunk fits at 22
    with pytest.raises(ValueError, match="3 tokens from position 22 do not fit"):
        plan_chunks(3, 22, (4, 8), 24)
    assert plan_chunks(300, 0, (16, 64, 128), 512) == [(128, 128), (128, 128), (64, 44)]


def test_prefix_reuse_gives_the_same_tokens(setup):
    """Prompts sharing 10 tokens: the third prefills only its own part, and every answer is the plain path's."""
    model, params, cache_dir, plain, _ = setup
    reusing = IreeDecoder(model, params, cache_dir=cache_dir, chunks=CHUNKS, key_spans=SPANS)
    reusing.prefixes.min_length = 8
    shared = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    prompts = [shared + [40, 41, 42], shared + [50, 51], shared + [60, 61, 62, 63], shared + [70]]
    for prompt in prompts:
        assert reusing.generate(prompt, 6).tokens == plain.generate(prompt, 6).tokens
    assert reusing.compile_seconds == 0.0  # the same module as the plain engine's
    assert reusing.reused_tokens == 2 * len(shared)  # prompts 3 and 4


def test_batched_decoding_gives_each_prompt_its_own_tokens(setup, tmp_path):
    """Four prompts of different lengths and stopping points, three at a time (the last group padded)."""
    model, params, _, plain, _ = setup
    batched = IreeDecoder(model, params, cache_dir=tmp_path, chunks=CHUNKS, batch=3)
    prompts = [PROMPT, PROMPT[:3], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11], [44] * 20]
    alone = [plain.generate(p, 8) for p in prompts]
    stop = alone[1].tokens[2]  # ends the second prompt early
    alone = [plain.generate(p, 8, stop_ids=[stop]) for p in prompts]
    together = batched.generate_batch(prompts, 8, stop_ids=[stop])
    assert [r.tokens for r in together] == [r.tokens for r in alone]
    assert [r.stop_reason for r in together] == [r.stop_reason for r in alone]
    for ours, theirs in zip(together, alone):
        np.testing.assert_allclose(ours.token_logprobs, theirs.token_logprobs, atol=1e-4)
    assert "stop" in {r.stop_reason for r in together} and "cache_full" in {r.stop_reason for r in together}
    # Per-answer time as if alone: its steps at the measured one-sequence step time.
    step = together[0].decode_seconds / together[0].decode_steps
    assert step > 0 and all(r.decode_seconds == pytest.approx(r.decode_steps * step) for r in together)
    assert batched.last_batch_seconds > 0
    # Two prompts from one stored prefix decode side by side (their caches must not share buffers).
    shared = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    batched.prefixes.min_length = 8
    prompts = [shared + [40, 41], shared + [50], shared + [60, 61, 62], shared + [70, 71]]
    assert [r.tokens for r in batched.generate_batch(prompts, 6)] == [plain.generate(p, 6).tokens for p in prompts]
    assert batched.reused_tokens > 0


def test_prefix_store_keeps_the_longest_shared_prefix_and_forgets_the_oldest():
    store = PrefixStore(capacity=2, min_length=3)
    store.remember([1, 2, 3, 4, 5])
    assert store.split_point([1, 2, 3, 4, 9]) == 4
    assert store.split_point([1, 2, 9]) == 0  # shorter than min_length
    store.put([1, 2, 3], "a")
    store.put([1, 2, 3, 4], "b")
    assert store.longest([1, 2, 3, 4, 7]) == (4, "b")
    assert store.longest([1, 2, 3, 4]) == (3, "a")  # at least one token is left to run
    store.put([7, 7, 7], "c")  # evicts the least recently used: [1, 2, 3] was used after [1, 2, 3, 4]
    assert [1, 2, 3, 4] not in store and [1, 2, 3] in store and [7, 7, 7] in store


@pytest.mark.parametrize("name", [precision.BFLOAT16, precision.INT8])
def test_reduced_precisions_match_jax_and_stay_near_float32(tmp_path, name):
    config, params = one_layer(layer=5)
    model = decoder.DecoderModel(config, max_len=24)
    reduced = precision.convert_params(params, name)
    iree = IreeDecoder(model, reduced, cache_dir=tmp_path, chunks=CHUNKS)
    ours, _ = iree.prefill(PROMPT)
    theirs, _ = JaxDecoder(model, reduced).prefill(PROMPT)
    exact, _ = JaxDecoder(model, params).prefill(PROMPT)
    np.testing.assert_allclose(ours, theirs, atol=2e-3, rtol=0)
    # The tolerance a reduced precision is held to on this model (logits of
    # magnitude ~1): bfloat16 rounds weights to 8 bits of mantissa, int8 to 127 steps.
    assert np.abs(ours - exact).max() < {precision.BFLOAT16: 0.05, precision.INT8: 0.1}[name]
    assert iree.generate(PROMPT, 8).tokens == JaxDecoder(model, reduced).generate(PROMPT, 8).tokens


def test_int8_quantization_is_per_row_and_symmetric():
    w = np.array([[0.5, -1.0, 0.25], [2.0, 0.0, -2.0], [0.0, 0.0, 0.0]], np.float32)
    q = precision.quantize_int8(w)
    assert q.values.dtype == np.int8 and q.values[0].tolist() == [64, -127, 32]
    np.testing.assert_allclose(q.scales, [1 / 127, 2 / 127, 1.0])
    np.testing.assert_allclose(q.values * q.scales[:, None], w, atol=0.5 / 127 * 2)
    with pytest.raises(ValueError, match="unknown precision 'fp8'"):
        precision.convert_params({"embed": w, "layers": []}, "fp8")


def test_decode_with_an_odd_number_of_query_heads_per_kv_head(tmp_path):
    """Qwen2.5 0.5B has 7 query heads per KV head; IREE's data tiling miscompiled that decode step."""
    config = dataclasses.replace(testing.TINY_QWEN2_CONFIG, num_heads=6, num_kv_heads=2)  # 3 per KV head
    params = decoder.init_random_params(config, seed=1)
    model = decoder.DecoderModel(config, max_len=24)
    iree = IreeDecoder(model, params, cache_dir=tmp_path, chunks=CHUNKS)
    reference = JaxDecoder(model, params)
    ours, cache = iree.prefill(PROMPT)
    theirs, jax_cache = reference.prefill(PROMPT)
    np.testing.assert_allclose(ours, theirs, atol=1e-4, rtol=0)
    ours, _ = iree.decode_step(11, len(PROMPT), cache)
    theirs, _ = reference.decode_step(11, len(PROMPT), jax_cache)
    np.testing.assert_allclose(ours, theirs, atol=1e-4, rtol=0)


def test_wide_heads_compile_within_the_stack_limit(tmp_path):
    """Qwen2.5 1.5B's shape: 128-wide heads, 6 query heads per KV head, a 512-position cache
    (its attention over 256 cached positions needs 160 KB of stack in one dispatch)."""
    config = dataclasses.replace(
        testing.TINY_QWEN2_CONFIG,
        num_layers=1,
        layer_types=("full_attention",),
        hidden_size=128,
        num_heads=12,
        num_kv_heads=2,
        head_dim=128,
    )
    params = decoder.init_random_params(config, seed=2)
    model = decoder.DecoderModel(config, max_len=512)
    iree = IreeDecoder(model, params, cache_dir=tmp_path, prefix_reuse=False)
    prompt = list(range(3, 3 + 40))  # a 32-token chunk and an 8-token one
    ours, _ = iree.prefill(prompt)
    theirs, _ = JaxDecoder(model, params).prefill(prompt)
    np.testing.assert_allclose(ours, theirs, atol=1e-4, rtol=0)


def test_stop_ids_and_a_full_cache_end_generation(setup):
    _, _, _, iree, _ = setup
    full = iree.generate(PROMPT, max_new_tokens=12).tokens
    stopped = iree.generate(PROMPT, max_new_tokens=12, stop_ids=[full[3]])
    assert stopped.stop_reason == "stop"
    assert stopped.tokens == full[: full.index(full[3]) + 1]
    long = iree.generate(PROMPT, max_new_tokens=100)  # 7 + 100 > 24 positions
    assert long.stop_reason == "cache_full" and len(long.tokens) == 24 - len(PROMPT) + 1


def test_the_module_is_cached_on_disk(setup):
    model, params, cache_dir, iree, _ = setup
    iree.warm_up()
    assert len(list(cache_dir.glob("*.vmfb"))) == 1  # every entry point in one module
    again = IreeDecoder(model, params, cache_dir=cache_dir, chunks=CHUNKS, prefix_reuse=False, key_spans=SPANS)
    again.warm_up()
    assert again.compile_seconds == 0.0
    assert again.generate(PROMPT, 4).tokens == iree.generate(PROMPT, 4).tokens
    # Other weights of the same shapes: the same module, parameters bound at load time.
    other = IreeDecoder(
        model,
        decoder.init_random_params(testing.TINY_CONFIG, seed=7),
        cache_dir=cache_dir,
        chunks=CHUNKS,
        prefix_reuse=False,
        key_spans=SPANS,
    )
    assert other.generate(PROMPT, 4).tokens != iree.generate(PROMPT, 4).tokens
    assert other.compile_seconds == 0.0 and len(list(cache_dir.glob("*.vmfb"))) == 1


def test_weights_from_a_parameter_archive(setup, tmp_path):
    """The weights written once to a memory-mapped .irpa in the cache directory: the same tokens, the file reused."""
    model, params, cache_dir, iree, _ = setup
    in_memory = IreeDecoder(
        model, params, cache_dir=cache_dir, chunks=CHUNKS, prefix_reuse=False, key_spans=SPANS, weights_archive=False
    )
    assert in_memory.generate(PROMPT, 8).tokens == iree.generate(PROMPT, 8).tokens
    archives = tmp_path / "archives"
    archived = IreeDecoder(model, params, cache_dir=archives, chunks=(8,), prefix_reuse=False)
    assert archived.generate(PROMPT, 8).tokens == iree.generate(PROMPT, 8).tokens
    (archive,) = archives.glob("*.irpa")
    written = archive.stat().st_mtime_ns
    again = IreeDecoder(model, params, cache_dir=archives, chunks=(8,), prefix_reuse=False)
    assert again.generate(PROMPT, 8).tokens == iree.generate(PROMPT, 8).tokens
    assert archive.stat().st_mtime_ns == written and len(list(archives.glob("*.irpa"))) == 1


def test_candidates_restrict_the_output(tmp_path):
    """The extractive mode: logits over given ids only."""
    config, params = one_layer(layer=5)
    candidates = [1, 9, 17, 31, 45, 77, 140, 250]
    restricted = decoder.DecoderModel(config, max_len=24, num_candidates=10)  # padded from 8
    iree = IreeDecoder(restricted, params, cache_dir=tmp_path, chunks=CHUNKS)
    full = JaxDecoder(decoder.DecoderModel(config, max_len=24), params)
    ids = np.array(candidates + [250, 250], np.int32)
    ours, cache = iree.prefill(PROMPT, ids)
    theirs, full_cache = full.prefill(PROMPT)
    np.testing.assert_allclose(ours, theirs[ids], atol=1e-4, rtol=0)
    ours, _ = iree.decode_step(9, len(PROMPT), cache, ids)
    theirs, _ = full.decode_step(9, len(PROMPT), full_cache)
    np.testing.assert_allclose(ours, theirs[ids], atol=1e-4, rtol=0)

    result = iree.generate(PROMPT, 8, candidates=candidates)
    generated = result.tokens
    assert set(generated) <= set(candidates)
    # The softmax is over the 8 distinct candidates, not the 10 padded rows.
    first = full.prefill(PROMPT)[0][candidates]
    assert result.token_logprobs[0] == pytest.approx(float(jax.nn.log_softmax(first).max()), abs=1e-4)
    assert generated == JaxDecoder(restricted, params).generate(PROMPT, 8, candidates=candidates).tokens
    with pytest.raises(ValueError, match="at most 10"):
        iree.generate(PROMPT, 4, candidates=list(range(11)))
    with pytest.raises(ValueError, match="needs 1 to 10 candidate"):
        iree.generate(PROMPT, 4)


def test_engines_warming_up_side_by_side_compile_the_module_once(tmp_path):
    """Two engines on one cache directory (as two LLM workers are): one compiles, the other waits and loads."""
    config, params = one_layer()
    model = decoder.DecoderModel(config, max_len=24)
    engines = [IreeDecoder(model, params, cache_dir=tmp_path, chunks=CHUNKS) for _ in range(2)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda engine: warm_up_engines([engine]), engines))
    assert sorted(engine.compile_seconds > 0 for engine in engines) == [False, True]
    assert len(list(tmp_path.glob("*.vmfb"))) == 1
    assert engines[0].generate(PROMPT, 6).tokens == engines[1].generate(PROMPT, 6).tokens


def test_an_unusable_cache_directory_only_disables_caching(tmp_path, caplog):
    config, params = one_layer()
    model = decoder.DecoderModel(config, max_len=24)
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    iree = IreeDecoder(model, params, cache_dir=not_a_directory / "cache", chunks=(8,))
    reference = JaxDecoder(model, params)
    assert iree.generate(PROMPT, 4).tokens == reference.generate(PROMPT, 4).tokens
    assert iree.compile_seconds > 0 and "cannot cache IREE modules" in caplog.text


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
