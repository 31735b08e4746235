"""Gemma 3's own tokenizer, built by transformers from the GGUF's metadata.

A GGUF carries the vocabulary but no `tokenizer.json`; transformers rebuilds
the fast (Rust `tokenizers`) SentencePiece-BPE tokenizer from it,
offline, with Gemma's special tokens. Rebuilding derives the merges of a
262k vocabulary (~55 s here), so the result is saved as a `tokenizer.json`
under a cache directory keyed by the GGUF's sha256 and loaded from there
(~2.5 s, without importing transformers) next time.
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

log = logging.getLogger(__name__)

_ARCHITECTURES = ("gemma3",)
_TOKENIZER_FILE = "tokenizer.json"
_SPECIAL_FILE = "special_tokens.json"  # written last: its presence marks a complete entry


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME (or ~/.cache)/approxmlir/tokenizers."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "approxmlir" / "tokenizers"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_gguf(path: Path) -> None:
    # transformers' metadata reader: scalars only, milliseconds.
    from transformers.integrations.gguf.reader import read_gguf_metadata

    metadata, _ = read_gguf_metadata(str(path))
    arch = metadata.get("general.architecture")
    if arch not in _ARCHITECTURES:
        raise ValueError(f"{path}: general.architecture is {arch!r}, expected one of {_ARCHITECTURES}")
    if metadata.get("tokenizer.ggml.model") is None:
        raise ValueError(f"{path}: has no tokenizer (tokenizer.ggml.model missing)")


class GemmaTokenizer:
    """encode/decode with BOS/EOS and Gemma's turn tokens, over a `tokenizers.Tokenizer`.

    transformers builds the tokenizer once; afterwards only its Rust backend
    is loaded (a `tokenizers.Tokenizer`, ~2 s, no transformers import).
    """

    def __init__(self, backend, special_tokens: dict[str, str]) -> None:
        self._tok = backend
        self.vocab_size: int = backend.get_vocab_size()

        def token_id(role: str) -> int | None:
            token = special_tokens.get(role)
            return None if token is None else backend.token_to_id(token)

        self.bos_id: int = token_id("bos_token")
        self.eos_id: int = token_id("eos_token")
        self.pad_id: int | None = token_id("pad_token")
        if self.bos_id is None or self.eos_id is None:
            raise ValueError(f"tokenizer lacks BOS/EOS ({special_tokens})")
        # Gemma's chat markup; the base (pretrained) model knows them but was not tuned on them.
        self.start_of_turn_id: int | None = backend.token_to_id("<start_of_turn>")
        self.end_of_turn_id: int | None = backend.token_to_id("<end_of_turn>")
        # Tokens that contain a line break (Gemma has "\n", "\n\n", ... and
        # merges such as ".\n"): a one-line answer ends at any of them.
        self.newline_ids: frozenset[int] = frozenset(
            i for token, i in backend.get_vocab().items() if "\n" in token or token == "<0x0A>"
        )

    @classmethod
    def from_gguf(
        cls, gguf_path: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None
    ) -> "GemmaTokenizer":
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

    def encode(self, text: str, add_bos: bool = True) -> list[int]:
        ids = self._tok.encode(text, add_special_tokens=False).ids
        return [self.bos_id, *ids] if add_bos else ids

    def decode(self, ids: Iterable[int], skip_special_tokens: bool = True) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=skip_special_tokens)

    def token_strings(self, ids: Sequence[int]) -> list[str]:
        return [self._tok.id_to_token(i) for i in ids]

    def chat_prompt(self, user_message: str) -> str:
        """Gemma's turn markup for one user turn, ending where the model's turn starts."""
        if self.start_of_turn_id is None or self.end_of_turn_id is None:
            raise ValueError("this vocabulary has no <start_of_turn>/<end_of_turn> tokens")
        return f"<start_of_turn>user\n{user_message}<end_of_turn>\n<start_of_turn>model\n"


def _build(path: Path):
    """(tokenizers.Tokenizer, special token strings) converted from the GGUF by transformers."""
    from transformers import AutoTokenizer

    _check_gguf(path)
    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    log.info("built the tokenizer from %s in %.1f s", path, time.perf_counter() - start)
    special = {
        role: getattr(tokenizer, role)
        for role in ("bos_token", "eos_token", "pad_token", "unk_token")
        if getattr(tokenizer, role) is not None
    }
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
