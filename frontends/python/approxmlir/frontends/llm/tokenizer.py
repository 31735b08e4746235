"""A GGUF model's own tokenizer (Gemma 3, Qwen2), built by transformers from the metadata.

A GGUF carries the vocabulary but no `tokenizer.json`; transformers rebuilds
the fast (Rust `tokenizers`) tokenizer from it offline (SentencePiece-BPE
for Gemma, byte-level BPE for Qwen2), with the model's special tokens.
Rebuilding derives the merges of a 262k vocabulary (~55 s here), so the
result is saved as a `tokenizer.json` under a cache directory keyed by the
GGUF's sha256 and loaded from there (~2.5 s, without importing
transformers) next time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterable, Sequence

from approxmlir.compiler.cache import cache_dir

log = logging.getLogger(__name__)

_ARCHITECTURES = ("gemma3", "qwen2")
_TOKENIZER_FILE = "tokenizer.json"
_SPECIAL_FILE = "special_tokens.json"  # written last: its presence marks a complete entry


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME (or ~/.cache)/approxmlir/tokenizers."""
    return cache_dir("tokenizers")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_gguf(path: Path) -> dict:
    # transformers' metadata reader: scalars only, milliseconds.
    from transformers.integrations.gguf.reader import read_gguf_metadata

    metadata, _ = read_gguf_metadata(str(path))
    arch = metadata.get("general.architecture")
    if arch not in _ARCHITECTURES:
        raise ValueError(f"{path}: general.architecture is {arch!r}, expected one of {_ARCHITECTURES}")
    if metadata.get("tokenizer.ggml.model") is None:
        raise ValueError(f"{path}: has no tokenizer (tokenizer.ggml.model missing)")
    return metadata


