"""Gemma 3 through IREE: jax.export -> StableHLO -> iree.compiler (llvm-cpu) -> iree.runtime.

`prefill` and `decode_step` are exported as functions over a flat argument
list (the parameter leaves, then the inputs). The weights are function
inputs, not constants: a 270M-parameter model baked into the module would
make ~1 GB of StableHLO text and a compile dominated by constant handling;
as inputs they are uploaded once as device arrays and passed by reference on
every call, and one compiled module serves every set of weights of the same
shapes. Prefill is compiled per padded prompt length ("bucket"); a prompt
uses the smallest bucket that holds it.

Compiled modules are cached on disk as `<sha256>.vmfb`, keyed by the
StableHLO text, the compiler flags, the IREE compiler version and (for
`target-cpu=host`) the CPU, in `cache_dir` (default: $APPROXMLIR_IREE_CACHE_DIR,
else ~/.cache/approxmlir/iree). Processes that share a cache directory
compile each module once (a lock file per module).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import fcntl
import functools
import hashlib
import logging
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from approxmlir.frontends.llm.config import Params
from approxmlir.frontends.llm.decoder import DecoderModel
from approxmlir.runtime.llm.generation import GenerationResult, greedy_generate, pick_bucket

log = logging.getLogger(__name__)

CACHE_ENV_VAR = "APPROXMLIR_IREE_CACHE_DIR"  # the same variable as approxmlir.frontends.jax
DEFAULT_PREFILL_BUCKETS = (64, 128, 256, 512)


@dataclasses.dataclass(frozen=True)
class IreeOptions:
    """How to compile and run. `local-sync` runs on the calling thread only:
    steady timings on shared machines; `local-task` uses a thread pool."""

    driver: str = "local-sync"
    target_cpu: str = "host"
    extra_flags: tuple[str, ...] = ()

    def compiler_flags(self) -> list[str]:
        return [f"--iree-llvmcpu-target-cpu={self.target_cpu}", *self.extra_flags]


def default_cache_dir() -> Path:
    """$APPROXMLIR_IREE_CACHE_DIR, else $XDG_CACHE_HOME (or ~/.cache)/approxmlir/iree."""
    explicit = os.environ.get(CACHE_ENV_VAR)
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "approxmlir" / "iree"


@functools.lru_cache(maxsize=None)
def iree_compiler_version() -> str:
    from iree.compiler import version

    return f"{version.VERSION} {sorted(version.REVISIONS.items())}"


@functools.lru_cache(maxsize=None)
def host_cpu_fingerprint() -> str:
    """CPU model and flags: `target-cpu=host` artifacts must not be shared across CPUs."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    wanted = ("model name", "flags", "Features", "CPU part")
    seen = sorted({line.strip() for line in lines if line.split(":")[0].strip() in wanted})
    return hashlib.sha256("\n".join(seen or [platform.processor(), platform.machine()]).encode()).hexdigest()


def export_stablehlo(fn: Callable[..., Any], specs: Sequence[jax.ShapeDtypeStruct]) -> str:
    """StableHLO text of `fn` over flat array arguments, through jax.export.

    Printed without source locations: they vary with the Python call stack
    that traced the function, and would make equal programs miss the cache.
    """
    from iree.compiler import ir

    exported = jax.export.export(jax.jit(fn))(*specs)
    with ir.Context():
        module = ir.Module.parse(exported.mlir_module())
        return module.operation.get_asm(enable_debug_info=False)


def compile_cached(
    stablehlo: str, options: IreeOptions, cache_dir: Path, wait: bool = True
) -> tuple[bytes, float] | None:
    """The .vmfb for `stablehlo`, from the cache or compiled now; and the compile time (0 if cached).

    Processes sharing `cache_dir` compile each module once: the compiling
    process holds `<key>.lock`, the others wait for it and then read the
    module (or, with `wait=False`, get None at once and can compile
    something else meanwhile).
    """
    flags = options.compiler_flags()
    cpu = host_cpu_fingerprint() if options.target_cpu == "host" else options.target_cpu
    key = hashlib.sha256(
        "\0".join([stablehlo, "llvm-cpu", *flags, iree_compiler_version(), cpu]).encode()
    ).hexdigest()
    path = cache_dir / f"{key}.vmfb"
    if path.is_file():
        log.info("IREE module cache hit %s", path.name)
        return path.read_bytes(), 0.0
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        lock = open(cache_dir / f"{key}.lock", "a")
    except OSError as error:  # e.g. a read-only home in a sandbox: run uncached
        log.warning("cannot cache the IREE module in %s: %s", cache_dir, error)
        return _compile(stablehlo, flags)
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        if path.is_file():  # compiled by another process while this one waited
            log.info("IREE module compiled by another process: %s", path.name)
            return path.read_bytes(), 0.0
        vmfb, seconds = _compile(stablehlo, flags)
        try:
            with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".tmp", delete=False) as tmp:
                tmp.write(vmfb)
            os.replace(tmp.name, path)  # atomic: readers never see a partial file
        except OSError as error:
            log.warning("cannot cache the IREE module in %s: %s", cache_dir, error)
        return vmfb, seconds


