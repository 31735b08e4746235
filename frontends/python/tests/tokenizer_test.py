"""The tokenizer: built from a GGUF by transformers, cached, with Gemma's special tokens."""

import pytest

from approxmlir.frontends.llm import decoder, gguf_loader, testing
from approxmlir.frontends.llm.tokenizer import GGUFTokenizer


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory):
    params = decoder.init_random_params(testing.TINY_CONFIG)
    return testing.write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf", testing.TINY_CONFIG, params)


def test_tiny_vocabulary_round_trip_and_special_ids(tiny_gguf, tmp_path):
    tok = GGUFTokenizer.from_gguf(tiny_gguf, cache_dir=tmp_path)
    tokens, _ = testing.tiny_vocab(300)
    assert tok.vocab_size == 300
    assert (tok.pad_id, tok.eos_id, tok.bos_id) == (0, 1, 2)
    assert (tok.start_of_turn_id, tok.end_of_turn_id) == (5, 6)
    assert tok.newline_ids == {tokens.index("\n")}
    ids = tok.encode("the cat is in.\nOk")
    assert ids[0] == tok.bos_id
    assert tok.token_strings(ids[1:3]) == ["t", "he"]  # merges rebuilt from the vocabulary
    assert tok.decode(ids) == "the cat is in.\nOk"
    assert tok.encode("<start_of_turn>", add_bos=False) == [5]  # one token, not pieces


def test_cache_is_reused(tiny_gguf, tmp_path):
    GGUFTokenizer.from_gguf(tiny_gguf, cache_dir=tmp_path)
    entries = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1 and (entries[0] / "tokenizer.json").is_file()
    again = GGUFTokenizer.from_gguf(tiny_gguf, cache_dir=tmp_path)
    assert again.encode("in the") == GGUFTokenizer.from_gguf(tiny_gguf, cache_dir=tmp_path).encode("in the")
    assert len([p for p in tmp_path.iterdir() if not p.name.startswith(".")]) == 1


def test_missing_and_foreign_files_are_rejected(tmp_path):
    with pytest.raises(FileNotFoundError, match="GGUF file not found"):
        GGUFTokenizer.from_gguf(tmp_path / "absent.gguf", cache_dir=tmp_path)
    params = decoder.init_random_params(testing.TINY_CONFIG)
    llama = testing.write_tiny_gguf(tmp_path / "llama.gguf", testing.TINY_CONFIG, params, architecture="llama")
    with pytest.raises(ValueError, match="general.architecture is 'llama'"):
        GGUFTokenizer.from_gguf(llama, cache_dir=tmp_path)


def test_gemma3_270m_tokenizer():
    """The real tokenizer. Cold (no cache) transformers builds it in ~40-60 s; then ~2 s."""
    tok = GGUFTokenizer.from_gguf(gguf_loader.packaged_gguf_path())
    assert tok.vocab_size == 262144
    assert (tok.bos_id, tok.eos_id, tok.pad_id) == (2, 1, 0)
    assert (tok.start_of_turn_id, tok.end_of_turn_id) == (105, 106)
    text = "Hello world, the capital of France is Paris.\n"
    ids = tok.encode(text)
    assert ids == [2, 9259, 1902, 236764, 506, 5279, 529, 7001, 563, 9079, 236761, 107]
    assert tok.decode(ids) == text
    assert tok.encode(tok.chat_prompt("Hi")) == [2, 105, 2364, 107, 10979, 106, 107, 105, 4368, 107]
    assert 107 in tok.newline_ids and 108 in tok.newline_ids  # "\n", "\n\n"
    mixed = 'Two  spaces, ünïcödé 日本語 1234567 🙂 "quoted"'
    assert tok.decode(tok.encode(mixed)) == mixed


def test_qwen25_tokenizer():
    """Qwen2.5's byte-level BPE: no BOS, ChatML turns, "Ċ" tokens are line breaks (~20 s cold)."""
    tok = GGUFTokenizer.from_gguf(gguf_loader.packaged_gguf_path("qwen2.5-coder-0.5b"))
    assert tok.vocab_size == 151936  # the GGUF lists the padding entries too
    assert not tok.add_bos and tok.eos_id == 151645  # <|im_end|>
    assert tok.end_ids == {151643, 151645}  # <|endoftext|>, <|im_end|>
    text = "Hello world, the capital of France\nyes"
    ids = tok.encode(text)
    assert ids == [9707, 1879, 11, 279, 6722, 315, 9625, 198, 9693]
    assert tok.decode(ids) == text
    assert 198 in tok.newline_ids and 9693 not in tok.newline_ids  # "Ċ", "yes"
    chat = tok.chat_prompt("Hi", system="Be brief.", examples=[("2+2?", "4")])
    assert chat == (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n"
        "<|im_start|>assistant\n4<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    )
    assert tok.encode(chat)[:3] == [151644, 8948, 198]  # <|im_start|> as one token, "system", "Ċ"
    assert tok.encode("Hi", add_bos=True) == [151643, 13048]  # <|endoftext|> is Qwen's BOS


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
