"""Greedy generation over any backend with prefill/decode_step, and the plain-JAX backend."""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Protocol, Sequence

import jax
import numpy as np

from approxmlir.frontends.llm.config import Params
from approxmlir.frontends.llm.decoder import DecoderModel


class Backend(Protocol):
    model: DecoderModel

    def prefill(self, prompt_ids: Sequence[int], candidates: np.ndarray | None = None) -> tuple[np.ndarray, Any]: ...

    def decode_step(
        self, token: int, position: int, cache: Any, candidates: np.ndarray | None = None
    ) -> tuple[np.ndarray, Any]: ...


@dataclasses.dataclass
class GenerationResult:
    tokens: list[int]  # the new tokens, including the stop token if one ended generation
    stop_reason: str  # "stop" (a stop id), "max_new_tokens" or "cache_full"
    prompt_tokens: int
    prefill_seconds: float
    decode_seconds: float  # all decode steps
    decode_steps: int
    # Each new token's log-probability under the distribution it was picked
    # from (over the candidate ids for an extractive model): the answer's
    # confidence, e.g. for a cascade that escalates unsure answers.
    token_logprobs: tuple[float, ...] = ()

    @property
    def mean_logprob(self) -> float:
        """The new tokens' mean log-probability (0.0 when certain); -inf when none was generated."""
        return float(np.mean(self.token_logprobs)) if self.token_logprobs else float("-inf")


def pick_bucket(length: int, buckets: Sequence[int], max_len: int) -> int:
    """The smallest padded prompt length that holds `length` tokens."""
    if length < 1:
        raise ValueError("the prompt is empty")
    if length > max_len:
        raise ValueError(f"prompt of {length} tokens is longer than the {max_len}-position KV cache")
    return min(b for b in (*buckets, max_len) if b >= length)


def pad_candidates(model: DecoderModel, candidates: Sequence[int] | None) -> np.ndarray | None:
    """`candidates` as the model's fixed-size int32 array (repeating the last id), or None."""
    if model.num_candidates is None:
        if candidates is not None:
            raise ValueError("this model scores the whole vocabulary; build it with num_candidates")
        return None
    if candidates is None or len(candidates) == 0:
        raise ValueError(f"this model needs 1 to {model.num_candidates} candidate token ids")
    if len(candidates) > model.num_candidates:
        raise ValueError(f"{len(candidates)} candidates; this model takes at most {model.num_candidates}")
    ids = np.full(model.num_candidates, candidates[-1], np.int32)
    ids[: len(candidates)] = candidates
    if ids.min() < 0 or ids.max() >= model.config.vocab_size:
        raise ValueError(f"candidate ids must be in [0, {model.config.vocab_size})")
    return ids


def greedy_generate(
    backend: Backend,
    prompt_ids: Sequence[int],
    max_new_tokens: int,
    stop_ids: Sequence[int] = (),
    candidates: Sequence[int] | None = None,
) -> GenerationResult:
    """Prefill once, then one decode step per new token, feeding the cache back.

    With `candidates` (for a model built with num_candidates), only those
    token ids can be generated.
    """
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be at least 1, got {max_new_tokens}")
    prompt_ids = [int(t) for t in prompt_ids]
    stop = frozenset(int(t) for t in stop_ids)
    ids = pad_candidates(backend.model, candidates)
    start = time.perf_counter()
    logits, cache = backend.prefill(prompt_ids, ids)
    prefill_seconds = time.perf_counter() - start

    first, logprob = pick_token(logits, ids)
    tokens, logprobs = [first], [logprob]
    start = time.perf_counter()
    steps = 0
    while (
        reason := stop_reason(tokens, stop, max_new_tokens, len(prompt_ids) + len(tokens) - 1, backend.model.max_len)
    ) is None:
        logits, cache = backend.decode_step(tokens[-1], len(prompt_ids) + len(tokens) - 1, cache, ids)
        token, logprob = pick_token(logits, ids)
        tokens.append(token)
        logprobs.append(logprob)
        steps += 1
    return GenerationResult(
        tokens=tokens,
        stop_reason=reason,
        prompt_tokens=len(prompt_ids),
        prefill_seconds=prefill_seconds,
        decode_seconds=time.perf_counter() - start,
        decode_steps=steps,
        token_logprobs=tuple(logprobs),
    )


def pick_token(logits: np.ndarray, candidates: np.ndarray | None) -> tuple[int, float]:
    """The greedy token (the argmax, mapped through the candidate ids when the model scores only
    those) and its log-probability under the softmax of `logits`."""
    logits = np.asarray(logits, np.float64).reshape(-1)
    best = int(np.argmax(logits))
    # The padding repeats the last candidate id: count each id once in the softmax.
    distinct = logits if candidates is None else logits[np.unique(candidates, return_index=True)[1]]
    logprob = -float(np.log(np.sum(np.exp(distinct - logits[best]))))
    return (best if candidates is None else int(candidates[best])), logprob


def stop_reason(
    tokens: list[int], stop: frozenset[int], max_new_tokens: int, position: int, max_len: int
) -> str | None:
    """Why generation ends after `tokens`, or None to run the next decode step at `position`."""
    if tokens[-1] in stop:
        return "stop"
    if len(tokens) == max_new_tokens:
        return "max_new_tokens"
    if position >= max_len:
        return "cache_full"
    return None


class JaxDecoder:
    """The same interface as IreeDecoder, running the model with jax.jit (XLA:CPU)."""

    def __init__(self, model: DecoderModel, params: Params, prefill_buckets: Sequence[int] = (64, 128, 256, 512)):
        self.model = model
        self.prefill_buckets = tuple(sorted(b for b in prefill_buckets if b <= model.max_len))
        self._params = jax.device_put(params)
        self._prefill = jax.jit(model.prefill)
        self._decode = jax.jit(model.decode_step)

    def prefill(self, prompt_ids: Sequence[int], candidates: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
        bucket = pick_bucket(len(prompt_ids), self.prefill_buckets, self.model.max_len)
        tokens = np.zeros((1, bucket), np.int32)
        tokens[0, : len(prompt_ids)] = prompt_ids
        logits, cache = self._prefill(self._params, tokens, np.int32(len(prompt_ids)), candidates)
        return np.asarray(logits), cache

    def decode_step(
        self, token: int, position: int, cache: Any, candidates: np.ndarray | None = None
    ) -> tuple[np.ndarray, Any]:
        if not 0 <= position < self.model.max_len:
            raise ValueError(f"position {position} is outside the {self.model.max_len}-position KV cache")
        token_array = np.array([token], np.int32)
        logits, cache = self._decode(self._params, token_array, np.int32(position), cache, candidates)
        return np.asarray(logits), cache

    def generate(
        self,
        prompt_ids: Sequence[int],
        max_new_tokens: int,
        stop_ids: Sequence[int] = (),
        candidates: Sequence[int] | None = None,
    ) -> GenerationResult:
        return greedy_generate(self, prompt_ids, max_new_tokens, stop_ids, candidates)