def _compile(stablehlo: str, flags: list[str]) -> tuple[bytes, float]:
    import iree.compiler

    start = time.perf_counter()
    vmfb = iree.compiler.compile_str(stablehlo, target_backends=["llvm-cpu"], input_type="stablehlo", extra_args=flags)
    seconds = time.perf_counter() - start
    log.info("compiled an IREE module in %.1f s", seconds)
    return vmfb, seconds


class _IreeFunction:
    """One compiled function in its own IREE runtime context."""

    def __init__(self, vmfb: bytes, config) -> None:
        import iree.runtime as ireert

        # One shared Config (hence one device) for all functions, so that the
        # weights and the cache outputs of one function are inputs of another.
        self.context = ireert.SystemContext(config=config)
        module = ireert.VmModule.copy_buffer(self.context.instance, vmfb)
        self.context.add_vm_module(module)
        self.function = self.context.modules[module.name]["main"]

    def __call__(self, *args):
        return self.function(*args)


def warm_up_engines(engines: Sequence["IreeDecoder"], buckets: Sequence[int] | None = None) -> None:
    """Compiles (or loads) every function of `engines` (prefill: `buckets`, default each engine's own).

    One compiler process per core (iree-compile runs outside the GIL). A
    module that another process is compiling into the same cache is left
    for last, so that processes warming up the same engines side by side
    share the compiling instead of waiting for each other.
    """
    modules = [(engine, bucket) for engine in engines for bucket in engine._missing_functions(buckets)]
    if not modules:
        return
    with concurrent.futures.ThreadPoolExecutor(min(len(modules), os.cpu_count() or 1)) as pool:
        vmfbs = list(pool.map(lambda m: m[0]._function_vmfb(m[1], wait=False), modules))
        busy = [i for i, vmfb in enumerate(vmfbs) if vmfb is None]
        for i, vmfb in zip(busy, pool.map(lambda i: modules[i][0]._function_vmfb(modules[i][1]), busy)):
            vmfbs[i] = vmfb
    for (engine, bucket), vmfb in zip(modules, vmfbs):  # runtime contexts are made on this thread
        engine._functions[bucket] = _IreeFunction(vmfb, engine._config)


