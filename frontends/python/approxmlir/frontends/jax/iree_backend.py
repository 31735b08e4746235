"""StableHLO to IREE artifacts (.vmfb) with an on-disk cache, and loading them.

The cache key is the sha256 of the StableHLO text, the compiler flags, the
IREE compiler's version and revision, and, when the target CPU is `host`, a
fingerprint of this machine's CPU (the artifact uses its instruction set, so
a cache shared across machines must not hand it to another CPU). Compiling
writes to a temporary file in the cache directory that is then renamed over
the final name (`os.replace`, atomic on POSIX): concurrent writers of the same
key each produce a complete file and the last rename wins; readers never see
a partial one.
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
from typing import Any, Optional, Union

import iree.compiler
import iree.runtime
import numpy as np

from approxmlir.compiler.cache import cache_dir

_LOG = logging.getLogger(__name__)

CACHE_ENV_VAR = "APPROXMLIR_IREE_CACHE_DIR"
# Bumped when the key's composition or the file layout changes.
_CACHE_FORMAT = "approxmlir-iree-cache-v1"


@dataclasses.dataclass(frozen=True)
class IreeOptions:
    """How variants are compiled and run.

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
        return (f"--iree-hal-target-backends={self.target_backend}", "--iree-input-type=stablehlo",
                *self.compile_flags())


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
    """A compiled variant in the cache."""

    path: pathlib.Path
    cache_key: str
    from_cache: bool
    compile_seconds: float = 0.0


class IreeCompilerError(RuntimeError):
    """iree-compile failed; `diagnostics` is its output."""

    def __init__(self, diagnostics: str):
        self.diagnostics = diagnostics
        super().__init__(diagnostics)


def default_cache_dir() -> pathlib.Path:
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


def compile_vmfb(
    stablehlo: str,
    options: IreeOptions = IreeOptions(),
    cache_dir: Optional[Union[str, os.PathLike]] = None,
) -> VmfbArtifact:
    """Returns the cached artifact of `stablehlo`, compiling it on a miss."""
    key = cache_key(stablehlo, options)
    root = pathlib.Path(cache_dir) if cache_dir is not None else default_cache_dir()
    final = root / f"{key}.vmfb"
    if final.is_file():
        STATS.count(hit=True)
        _LOG.debug("IREE cache hit %s", final)
        return VmfbArtifact(final, key, True)

    root.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".vmfb", dir=root)
    os.close(handle)
    start = time.perf_counter()
    try:
        iree.compiler.compile_str(
            stablehlo,
            target_backends=[options.target_backend],
            input_type="stablehlo",
            extra_args=list(options.compile_flags()),
            output_file=temporary,
        )
        os.replace(temporary, final)
    except iree.compiler.CompilerToolError as error:
        raise IreeCompilerError(str(error)) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    seconds = time.perf_counter() - start
    STATS.count(hit=False)
    _LOG.info("compiled %s with IREE in %.2f s", final.name, seconds)
    return VmfbArtifact(final, key, False, seconds)


@functools.lru_cache(maxsize=None)
def _runtime_config(driver: str) -> Any:
    """One IREE instance and device per driver, shared by every loaded variant."""
    return iree.runtime.Config(driver)


def _to_numpy(result: Any) -> np.ndarray:
    return result.to_host() if isinstance(result, iree.runtime.DeviceArray) else np.asarray(result)


class IreeFunction:
    """The entry point of one loaded .vmfb: flat numpy inputs to flat numpy outputs."""

    def __init__(self, artifact: VmfbArtifact, driver: str, entry_point: str):
        self.artifact = artifact
        # Each variant gets its own context: jax names every exported module
        # `jit_<function name>`, so two variants may have the same module name.
        self._context = iree.runtime.SystemContext(config=_runtime_config(driver))
        vm_module = iree.runtime.VmModule.mmap(self._context.instance, os.fspath(artifact.path))
        self._context.add_vm_module(vm_module)
        self.module_name = vm_module.name
        self._function = self._context.modules[vm_module.name][entry_point]

    def __call__(self, *args: np.ndarray) -> list[np.ndarray]:
        results = self._function(*args)
        if not isinstance(results, (tuple, list)):
            return [_to_numpy(results)]
        return [_to_numpy(r) for r in results]

    def raw(self, *args: np.ndarray) -> Any:
        """The IREE call alone (device arrays, no copy to numpy), for measurements."""
        return self._function(*args)

    def __repr__(self) -> str:
        return f"IreeFunction({self.module_name!r}, {str(self.artifact.path)!r})"


def load_function(artifact: VmfbArtifact, driver: str = "local-task", entry_point: str = "main") -> IreeFunction:
    return IreeFunction(artifact, driver, entry_point)


def compile_and_load(
    stablehlo: str,
    options: IreeOptions = IreeOptions(),
    cache_dir: Optional[Union[str, os.PathLike]] = None,
) -> IreeFunction:
    """`compile_vmfb` then `load_function` with `options.driver`."""
    return load_function(compile_vmfb(stablehlo, options, cache_dir), options.driver)