class GGUFTokenizer:
    """encode/decode with BOS/EOS and the model's chat markup, over a `tokenizers.Tokenizer`.

    `special_tokens` names the roles' token strings and says whether a
    sequence starts with BOS (`add_bos`: Gemma yes, Qwen2 no).

    transformers builds the tokenizer once; afterwards only its Rust backend
    is loaded (a `tokenizers.Tokenizer`, ~2 s, no transformers import).
    """

    def __init__(self, backend, special_tokens: dict[str, str]) -> None:
        self._tok = backend
        self.vocab_size: int = backend.get_vocab_size()

        def token_id(role: str) -> int | None:
            token = special_tokens.get(role)
            return None if token is None else backend.token_to_id(token)

        self.bos_id: int | None = token_id("bos_token")
        self.eos_id: int = token_id("eos_token")
        self.pad_id: int | None = token_id("pad_token")
        self.add_bos: bool = bool(special_tokens.get("add_bos", True))
        if self.eos_id is None or (self.add_bos and self.bos_id is None):
            raise ValueError(f"tokenizer lacks BOS/EOS ({special_tokens})")
        # Chat markup: Gemma's turns (the base model knows them but was not
        # tuned on them) or Qwen's ChatML.
        self.start_of_turn_id: int | None = backend.token_to_id("<start_of_turn>")
        self.end_of_turn_id: int | None = backend.token_to_id("<end_of_turn>")
        self.im_start_id: int | None = backend.token_to_id("<|im_start|>")
        self.im_end_id: int | None = backend.token_to_id("<|im_end|>")
        # Every token that ends a turn or the text (Qwen's EOS is <|im_end|>,
        # its documents end with <|endoftext|>).
        self.end_ids: frozenset[int] = frozenset(
            i
            for i in (self.eos_id, self.end_of_turn_id, self.im_end_id, backend.token_to_id("<|endoftext|>"))
            if i is not None
        )
        # Tokens that contain a line break (Gemma has "\n", "\n\n", ... and
        # merges such as ".\n"; byte-level BPE spells the break "Ċ"): a
        # one-line answer ends at any of them.
        self.newline_ids: frozenset[int] = frozenset(
            i
            for token, i in backend.get_vocab().items()
            if ("\n" in token or "\u010a" in token or token == "<0x0A>") and "\n" in backend.decode([i])
        )

    @classmethod
    def from_gguf(
        cls, gguf_path: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None
    ) -> "GGUFTokenizer":
        from tokenizers import Tokenizer

        path = Path(gguf_path)
        if not path.is_file():
            raise FileNotFoundError(f"GGUF file not found: {path}")
        root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
        cached = root / file_sha256(path)[:32]
        if not (cached / _SPECIAL_FILE).is_file():
            backend, special = _build(path)
            _store(backend, special, root, cached)
            return cls(backend, special)
        special = json.loads((cached / _SPECIAL_FILE).read_text())
        return cls(Tokenizer.from_file(str(cached / _TOKENIZER_FILE)), special)

    def encode(self, text: str, add_bos: bool | None = None) -> list[int]:
        """Token ids of `text`, after BOS when `add_bos` (default: the model's convention)."""
        ids = self._tok.encode(text, add_special_tokens=False).ids
        if not (self.add_bos if add_bos is None else add_bos):
            return ids
        if self.bos_id is None:
            raise ValueError("this tokenizer has no BOS token")
        return [self.bos_id, *ids]

    def decode(self, ids: Iterable[int], skip_special_tokens: bool = True) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=skip_special_tokens)

    def token_strings(self, ids: Sequence[int]) -> list[str]:
        return [self._tok.id_to_token(i) for i in ids]

    def chat_prompt(
        self, user_message: str, system: str | None = None, examples: Sequence[tuple[str, str]] = ()
    ) -> str:
        """A chat in the model's markup: optional system text, `examples` as earlier
        (user, model) turns, then `user_message`, ending where the model's turn starts."""
        if self.im_start_id is not None and self.im_end_id is not None:
            turns = [("system", system or "You are a helpful assistant.")]
            for user, model in examples:
                turns += [("user", user), ("assistant", model)]
            turns.append(("user", user_message))
            chat = "".join(f"<|im_start|>{role}\n{text}<|im_end|>\n" for role, text in turns)
            return chat + "<|im_start|>assistant\n"
        if self.start_of_turn_id is None or self.end_of_turn_id is None:
            raise ValueError("this vocabulary has neither Gemma's turn tokens nor ChatML's")
        turns = []
        for user, model in examples:
            turns += [("user", user), ("model", model)]
        # Gemma has no system role: the system text opens the first user turn.
        first_user = f"{system}\n\n" if system else ""
        turns = [(role, first_user + text if i == 0 else text) for i, (role, text) in enumerate(turns)]
        if not turns:
            user_message = first_user + user_message
        turns.append(("user", user_message))
        chat = "".join(f"<start_of_turn>{role}\n{text}<end_of_turn>\n" for role, text in turns)
        return chat + "<start_of_turn>model\n"


def _build(path: Path):
    """(tokenizers.Tokenizer, special token strings) converted from the GGUF by transformers."""
    from transformers import AutoTokenizer

    metadata = _check_gguf(path)
    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    log.info("built the tokenizer from %s in %.1f s", path, time.perf_counter() - start)
    special = {
        role: getattr(tokenizer, role)
        for role in ("bos_token", "eos_token", "pad_token", "unk_token")
        if getattr(tokenizer, role) is not None
    }
    special["add_bos"] = bool(metadata.get("tokenizer.ggml.add_bos_token", True))
    return tokenizer.backend_tokenizer, special


def _store(backend, special: dict[str, str], root: Path, cached: Path) -> None:
    """Saves the tokenizer at `cached`; best effort (a read-only cache only costs time)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    except OSError as error:
        log.warning("cannot cache the tokenizer in %s: %s", root, error)
        return
    # Write, then rename: concurrent builders never see a half-written directory.
    try:
        backend.save(str(staging / _TOKENIZER_FILE))
        (staging / _SPECIAL_FILE).write_text(json.dumps(special, indent=1))
        os.replace(staging, cached)
    except OSError as error:
        if not (cached / _SPECIAL_FILE).is_file():  # not a lost race
            log.warning("cannot cache the tokenizer in %s: %s", cached, error)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