class IreeDecoder:
    """Gemma 3 prefill/decode compiled by IREE, with the weights resident on the device.

    The KV cache stays in device arrays between steps: each decode step takes
    the previous step's cache outputs as inputs.
    """

    def __init__(
        self,
        model: DecoderModel,
        params: Params,
        cache_dir: str | os.PathLike[str] | None = None,
        options: IreeOptions = IreeOptions(),
        prefill_buckets: Sequence[int] = DEFAULT_PREFILL_BUCKETS,
    ) -> None:
        self.model = model
        self.options = options
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
        self.prefill_buckets = tuple(sorted({int(b) for b in prefill_buckets if b <= model.max_len}))
        # Seconds spent compiling, per function ("decode", "prefill_128", ...); 0 when cached.
        self.compile_seconds: dict[str, float] = {}
        self._stablehlo: dict[str, str] = {}
        import iree.runtime as ireert

        self._config = ireert.Config(options.driver)

        leaves, self._params_tree = jax.tree_util.tree_flatten(params)
        self._param_specs = [jax.ShapeDtypeStruct(np.shape(x), np.float32) for x in leaves]
        cache_leaves, self._cache_tree = jax.tree_util.tree_flatten(jax.eval_shape(model.init_cache))
        self._cache_specs = [jax.ShapeDtypeStruct(x.shape, x.dtype) for x in cache_leaves]
        self._num_cache = len(cache_leaves)
        # Prefill bucket (None: the decode step) -> its function, compiled (or
        # loaded from the cache) on first use or by warm_up.
        self._functions: dict[int | None, _IreeFunction] = {}
        # Upload the weights once; every call passes these device arrays.
        device = self._config.device
        self._device_params = [ireert.asdevicearray(device, np.asarray(x, np.float32)) for x in leaves]

    # -- export -------------------------------------------------------------

    def _split(self, flat: Sequence[Any]) -> tuple[Params, list[Any]]:
        n = len(self._param_specs)
        return jax.tree_util.tree_unflatten(self._params_tree, flat[:n]), list(flat[n:])

    # Flat signatures: params..., inputs..., [candidates] (when the model has them).

    def _candidate_specs(self) -> list[jax.ShapeDtypeStruct]:
        n = self.model.num_candidates
        return [] if n is None else [jax.ShapeDtypeStruct((n,), jnp.int32)]

    def _flat_prefill(self, *flat):
        params, (tokens, length, *candidates) = self._split(flat)
        logits, cache = self.model.prefill(params, tokens, length, *candidates)
        return (logits, *jax.tree_util.tree_leaves(cache))

    def _flat_decode(self, *flat):
        params, (token, position, *rest) = self._split(flat)
        cache_leaves, candidates = rest[: self._num_cache], rest[self._num_cache:]
        cache = jax.tree_util.tree_unflatten(self._cache_tree, cache_leaves)
        logits, cache = self.model.decode_step(params, token, position, cache, *candidates)
        return (logits, *jax.tree_util.tree_leaves(cache))

    def _vmfb(
        self, name: str, fn: Callable[..., Any], input_specs: list[jax.ShapeDtypeStruct], wait: bool = True
    ) -> bytes | None:
        text = self._stablehlo.get(name)
        if text is None:  # kept: a module left to another process is looked up again
            start = time.perf_counter()
            text = self._stablehlo[name] = export_stablehlo(fn, [*self._param_specs, *input_specs])
            log.info("exported %s to StableHLO in %.1f s", name, time.perf_counter() - start)
        compiled = compile_cached(text, self.options, self.cache_dir, wait=wait)
        if compiled is None:
            return None
        del self._stablehlo[name]
        vmfb, seconds = compiled
        self.compile_seconds[name] = seconds
        return vmfb

    def _function_vmfb(self, bucket: int | None, wait: bool = True) -> bytes | None:
        """The module of a prefill bucket, or of the decode step (bucket None)."""
        if bucket is None:
            specs = [jax.ShapeDtypeStruct((1,), jnp.int32), jax.ShapeDtypeStruct((), jnp.int32), *self._cache_specs]
            return self._vmfb("decode", self._flat_decode, [*specs, *self._candidate_specs()], wait)
        specs = [jax.ShapeDtypeStruct((1, bucket), jnp.int32), jax.ShapeDtypeStruct((), jnp.int32)]
        return self._vmfb(f"prefill_{bucket}", self._flat_prefill, [*specs, *self._candidate_specs()], wait)

    def _function(self, bucket: int | None) -> _IreeFunction:
        if bucket not in self._functions:
            self._functions[bucket] = _IreeFunction(self._function_vmfb(bucket), self._config)
        return self._functions[bucket]

    def _missing_functions(self, buckets: Sequence[int] | None = None) -> list[int | None]:
        """The decode step (None) and the prefill `buckets` (default: all) not loaded yet."""
        wanted = [None, *(self.prefill_buckets if buckets is None else buckets)]
        return [b for b in dict.fromkeys(wanted) if b not in self._functions]

    def warm_up(self, buckets: Sequence[int] | None = None) -> None:
        """Compiles (or loads) the decode step and the prefill functions (default: every bucket)."""
        warm_up_engines([self], buckets)

    # -- running ------------------------------------------------------------

    def bucket_for(self, length: int) -> int:
        return pick_bucket(length, self.prefill_buckets, self.model.max_len)

    def prefill(
        self, prompt_ids: Sequence[int], candidates: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[Any]]:
        bucket = self.bucket_for(len(prompt_ids))
        tokens = np.zeros((1, bucket), np.int32)
        tokens[0, : len(prompt_ids)] = prompt_ids
        extra = () if candidates is None else (candidates,)
        outputs = self._function(bucket)(*self._device_params, tokens, np.int32(len(prompt_ids)), *extra)
        return outputs[0].to_host(), list(outputs[1:])

    def decode_step(
        self, token: int, position: int, cache: list[Any], candidates: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[Any]]:
        if not 0 <= position < self.model.max_len:
            raise ValueError(f"position {position} is outside the {self.model.max_len}-position KV cache")
        extra = () if candidates is None else (candidates,)
        outputs = self._function(None)(*self._device_params, np.array([token], np.int32), np.int32(position), *cache, *extra)
        return outputs[0].to_host(), list(outputs[1:])

    def generate(
        self,
        prompt_ids: Sequence[int],
        max_new_tokens: int,
        stop_ids: Sequence[int] = (),
        candidates: Sequence[int] | None = None,
    ) -> GenerationResult:
        """Greedy decoding: prefill once, then decode steps feeding the cache back."""
        return greedy_generate(self, prompt_ids, max_new_tokens, stop_ids, candidates)
