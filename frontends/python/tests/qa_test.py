"""The QA helper: scoring, prompts, the shipped evaluation set, and the answer loop."""

import pytest

from approxmlir.frontends.llm import decoder, qa, testing
from approxmlir.frontends.llm.tokenizer import GGUFTokenizer


def test_squad_normalization():
    assert qa.normalize_answer("The  Atlantic Ocean!") == "atlantic ocean"
    assert qa.normalize_answer("An apple, a day.") == "apple day"
    assert qa.normalize_answer("  ") == ""


def test_containment_is_by_whole_normalized_words():
    assert qa.contains_answer("It is the Pacific Ocean.", ["Pacific"])
    assert qa.contains_answer("Leonardo da Vinci", ["Leonardo da Vinci", "da Vinci"])
    assert not qa.contains_answer("Augustus", ["Au"])  # not a substring match
    assert not qa.contains_answer("Sydney", ["Canberra"])
    assert not qa.contains_answer("anything", [""])  # an empty gold answer never matches


def test_prompt_has_the_examples_and_ends_at_answer():
    prompt = qa.build_prompt("Who?", "Line one.\nLine two.", shots=2)
    assert prompt.endswith("Context: Line one. Line two.\nQuestion: Who?\nAnswer:")
    assert prompt.count("Answer:") == 3 and "Answer: Warsaw" in prompt
    assert qa.build_prompt("Who?", "P.", shots=0).count("Context:") == 1
    with pytest.raises(ValueError, match="shots must be in"):
        qa.build_prompt("Who?", "P.", shots=5)


def test_evaluation_set_is_well_formed():
    items = qa.load_eval_set()
    assert len(items) >= 20
    for item in items:
        assert item.question.endswith("?") and item.answers
        # extractive: some gold answer occurs in its passage
        assert any(qa.contains_answer(item.passage, [a]) for a in item.answers), item.question


def test_variants_are_defined():
    assert qa.VARIANTS["pro"].layers is None
    fast = qa.VARIANTS["fast"]
    assert fast.shots < qa.VARIANTS["pro"].shots or (fast.layers and len(fast.layers) < 18)
    # The extractive readers keep the whole model and cut the prompt.
    for name, shots in (("extractive", 1), ("zero-shot", 0)):
        variant = qa.VARIANTS[name]
        assert variant.extractive and variant.layers is None and variant.shots == shots
    with pytest.raises(ValueError, match="unknown variant"):
        qa.QAModel(testing.TINY_CONFIG, decoder.init_random_params(testing.TINY_CONFIG), None, "turbo")
    # A variant runs one model: the Qwen variant on Gemma weights is refused.
    with pytest.raises(ValueError, match="'qwen' runs qwen2.5-coder-0.5b, not a gemma3 model"):
        qa.QAModel(testing.TINY_CONFIG, decoder.init_random_params(testing.TINY_CONFIG), None, "qwen")


def test_answer_loop_stops_at_a_line_break(tmp_path):
    params = decoder.init_random_params(testing.TINY_CONFIG)
    gguf = testing.write_tiny_gguf(tmp_path / "tiny.gguf", testing.TINY_CONFIG, params)
    tokenizer = GGUFTokenizer.from_gguf(gguf, cache_dir=tmp_path / "tok")
    variant = qa.QAVariant("tiny", shots=0)
    model = qa.QAModel(testing.TINY_CONFIG, params, tokenizer, variant, backend="jax", max_len=512)
    text, result = model.answer_with_stats("is it?", "the cat is in.")
    assert "\n" not in text
    assert 1 <= len(result.tokens) <= qa.MAX_ANSWER_TOKENS
    if result.stop_reason == "stop":
        assert result.tokens[-1] in model.stop_ids
    report = qa.evaluate(model, qa.load_eval_set()[:2])
    assert report.total == 2 and 0 <= report.correct <= 2 and report.seconds_per_answer > 0
    # A variant with another prompt on the same engine: same functions, its own prompt.
    one_shot = qa.QAModel(
        testing.TINY_CONFIG, params, tokenizer, qa.QAVariant("tiny1", shots=1), shared_engine=model.engine
    )
    assert one_shot.engine is model.engine and one_shot.stop_ids == model.stop_ids
    assert (
        one_shot.prompt("is it?", "p.").count("Context:") == 2 and model.prompt("is it?", "p.").count("Context:") == 1
    )
    assert qa.VARIANTS["extractive"].engine_key == qa.VARIANTS["zero-shot"].engine_key != qa.VARIANTS["pro"].engine_key

    # A passage too long for the KV cache is cut at a word: the prompt and the answer fit, and the
    # passage's start is kept.
    small = qa.QAModel(testing.TINY_CONFIG, params, tokenizer, variant, backend="jax", max_len=160)
    long_passage = " ".join(f"cat{i % 7} is in" for i in range(200))
    prompt = small.fitting_prompt("is it?", long_passage)
    length = len(tokenizer.encode(prompt))
    assert 160 - 2 * qa.MAX_ANSWER_TOKENS < length <= 160 - qa.MAX_ANSWER_TOKENS
    assert "Context: cat0 is in cat1 is in" in prompt and prompt.endswith("Question: is it?\nAnswer:")
    assert small.fitting_prompt("is it?", "the cat is in.") == small.prompt("is it?", "the cat is in.")
    assert len(small.answer_with_stats("is it?", long_passage)[1].tokens) >= 1
    with pytest.raises(ValueError, match="the question alone makes a prompt of"):
        small.fitting_prompt(" ".join(["cat"] * 400) + "?", "the cat is in.")


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
