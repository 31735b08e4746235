"""StableHLO to IREE modules (.vmfb), compiled once and cached on disk: the one IREE cache of approxmlir.

The JAX knob frontend (`approxmlir.frontends.jax`) and the LLM engine
(`approxmlir.runtime.llm`) both compile through `compile_vmfb`.

- Content-addressed: the key is the sha256 of the StableHLO text, the
  compiler flags, the IREE compiler's version and revision, and, when the
  target CPU is `host`, a fingerprint of this machine's CPU (the artifact
  uses its instruction set, so a cache shared across machines must not hand
  it to another CPU).
- Compiled once: the compiling process holds `<key>.lock` (`filelock`);
  other processes wait for it and then read the module, or, with
  `wait=False`, get None at once and can compile something else meanwhile.
- Atomic: the module is written to a temporary file in the cache directory
  and renamed over its final name, so readers never see a partial file.
- Self-healing: `load_vm_module` recompiles an entry IREE cannot load (a
  corrupt or truncated file) instead of failing.
- An unwritable cache directory disables caching (with a warning) rather
  than failing.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import pathlib
import platform
import tempfile
import threading
import time
from typing import Any

from approxmlir.compiler.cache import cache_dir
from approxmlir.errors import ApproxError

_LOG = logging.getLogger(__name__)

CACHE_ENV_VAR = "APPROXMLIR_IREE_CACHE_DIR"
# Bumped when the key's composition or the file layout changes.
_CACHE_FORMAT = "approxmlir-iree-cache-v1"


@dataclasses.dataclass(frozen=True)
class IreeOptions:
    """How modules are compiled and run.

    `driver`: "local-task" (IREE's default for the CPU: a thread pool) or
    "local-sync" (the calling thread; lower overhead for tiny kernels and
    steadier timings on a loaded machine).
    """

    target_backend: str = "llvm-cpu"
    # "host" is several times faster than the generic default on this CPU.
    target_cpu: str = "host"
    extra_flags: tuple[str, ...] = ()
    driver: str = "local-task"

    def compile_flags(self) -> tuple[str, ...]:
        """The iree-compile flags, besides the backend and input type."""
        flags = []
        if self.target_backend == "llvm-cpu":
            flags.append(f"--iree-llvmcpu-target-cpu={self.target_cpu}")
        return (*flags, *self.extra_flags)

    def key_flags(self) -> tuple[str, ...]:
        return (
            f"--iree-hal-target-backends={self.target_backend}",
            "--iree-input-type=stablehlo",
            *self.compile_flags(),
        )


@dataclasses.dataclass
class CacheStats:
    """Process-wide counts of cache hits and compilations (for tests and logs)."""

    hits: int = 0
    compiles: int = 0
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False)

    def count(self, hit: bool) -> None:
        with self._lock:
            if hit:
                self.hits += 1
            else:
                self.compiles += 1


STATS = CacheStats()


@dataclasses.dataclass(frozen=True)
class VmfbArtifact:
    """A compiled module: in the cache at `path`, or (caching disabled) only in `data`."""

    path: pathlib.Path | None
    cache_key: str
    from_cache: bool
    compile_seconds: float = 0.0
    data: bytes | None = None


class IreeCompilerError(ApproxError, RuntimeError):
    """iree-compile failed; `diagnostics` is its output."""

    def __init__(self, diagnostics: str):
        self.diagnostics = diagnostics
        super().__init__(diagnostics)


def default_cache_dir() -> pathlib.Path:
    """$APPROXMLIR_IREE_CACHE_DIR, else $XDG_CACHE_HOME (or ~/.cache)/approxmlir/iree."""
    return cache_dir("iree", env_var=CACHE_ENV_VAR)


@functools.lru_cache(maxsize=None)
def compiler_version() -> str:
    from iree.compiler import version  # a submodule the package does not import

    revisions = getattr(version, "REVISIONS", {})
    return f"{version.VERSION} {sorted(revisions.items())}"


@functools.lru_cache(maxsize=None)
def host_cpu_fingerprint() -> str:
    """The CPU model and feature flags (Linux), else what `platform` knows."""
    wanted = ("model name", "flags", "Features", "CPU part")
    try:
        lines = pathlib.Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    found: dict[str, str] = {}
    for line in lines:
        key, _, value = line.partition(":")
        key = key.strip()
        if key in wanted and key not in found:
            found[key] = value.strip()
    text = repr(sorted(found.items())) if found else f"{platform.machine()} {platform.processor()}"
    return hashlib.sha256(text.encode()).hexdigest()


def cache_key(stablehlo: str, options: IreeOptions) -> str:
    digest = hashlib.sha256()
    parts = [_CACHE_FORMAT, stablehlo, *options.key_flags(), compiler_version()]
    if options.target_backend == "llvm-cpu" and options.target_cpu == "host":
        parts.append(host_cpu_fingerprint())
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _compile(stablehlo: str, options: IreeOptions, output_file: str | None = None) -> bytes | None:
    import iree.compiler

    try:
        return iree.compiler.compile_str(
            stablehlo,
            target_backends=[options.target_backend],
            input_type="stablehlo",
            extra_args=list(options.compile_flags()),
            output_file=output_file,
        )
    except iree.compiler.CompilerToolError as error:
        raise IreeCompilerError(str(error)) from None


def compile_vmfb(
    stablehlo: str,
    options: IreeOptions = IreeOptions(),
    cache_dir: str | os.PathLike[str] | None = None,
    wait: bool = True,
) -> VmfbArtifact | None:
    """The cached module of `stablehlo`, compiled now on a miss.

    None only with `wait=False`, when another process is compiling it.
    """
    import filelock

    key = cache_key(stablehlo, options)
    root = pathlib.Path(cache_dir) if cache_dir is not None else default_cache_dir()
    final = root / f"{key}.vmfb"
    if final.is_file():
        STATS.count(hit=True)
        _LOG.debug("IREE cache hit %s", final)
        return VmfbArtifact(final, key, True)
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(root / f"{key}.lock")
        lock.acquire(timeout=-1 if wait else 0)
    except filelock.Timeout:
        return None
    except OSError as error:  # e.g. a read-only home in a sandbox: compile without caching
        _LOG.warning("cannot cache IREE modules in %s (%s); compiling without the cache", root, error)
        start = time.perf_counter()
        data = _compile(stablehlo, options)
        STATS.count(hit=False)
        return VmfbArtifact(None, key, False, time.perf_counter() - start, data)
    try:
        if final.is_file():  # compiled by another process while this one waited
            STATS.count(hit=True)
            _LOG.info("IREE module compiled by another process: %s", final.name)
            return VmfbArtifact(final, key, True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".vmfb", dir=root)
        os.close(handle)
        start = time.perf_counter()
        try:
            _compile(stablehlo, options, output_file=temporary)
            os.replace(temporary, final)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        seconds = time.perf_counter() - start
        STATS.count(hit=False)
        _LOG.info("compiled %s with IREE in %.1f s", final.name, seconds)
        return VmfbArtifact(final, key, False, seconds)
    finally:
        lock.release()


def load_vm_module(
    instance: Any,
    stablehlo: str,
    options: IreeOptions = IreeOptions(),
    cache_dir: str | os.PathLike[str] | None = None,
    artifact: VmfbArtifact | None = None,
) -> tuple[Any, VmfbArtifact]:
    """The IREE VmModule of `stablehlo` (from `artifact` if given), compiled or read from the cache.

    A cache entry IREE cannot load (corrupt, truncated) is deleted and
    compiled again, once; a second failure is an IreeCompilerError.
    """
    artifact = artifact or compile_vmfb(stablehlo, options, cache_dir)
    try:
        return vm_module(instance, artifact), artifact
    except (RuntimeError, ValueError) as error:
        if artifact.path is None:
            raise IreeCompilerError(f"IREE cannot load the module it just compiled: {error}") from None
        _LOG.warning("IREE cannot load the cached module %s (%s); compiling it again", artifact.path, error)
        artifact.path.unlink(missing_ok=True)
    artifact = compile_vmfb(stablehlo, options, cache_dir)
    try:
        return vm_module(instance, artifact), artifact
    except (RuntimeError, ValueError) as error:
        raise IreeCompilerError(f"IREE cannot load the module {artifact.path} it just compiled: {error}") from None


def vm_module(instance: Any, artifact: VmfbArtifact) -> Any:
    """The VmModule of a compiled artifact (mapped from the cache file, or copied from memory)."""
    import iree.runtime

    if artifact.path is None:
        return iree.runtime.VmModule.copy_buffer(instance, artifact.data)
    return iree.runtime.VmModule.mmap(instance, os.fspath(artifact.path))
