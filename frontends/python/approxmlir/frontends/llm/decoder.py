"""The Gemma 3 and Qwen2 text decoders in pure JAX, with a fixed-size KV cache.

`DecoderModel(config, max_len)` gives two pure functions for `jax.jit` and
`jax.export`, with static shapes throughout:

- `prefill(params, tokens[1, T], length)` runs the (padded) prompt, returns the
  logits at position `length - 1` and a cache of `max_len` positions whose
  first `length` entries are filled;
- `decode_step(params, token[1], position, cache)` runs one token at
  `position`, returns its logits and the cache with that position written.

Gemma 3 follows transformers' Gemma3ForCausalLM (the reference the tests
compare against): embeddings scaled by sqrt(hidden), RMSNorm with (1 + w) in
float32, grouped-query attention with RMS-normalized q and k, RoPE
(rotate-half form) with one base for local and one for global layers, local
layers attending to the last `sliding_window` positions, "sandwich" norms
around attention and the GeGLU (tanh GELU) MLP, and the output projection
tied to the embedding. Qwen2 follows Qwen2ForCausalLM: the same skeleton
without the Gemma-specific parts (see `DecoderConfig`), biased q/k/v, a
SwiGLU MLP, and an untied output projection when the checkpoint has one.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import jax
import jax.numpy as jnp
import numpy as np

from approxmlir.frontends.llm.config import DecoderConfig, Params, check_params, layer_param_shapes
from approxmlir.frontends.llm.precision import linear, select_rows, take_rows

# Per layer (keys, values), each [num_kv_heads, max_len, head_dim]. One array
# per layer rather than one stacked array, so that writing a decode step's
# entry touches (at most) one layer-sized buffer.
KVCache = tuple[tuple[jax.Array, jax.Array], ...]

DEFAULT_MAX_LEN = 512


def rms_norm(x: jax.Array, weight: jax.Array, eps: float, offset: float = 1.0) -> jax.Array:
    """RMSNorm scaled by (offset + weight): Gemma stores w with offset 1, Qwen2 with 0."""
    x = x.astype(jnp.float32)
    variance = jnp.mean(x * x, axis=-1, keepdims=True)
    return x * jax.lax.rsqrt(variance + eps) * (offset + weight)


def rope(x: jax.Array, positions: jax.Array, base: float, scaling: float) -> jax.Array:
    """Rotary embedding of x[..., T, heads, head_dim] at positions[T] (rotate-half form)."""
    head_dim = x.shape[-1]
    # float32 like transformers, whose logits the tests match.
    inv_freq = 1.0 / (base ** (np.arange(0, head_dim, 2, dtype=np.float32) / head_dim))
    angles = (positions.astype(jnp.float32) / scaling)[:, None] * inv_freq.astype(np.float32)[None, :]
    angles = jnp.concatenate([angles, angles], axis=-1)[:, None, :]  # [T, 1, head_dim]
    half = head_dim // 2
    rotated = jnp.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * jnp.cos(angles) + rotated * jnp.sin(angles)


@dataclasses.dataclass(frozen=True)
class DecoderModel:
    """Gemma 3 forward functions for one config and one static cache length."""

    config: DecoderConfig
    max_len: int = DEFAULT_MAX_LEN
    # None: score the whole vocabulary. N: both functions take a
    # `candidates` [N] int32 argument and score only those token ids
    # (logits [N], in candidate order). The output projection over the tied
    # 262k x 640 embedding is the largest matrix read per decode step; an
    # extractive task can restrict it to the tokens of its prompt.
    num_candidates: int | None = None

    def __post_init__(self) -> None:
        if self.max_len <= 0:
            raise ValueError(f"max_len must be positive, got {self.max_len}")
        if self.num_candidates is not None and self.num_candidates <= 0:
            raise ValueError(f"num_candidates must be positive, got {self.num_candidates}")

    # -- pieces ------------------------------------------------------------

    def _norm(self, x: jax.Array, weight: jax.Array) -> jax.Array:
        c = self.config
        return rms_norm(x, weight, c.rms_norm_eps, 1.0 if c.is_gemma else 0.0)

    def _rope(self, layer: int, x: jax.Array, positions: jax.Array) -> jax.Array:
        c = self.config
        if c.is_global(layer):
            return rope(x, positions, c.rope_base_global, c.rope_scaling_global)
        return rope(x, positions, c.rope_base_local, 1.0)

    def _qkv(self, layer: int, p: Params, h: jax.Array, positions: jax.Array):
        c = self.config
        t = h.shape[0]
        q, k, v = linear(h, p["q"]), linear(h, p["k"]), linear(h, p["v"])
        if not c.is_gemma:
            q, k, v = q + p["q_bias"], k + p["k_bias"], v + p["v_bias"]
        q = q.reshape(t, c.num_heads, c.head_dim)
        k = k.reshape(t, c.num_kv_heads, c.head_dim)
        v = v.reshape(t, c.num_kv_heads, c.head_dim)
        if c.is_gemma:
            q, k = self._norm(q, p["q_norm"]), self._norm(k, p["k_norm"])
        return self._rope(layer, q, positions), self._rope(layer, k, positions), v

    def _attend(self, q: jax.Array, k: jax.Array, v: jax.Array, mask: jax.Array) -> jax.Array:
        """q[T, H, D], k/v[KV, S, D], mask[T, S] -> [T, H * D]."""
        c = self.config
        t = q.shape[0]
        groups = c.num_heads // c.num_kv_heads
        q = q.reshape(t, c.num_kv_heads, groups, c.head_dim) * (c.query_pre_attn_scalar**-0.5)
        # IREE 3.13's data tiling miscompiles the one-token (decode) attention
        # when the query heads per KV head are not a power of two (Qwen2.5
        # 0.5B: 7): padding them with zero heads, dropped below, avoids it.
        padded = 1 << (groups - 1).bit_length()
        q = jnp.pad(q, ((0, 0), (0, 0), (0, padded - groups), (0, 0)))
        # The barrier keeps the mask out of the scores' matmul dispatch: IREE
        # 3.13's data tiling crashes (SIGSEGV) encoding the scalar position
        # that the fused mask reads.
        scores = jax.lax.optimization_barrier(jnp.einsum("tkgd,ksd->kgts", q, k))
        scores = jnp.where(mask[None, None], scores, jnp.finfo(jnp.float32).min)
        probs = jax.nn.softmax(scores, axis=-1)
        out = jnp.einsum("kgts,ksd->tkgd", probs, v)[:, :, :groups]
        return out.reshape(t, c.num_heads * c.head_dim)

    def _mask(self, layer: int, query_pos: jax.Array, key_pos: jax.Array) -> jax.Array:
        """[T, S]: causal, and within the sliding window on local layers."""
        allowed = key_pos[None, :] <= query_pos[:, None]
        if not self.config.is_global(layer):
            allowed &= query_pos[:, None] - key_pos[None, :] < self.config.sliding_window
        return allowed

    def _block_tail(self, p: Params, x: jax.Array, attn: jax.Array) -> jax.Array:
        """Output projection, residuals and the MLP, after attention."""
        if not self.config.is_gemma:
            x = x + linear(attn, p["o"])
            h = self._norm(x, p["pre_ffn_norm"])
            return x + linear(jax.nn.silu(linear(h, p["gate"])) * linear(h, p["up"]), p["down"])
        x = x + self._norm(linear(attn, p["o"]), p["post_attn_norm"])
        h = self._norm(x, p["pre_ffn_norm"])
        mlp = linear(jax.nn.gelu(linear(h, p["gate"]), approximate=True) * linear(h, p["up"]), p["down"])
        return x + self._norm(mlp, p["post_ffn_norm"])

    def _embed(self, params: Params, tokens: jax.Array) -> jax.Array:
        embedded = take_rows(params["embed"], tokens)
        if not self.config.is_gemma:
            return embedded
        return embedded * jnp.asarray(np.sqrt(self.config.hidden_size), jnp.float32)

    def _logits(self, params: Params, x: jax.Array, candidates: jax.Array | None) -> jax.Array:
        x = self._norm(x, params["final_norm"])
        if (candidates is None) != (self.num_candidates is None):
            raise ValueError(
                f"this model takes {self.num_candidates or 'no'} candidates, got "
                f"{'none' if candidates is None else candidates.shape}"
            )
        embed = params["embed"] if self.config.tie_embeddings else params["lm_head"]
        if candidates is not None:
            if candidates.shape != (self.num_candidates,):
                raise ValueError(f"candidates must be [{self.num_candidates}], got {candidates.shape}")
            embed = select_rows(embed, candidates)
        return linear(x[None, :], embed)[0]

    # -- the two entry points -------------------------------------------------

    def init_cache(self) -> KVCache:
        c = self.config
        shape = (c.num_kv_heads, self.max_len, c.head_dim)
        return tuple((jnp.zeros(shape, jnp.float32), jnp.zeros(shape, jnp.float32)) for _ in range(c.num_layers))

    def extend(
        self,
        params: Params,
        tokens: jax.Array,
        start: jax.Array,
        length: jax.Array,
        cache: KVCache,
        keys: int | None = None,
    ) -> tuple[jax.Array, KVCache]:
        """Runs tokens[0, :T] at positions start .. start + T - 1 on top of `cache`.

        Returns the final hidden state after tokens[0, length - 1] and the
        cache with positions [start, start + T) written. `tokens` is [1, T],
        padded after `length`; the caller keeps start + T <= max_len. Every
        query attends to the whole cache under a causal (and, on local
        layers, sliding-window) mask, so a chunk sees the cache entries of
        earlier chunks, and the entries padding writes past the prompt are
        overwritten before any query can see them. Prefill (start 0 on an
        empty cache), chunked prefill, prefill after a reused prefix, and a
        decode step (T = 1) are all this one function.
        """
        if tokens.ndim != 2 or tokens.shape[0] != 1:
            raise ValueError(f"tokens must be [1, T], got shape {tokens.shape}")
        t = tokens.shape[1]
        if t > self.max_len:
            raise ValueError(f"a chunk of {t} tokens does not fit the {self.max_len}-position cache")
        start = jnp.asarray(start, jnp.int32)
        positions = start + jnp.arange(t, dtype=jnp.int32)
        # With `keys` (static), attention reads only the first `keys` cache
        # positions: the caller guarantees start + T <= keys. Early chunks of a
        # prompt then do not pay for attending to the whole empty cache.
        keys = self.max_len if keys is None else keys
        if not t <= keys <= self.max_len:
            raise ValueError(f"keys must be in [{t}, {self.max_len}], got {keys}")
        key_pos = jnp.arange(keys, dtype=jnp.int32)
        x = self._embed(params, tokens[0])
        new_cache = []
        for i, (p, (k_cache, v_cache)) in enumerate(zip(params["layers"], cache)):
            q, k, v = self._qkv(i, p, self._norm(x, p["attn_norm"]), positions)
            k_cache, v_cache = _write(k_cache, k, start), _write(v_cache, v, start)
            attn = self._attend(q, k_cache[:, :keys], v_cache[:, :keys], self._mask(i, positions, key_pos))
            x = self._block_tail(p, x, attn)
            new_cache.append((k_cache, v_cache))
        if t == 1:
            return x[0], tuple(new_cache)
        last = jax.lax.dynamic_index_in_dim(x, jnp.asarray(length, jnp.int32) - 1, axis=0, keepdims=False)
        return last, tuple(new_cache)

    def logits(self, params: Params, hidden: jax.Array, candidates: jax.Array | None = None) -> jax.Array:
        """Logits [vocab] (or [num_candidates]) of a final hidden state [hidden_size]."""
        return self._logits(params, hidden, candidates)

    def prefill(
        self, params: Params, tokens: jax.Array, length: jax.Array, candidates: jax.Array | None = None
    ) -> tuple[jax.Array, KVCache]:
        """Logits after tokens[0, :length] ([1, T], padded) and the cache of positions [0, T)."""
        hidden, cache = self.extend(params, tokens, 0, length, self.init_cache())
        return self.logits(params, hidden, candidates), cache

    def decode_step(
        self,
        params: Params,
        token: jax.Array,
        position: jax.Array,
        cache: KVCache,
        candidates: jax.Array | None = None,
    ) -> tuple[jax.Array, KVCache]:
        """Logits after `token` ([1]) at `position`, and the updated cache."""
        hidden, cache = self.extend(params, jnp.reshape(token, (1, 1)), position, 1, cache)
        return self.logits(params, hidden, candidates), cache


def _write(cache: jax.Array, new: jax.Array, start: jax.Array) -> jax.Array:
    """cache [KV, S, D] with new [T, KV, D] written at positions start .. start + T - 1.

    One token (a decode step) is a select against the position rather than a
    dynamic_update_slice: under jax.vmap (batched decoding) the latter becomes
    a batched scatter that IREE 3.13 rejects; the select costs the same copy.
    """
    new = new.transpose(1, 0, 2)
    if new.shape[1] == 1:
        positions = jnp.arange(cache.shape[1], dtype=jnp.int32)[None, :, None]
        return jnp.where(positions == start, new, cache)
    return jax.lax.dynamic_update_slice(cache, new, (0, start, 0))


def select_layers(config: DecoderConfig, params: Params, layers: Sequence[int]) -> tuple[DecoderConfig, Params]:
    """A model keeping only `layers` (original indices, in order), each with its own type.

    Skipping decoder layers is the cheap approximation available with one
    model size: the residual stream lets the remaining layers still work.
    """
    layers = list(layers)
    if not layers:
        raise ValueError("keep at least one layer")
    bad = [i for i in layers if not 0 <= i < config.num_layers]
    if bad or len(set(layers)) != len(layers) or layers != sorted(layers):
        raise ValueError(f"layers must be distinct increasing indices below {config.num_layers}, got {layers}")
    new_config = dataclasses.replace(
        config, num_layers=len(layers), layer_types=tuple(config.layer_types[i] for i in layers)
    )
    new_params = dict(params, layers=[params["layers"][i] for i in layers])
    return new_config, new_params


def init_random_params(config: DecoderConfig, seed: int = 0) -> Params:
    """Random float32 params (for tests and compile checks).

    Small embeddings and fan-in-scaled matrices make greedy decoding of a
    tiny random model visit varied tokens, so token-equality checks mean
    something.
    """
    rng = np.random.default_rng(seed)

    norm_offset = 0.0 if config.is_gemma else 1.0  # Gemma stores norms as w - 1

    def draw(shape, name=""):
        if len(shape) == 2:  # [out, in]
            return (rng.standard_normal(shape) / np.sqrt(shape[1])).astype(np.float32)
        offset = norm_offset if name.endswith("norm") else 0.0
        return (offset + rng.standard_normal(shape) * 0.1).astype(np.float32)

    params: Params = {
        # RMS 0.25 after the sqrt(hidden) scaling, below each block's (normed)
        # O(1) update: larger embeddings make the model copy its input token.
        "embed": (
            rng.standard_normal((config.vocab_size, config.hidden_size)) * 0.25 / np.sqrt(config.hidden_size)
        ).astype(np.float32),
        "final_norm": draw((config.hidden_size,), "final_norm"),
        "layers": [
            {name: draw(shape_of(config), name) for name, shape_of in layer_param_shapes(config).items()}
            for _ in range(config.num_layers)
        ],
    }
    if not config.tie_embeddings:
        params["lm_head"] = draw((config.vocab_size, config.hidden_size))
    check_params(config, params)
    return params
