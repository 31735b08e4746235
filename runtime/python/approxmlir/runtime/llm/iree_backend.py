"""The LLM engine: the decoders through jax.export -> StableHLO -> IREE (llvm-cpu) -> IREE runtime.

One IREE module per model holds every entry point: `extend_<T>` runs a
chunk of T tokens on top of the KV cache (T = 1 is a decode step; a prompt
is prefilled in chunks; `extend_<T>_<K>` attends to the first K cache
positions only, for chunks that end before K), and `logits` projects a
final hidden state. The
weights are IREE parameters (`parameters.link_with_parameters`): the
compiler sees them as immutable globals and, with data tiling, packs them
once when the module loads; the module itself holds no weight data, so one
compiled module serves any weights of the same shapes and dtypes (float32,
bfloat16, int8: `precision.convert_params`).

The engine reuses the KV cache of shared prompt prefixes: a prompt that
starts like an earlier one is prefilled only from where they differ
(`PrefixStore`).

Modules are compiled and cached by `approxmlir.compiler.iree` (the one
IREE cache, shared with the JAX knob frontend): processes that share a cache
directory compile each module once.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import logging
import os
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from approxmlir.compiler.iree import IreeOptions, VmfbArtifact, compile_vmfb, default_cache_dir, load_vm_module
from approxmlir.frontends.llm.config import Params
from approxmlir.frontends.llm.decoder import DecoderModel
from approxmlir.runtime.llm.generation import GenerationResult, greedy_generate, pad_candidates, pick_token, stop_reason
from approxmlir.runtime.llm.parameters import PARAMETER_SCOPE, link_with_parameters, parameter_archive, parameter_index

log = logging.getLogger(__name__)

# One thread per engine: steady timings on shared machines, and several
# engines (or worker processes) share the cores.
DEFAULT_OPTIONS = IreeOptions(driver="local-sync")


def export_stablehlo(fn: Callable[..., Any], specs: Sequence[jax.ShapeDtypeStruct]) -> str:
    """StableHLO text of `fn` over flat array arguments (all kept, used or not), through jax.export.

    Printed without source locations: they vary with the Python call stack
    that traced the function, and would make equal programs miss the cache.
    """
    from iree.compiler import ir

    exported = jax.export.export(jax.jit(fn, keep_unused=True))(*specs)
    with ir.Context():
        module = ir.Module.parse(exported.mlir_module())
        return module.operation.get_asm(enable_debug_info=False)


# Prefill chunk sizes: 64-token chunks ran Qwen2.5 0.5B's prefill fastest
# (float32 110 tokens/s against 102 with 16/64/128 and 87 with 32/128/256,
# one core), 32 keeps the padding of a prompt's last chunk small.
DEFAULT_CHUNKS = (32, 64)
# The cache prefixes a prefill chunk attends to (`DecoderModel.extend(keys=)`):
# a chunk ending before 128 or 256 does not read the rest of the cache.
KEY_SPANS = (128, 256)
# Data tiling packs each weight into the layout of its matmul kernel (the
# packing of parameters is hoisted into the module initializer), and the
# ukernels are IREE's hand-written mmt4d kernels (bf16 and int8 VNNI on
# AVX-512); 2-4x faster products than without (this package's README).
ENGINE_FLAGS = (
    "--iree-opt-data-tiling=true",
    "--iree-llvmcpu-enable-ukernels=all",
    "--iree-opt-const-eval=true",
    # The attention over a 128-position cache prefix (extend_<T>_128) needs
    # 48 KB of stack in one dispatch with Qwen2.5 0.5B's 64-wide heads, and
    # 160 KB over 256 positions with the 1.5B's 128-wide heads; IREE's
    # default limit is 32 KB. The engine runs on the caller's thread
    # (local-sync), whose stack is megabytes.
    "--iree-llvmcpu-stack-allocation-limit=262144",
)


def plan_chunks(count: int, start: int, chunks: Sequence[int], max_len: int) -> list[tuple[int, int]]:
    """(chunk size, real tokens) pieces that run `count` tokens from position `start`.

    Whole chunks of the largest size while they fit, then the chunk that
    holds the rest with the least padding; a chunk never reaches past the
    cache (start + T <= max_len), and T = 1 always fits.
    """
    if start + count > max_len:
        raise ValueError(f"{count} tokens from position {start} do not fit the {max_len}-position KV cache")
    sizes = sorted({1, *chunks})
    plan: list[tuple[int, int]] = []
    position, left = start, count
    while left > 0:
        room = max_len - position
        holding = [t for t in sizes if left <= t <= room]
        if holding:
            plan.append((holding[0], left))
            break
        size = max(t for t in sizes if t <= min(left, room))
        plan.append((size, size))
        position, left = position + size, left - size
    return plan


class PrefixStore:
    """KV caches of prompt prefixes, keyed by their token ids (least recently used dropped).

    A prefix is stored when a prompt shares at least `min_length` leading
    tokens with one of the last prompts seen: after two prompts of a
    few-shot template, every later prompt prefills only its own part.
    """

    def __init__(self, capacity: int = 8, min_length: int = 16, recent: int = 8) -> None:
        self.capacity, self.min_length = capacity, min_length
        self._caches: dict[tuple[int, ...], list[Any]] = {}
        self._recent: list[tuple[int, ...]] = []
        self._recent_size = recent

    def longest(self, ids: Sequence[int]) -> tuple[int, list[Any] | None]:
        """The longest stored prefix of `ids` (at most len(ids) - 1 tokens) and its cache."""
        best: tuple[int, ...] = ()
        for key in self._caches:
            if len(best) < len(key) < len(ids) and tuple(ids[: len(key)]) == key:
                best = key
        if not best:
            return 0, None
        self._caches[best] = self._caches.pop(best)  # most recently used last
        return len(best), self._caches[best]

    def split_point(self, ids: Sequence[int]) -> int:
        """Where to store a prefix of `ids`: its longest common prefix with a recent prompt, or 0."""
        best = 0
        for other in self._recent:
            n = 0
            for a, b in zip(ids, other):
                if a != b:
                    break
                n += 1
            best = max(best, n)
        best = min(best, len(ids) - 1)
        return best if best >= self.min_length else 0

    def remember(self, ids: Sequence[int]) -> None:
        self._recent = [tuple(ids), *self._recent[: self._recent_size - 1]]

    def put(self, prefix: Sequence[int], cache: list[Any]) -> None:
        self._caches[tuple(prefix)] = cache
        while len(self._caches) > self.capacity:
            del self._caches[next(iter(self._caches))]

    def __contains__(self, prefix: Sequence[int]) -> bool:
        return tuple(prefix) in self._caches


def warm_up_engines(engines: Sequence["IreeDecoder"]) -> None:
    """Compiles (or loads) the module of every engine not loaded yet.

    One compiler process per core (iree-compile runs outside the GIL). A
    module that another process is compiling into the same cache is left
    for last, so that processes warming up the same engines side by side
    share the compiling instead of waiting for each other.
    """
    missing = [engine for engine in engines if engine._context is None]
    if not missing:
        return
    with concurrent.futures.ThreadPoolExecutor(min(len(missing), os.cpu_count() or 1)) as pool:
        vmfbs = list(pool.map(lambda e: e._module_vmfb(wait=False), missing))
        busy = [i for i, vmfb in enumerate(vmfbs) if vmfb is None]
        for i, vmfb in zip(busy, pool.map(lambda i: missing[i]._module_vmfb(), busy)):
            vmfbs[i] = vmfb
    for engine, artifact in zip(missing, vmfbs):  # runtime contexts are made on this thread
        engine._load(artifact)


class IreeDecoder:
    """A decoder compiled by IREE, with its weights as parameters and its KV cache on the device.

    A call may write its cache outputs into its cache inputs' buffers, so the
    decode loop updates one cache in place, and a cache that several prompts
    start from (the empty cache, a stored prefix) is copied first (`_copy`).
    """

    def __init__(
        self,
        model: DecoderModel,
        params: Params,
        cache_dir: str | os.PathLike[str] | None = None,
        options: IreeOptions = DEFAULT_OPTIONS,
        chunks: Sequence[int] = DEFAULT_CHUNKS,
        prefix_reuse: bool = True,
        batch: int = 1,
        key_spans: Sequence[int] = KEY_SPANS,
        weights_archive: bool = True,
    ) -> None:
        self.model = model
        self.options = dataclasses.replace(options, extra_flags=(*ENGINE_FLAGS, *options.extra_flags))
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
        self.chunks = tuple(sorted({int(t) for t in chunks if 1 < t <= model.max_len}))
        self.key_spans = tuple(sorted({int(k) for k in key_spans}))
        # Serve the weights from a memory-mapped parameter archive in cache_dir
        # (written once per set of weights) rather than from the numpy arrays:
        # Qwen2.5 0.5B float32 then costs 4.0 instead of 6.5 GB of anonymous
        # memory (the mapped file is shared by every process that maps it).
        self.weights_archive = weights_archive
        self.prefixes = PrefixStore() if prefix_reuse else None
        if batch < 1:
            raise ValueError(f"batch must be at least 1, got {batch}")
        self.batch = batch  # sequences per batched decode step (`generate_batch`)
        self._step_seconds: float | None = None  # one sequence's decode step, alone
        self.last_batch_seconds = 0.0  # wall time of the last generate_batch's batched decoding
        self.compile_seconds = 0.0  # 0 when the module came from the cache
        self.reused_tokens = 0  # prompt tokens whose cache came from a stored prefix
        leaves, self._params_tree = jax.tree_util.tree_flatten(params)
        self._leaves = [np.asarray(x) for x in leaves]
        self._param_specs = [jax.ShapeDtypeStruct(x.shape, x.dtype) for x in self._leaves]
        self._param_keys = [jax.tree_util.keystr(path) for path, _ in jax.tree_util.tree_flatten_with_path(params)[0]]
        cache_leaves, self._cache_tree = jax.tree_util.tree_flatten(jax.eval_shape(model.init_cache))
        self._cache_specs = [jax.ShapeDtypeStruct(x.shape, x.dtype) for x in cache_leaves]
        self._num_cache = len(cache_leaves)
        self._context = None
        self._text: str | None = None
        self._functions: dict[str, Any] = {}

    # -- export -------------------------------------------------------------

    def _params(self, flat: Sequence[Any]) -> Params:
        return jax.tree_util.tree_unflatten(self._params_tree, flat[: len(self._param_specs)])

    def _extend_leaves(self, params: Params, tokens, start, length, cache_leaves, keys: int | None = None):
        """`DecoderModel.extend` over the cache's flat leaves: (hidden, *new cache leaves)."""
        cache = jax.tree_util.tree_unflatten(self._cache_tree, cache_leaves)
        hidden, cache = self.model.extend(params, tokens, start, length, cache, keys)
        return (hidden, *jax.tree_util.tree_leaves(cache))

    def _extend_fn(self, *flat, keys: int | None = None):
        tokens, start, length, *cache_leaves = flat[len(self._param_specs) :]
        return self._extend_leaves(self._params(flat), tokens, start, length, cache_leaves, keys)

    def _logits_fn(self, *flat):
        hidden, *candidates = flat[len(self._param_specs) :]
        return self.model.logits(self._params(flat), hidden, *candidates)

    def _decode_batch_fn(self, *flat):
        """One decode step of `batch` sequences: tokens [B, 1, 1], positions [B], caches stacked on axis 0."""
        tokens, positions, *cache_leaves = flat[len(self._param_specs) :]
        params = self._params(flat)
        step = lambda token, position, *leaves: self._extend_leaves(params, token, position, 1, leaves)  # noqa: E731
        return jax.vmap(step)(tokens, positions, *cache_leaves)

    def _logits_batch_fn(self, *flat):
        params = self._params(flat)
        return jax.vmap(lambda *rows: self.model.logits(params, *rows))(*flat[len(self._param_specs) :])

    def _extend_entries(self) -> dict[str, tuple[int, int | None]]:
        """Entry name -> (chunk size, cache positions attended; None: all)."""
        entries: dict[str, tuple[int, int | None]] = {f"extend_{t}": (t, None) for t in (1, *self.chunks)}
        for t in self.chunks:
            entries.update({f"extend_{t}_{k}": (t, k) for k in self._spans(t)})
        return entries

    def _spans(self, size: int, end: int = 0) -> list[int]:
        """The cache prefixes a chunk of `size` tokens ending at `end` can attend to (short of the whole cache)."""
        return [k for k in self.key_spans if max(size, end) <= k < self.model.max_len]

    def module_text(self) -> str:
        """The linked module: `extend_<T>` for T in 1 and the chunks, `logits`, and (batch > 1) the batched decode."""
        start = time.perf_counter()
        scalar = jax.ShapeDtypeStruct((), jnp.int32)
        exports = {}
        for name, (size, keys) in self._extend_entries().items():
            specs = [jax.ShapeDtypeStruct((1, size), jnp.int32), scalar, scalar, *self._cache_specs]
            fn = functools.partial(self._extend_fn, keys=keys)
            exports[name] = export_stablehlo(fn, [*self._param_specs, *specs])
        candidates = (
            [] if self.model.num_candidates is None else [jax.ShapeDtypeStruct((self.model.num_candidates,), jnp.int32)]
        )
        hidden = jax.ShapeDtypeStruct((self.model.config.hidden_size,), jnp.float32)
        exports["logits"] = export_stablehlo(self._logits_fn, [*self._param_specs, hidden, *candidates])
        if self.batch > 1:
            b = self.batch
            batched = [jax.ShapeDtypeStruct((b, *s.shape), s.dtype) for s in self._cache_specs]
            specs = [jax.ShapeDtypeStruct((b, 1, 1), jnp.int32), jax.ShapeDtypeStruct((b,), jnp.int32), *batched]
            exports["decode_batch"] = export_stablehlo(self._decode_batch_fn, [*self._param_specs, *specs])
            rows = [jax.ShapeDtypeStruct((b, *s.shape), s.dtype) for s in [hidden, *candidates]]
            exports["logits_batch"] = export_stablehlo(self._logits_batch_fn, [*self._param_specs, *rows])
        types = [_tensor_type(spec) for spec in self._param_specs]
        text = link_with_parameters(exports, types, self._param_keys)
        log.info("exported and linked %d entry points in %.1f s", len(exports), time.perf_counter() - start)
        return text

    def _module_text(self) -> str:
        if self._text is None:  # kept: compiling and loading both need it
            self._text = self.module_text()
        return self._text

    def _module_vmfb(self, wait: bool = True) -> VmfbArtifact | None:
        artifact = compile_vmfb(self._module_text(), self.options, self.cache_dir, wait=wait)
        if artifact is not None:
            self.compile_seconds = artifact.compile_seconds
        return artifact

    def _load(self, artifact: VmfbArtifact) -> None:
        import iree.runtime as ireert

        config = ireert.Config(self.options.driver)
        instance = config.vm_instance
        index = parameter_archive(self._leaves, self._param_keys, self.cache_dir) if self.weights_archive else None
        if index is None:
            index = parameter_index(self._leaves, self._param_keys)
        else:
            self._leaves = None  # the archive serves them; the caller's arrays can go
        module, _ = load_vm_module(instance, self._module_text(), self.options, self.cache_dir, artifact)
        self._text = None
        modules = [
            ireert.create_io_parameters_module(instance, index.create_provider(scope=PARAMETER_SCOPE)),
            ireert.create_hal_module(instance, config.device),
            module,
        ]
        self._config = config
        self._context = ireert.SystemContext(vm_modules=modules, config=config)
        functions = self._context.modules[modules[-1].name]
        names = [*self._extend_entries(), "logits"]
        names += ["decode_batch", "logits_batch"] if self.batch > 1 else []
        self._functions = {name: functions[name] for name in names}

    def warm_up(self) -> None:
        """Compiles (or loads) the module now rather than on first use."""
        warm_up_engines([self])

    def _function(self, name: str):
        if self._context is None:
            self.warm_up()
        return self._functions[name]

    # -- running ------------------------------------------------------------

    def _extend(self, ids: Sequence[int], start: int, cache: list[Any]) -> tuple[Any, list[Any]]:
        """Runs `ids` from position `start` on `cache`: the last hidden state and the new cache."""
        hidden = None
        for size, real in plan_chunks(len(ids), start, self.chunks, self.model.max_len):
            tokens = np.zeros((1, size), np.int32)
            tokens[0, :real] = ids[:real]
            spans = self._spans(size, start + size) if size > 1 else []
            name = f"extend_{size}_{spans[0]}" if spans else f"extend_{size}"
            outputs = self._function(name)(tokens, np.int32(start), np.int32(real), *cache)
            hidden, cache = outputs[0], list(outputs[1:])
            ids, start = ids[real:], start + real
        return hidden, cache

    def _copy(self, cache: list[Any] | None = None) -> list[Any]:
        """A private copy of `cache` (default: an empty cache) on the device.

        IREE writes a call's cache outputs into its cache inputs' buffers (the
        entry points update the cache in place), so a cache that several
        prompts start from (the empty one, a stored prefix) is copied first.
        """
        import iree.runtime as ireert

        device = self._config.device
        if cache is None:
            return [ireert.asdevicearray(device, np.zeros(s.shape, s.dtype)) for s in self._cache_specs]
        return [ireert.asdevicearray(device, leaf.to_host()) for leaf in cache]

    def _logits(self, hidden, candidates: np.ndarray | None) -> np.ndarray:
        extra = () if candidates is None else (candidates,)
        return self._function("logits")(hidden, *extra).to_host()

    def prefill(self, prompt_ids: Sequence[int], candidates: np.ndarray | None = None) -> tuple[np.ndarray, list[Any]]:
        ids = [int(t) for t in prompt_ids]
        if not ids:
            raise ValueError("the prompt is empty")
        if len(ids) > self.model.max_len:
            raise ValueError(f"prompt of {len(ids)} tokens is longer than the {self.model.max_len}-position KV cache")
        self._function("logits")  # loads the module
        start, stored = self.prefixes.longest(ids) if self.prefixes is not None else (0, None)
        cache = self._copy(stored)
        if self.prefixes is not None:
            self.reused_tokens += start
            split = self.prefixes.split_point(ids)
            if split > start and ids[:split] not in self.prefixes:
                _, cache = self._extend(ids[start:split], start, cache)
                self.prefixes.put(ids[:split], self._copy(cache))
                start = split
            self.prefixes.remember(ids)
        hidden, cache = self._extend(ids[start:], start, cache)
        return self._logits(hidden, candidates), cache

    def decode_step(
        self, token: int, position: int, cache: list[Any], candidates: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[Any]]:
        if not 0 <= position < self.model.max_len:
            raise ValueError(f"position {position} is outside the {self.model.max_len}-position KV cache")
        outputs = self._function("extend_1")(np.array([[token]], np.int32), np.int32(position), np.int32(1), *cache)
        return self._logits(outputs[0], candidates), list(outputs[1:])

    def generate(
        self,
        prompt_ids: Sequence[int],
        max_new_tokens: int,
        stop_ids: Sequence[int] = (),
        candidates: Sequence[int] | None = None,
    ) -> GenerationResult:
        """Greedy decoding: prefill (after the longest stored prefix), then decode steps."""
        return greedy_generate(self, prompt_ids, max_new_tokens, stop_ids, candidates)

    def generate_batch(
        self,
        prompts: Sequence[Sequence[int]],
        max_new_tokens: int,
        stop_ids: Sequence[int] = (),
        candidates: Sequence[Sequence[int] | None] | None = None,
    ) -> list[GenerationResult]:
        """Greedy decoding of several prompts (the same tokens as `generate` on each), decoded `batch` at a time.

        Each prompt is prefilled on its own (with prefix reuse); then one call
        runs a decode step of up to `batch` sequences, reading the weights once
        for all of them. Time is attributed as if each answer ran alone: a
        result's `decode_seconds` is its decode steps times this engine's
        measured one-sequence step time, so memoized per-answer times mean the
        same with and without batching; `last_batch_seconds` is the wall time
        of the batched decoding (the throughput).
        """
        if max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be at least 1, got {max_new_tokens}")
        candidates = list(candidates) if candidates is not None else [None] * len(prompts)
        if len(candidates) != len(prompts):
            raise ValueError(f"{len(candidates)} candidate lists for {len(prompts)} prompts")
        if self.batch == 1:
            return [self.generate(p, max_new_tokens, stop_ids, c) for p, c in zip(prompts, candidates)]
        self.last_batch_seconds = 0.0
        results: list[GenerationResult] = []
        for i in range(0, len(prompts), self.batch):
            group = slice(i, i + self.batch)
            results += self._generate_group(prompts[group], candidates[group], max_new_tokens, frozenset(stop_ids))
        return results

    def _generate_group(self, prompts, candidates, max_new_tokens: int, stop: frozenset) -> list[GenerationResult]:
        import iree.runtime as ireert

        rows = []
        for prompt, wanted in zip(prompts, candidates):
            ids = pad_candidates(self.model, wanted)
            start = time.perf_counter()
            logits, cache = self.prefill(prompt, ids)
            token, logprob = pick_token(logits, ids)
            rows.append(_Sequence(list(prompt), ids, [token], [logprob], time.perf_counter() - start, cache))
        padded = rows + [rows[-1]] * (self.batch - len(rows))  # spare rows repeat the last prompt, unread
        device = self._config.device
        cache = [
            ireert.asdevicearray(device, np.stack([row.cache[j].to_host() for row in padded]))
            for j in range(self._num_cache)
        ]
        if self._step_seconds is None:  # one sequence's decode step alone, for the time attribution
            first = rows[0]
            times = []
            for _ in range(3):
                start = time.perf_counter()
                self.decode_step(first.tokens[-1], min(first.position, self.model.max_len - 1), first.cache, first.ids)
                times.append(time.perf_counter() - start)
            self._step_seconds = min(times)
        ids = None if self.model.num_candidates is None else np.stack([row.ids for row in padded])
        start = time.perf_counter()
        while True:
            for row in rows:
                if row.reason is None:
                    row.reason = stop_reason(row.tokens, stop, max_new_tokens, row.position, self.model.max_len)
            if all(row.reason is not None for row in rows):
                break
            positions = np.array([min(r.position, self.model.max_len - 1) for r in padded], np.int32)
            tokens = np.array([r.tokens[-1] for r in padded], np.int32).reshape(-1, 1, 1)
            outputs = self._functions["decode_batch"](tokens, positions, *cache)
            cache = list(outputs[1:])
            extra = () if ids is None else (ids,)
            logits = self._functions["logits_batch"](outputs[0], *extra).to_host()
            for k, row in enumerate(rows):
                if row.reason is None:
                    token, logprob = pick_token(logits[k], row.ids)
                    row.tokens.append(token)
                    row.logprobs.append(logprob)
                    row.steps += 1
        self.last_batch_seconds += time.perf_counter() - start
        return [
            GenerationResult(
                tokens=row.tokens,
                stop_reason=row.reason,
                prompt_tokens=len(row.prompt),
                prefill_seconds=row.prefill_seconds,
                decode_seconds=row.steps * self._step_seconds,
                decode_steps=row.steps,
                token_logprobs=tuple(row.logprobs),
            )
            for row in rows
        ]


@dataclasses.dataclass
class _Sequence:
    """One prompt of a batch being decoded."""

    prompt: list[int]
    ids: np.ndarray | None  # candidate token ids (extractive models)
    tokens: list[int]  # generated so far
    logprobs: list[float]  # of each generated token
    prefill_seconds: float
    cache: list[Any]  # its own cache after prefill
    reason: str | None = None  # why it stopped; None while decoding
    steps: int = 0

    @property
    def position(self) -> int:
        """Where its next decode step writes."""
        return len(self.prompt) + len(self.tokens) - 1


def _tensor_type(spec: jax.ShapeDtypeStruct) -> str:
    element = {"float32": "f32", "bfloat16": "bf16", "int8": "i8", "int32": "i32"}[np.dtype(spec.dtype).name]
    return f"tensor<{'x'.join(str(d) for d in spec.shape)}x{element}>" if spec.shape else f"tensor<{element}>"
