"""The native backend: a configured approx module to a shared library.

Stages, each a subprocess whose failure raises CompilerError(stage, ...):
1. `approx-opt`: apply the configuration, run `approx-pipeline` (with C
   interfaces), and export the public functions' signatures;
2. `mlir-opt`: lower to the LLVM dialect (mlir-opt-22);
3. `mlir-translate`: LLVM dialect to LLVM IR;
4. `clang`: `clang-22 -O2 -shared` with the user's C sources (state functions,
   variants written in C) and the approx-runtime library.

Builds are cached under a content hash of the source, configuration, C
sources, flags and toolchain; each runs in its own temporary directory that is
renamed into place, so parallel builds never see each other's files.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
from typing import Any, Mapping, Optional, Sequence

from approxmlir import runtime
from approxmlir.compiler.approx_opt import CompilerError, MlirInput, run_approx_opt
from approxmlir.compiler.cache import cache_dir
from approxmlir.compiler.knobs import ConfigEntry, config_entries
from approxmlir.compiler.tools import find_approx_opt, find_llvm_tool

_LOG = logging.getLogger(__name__)

CACHE_ENV_VAR = "APPROXMLIR_CACHE_DIR"
LIBRARY_NAME = "kernel.so"
SIGNATURES_NAME = "signatures.json"

# Upstream lowering to the LLVM dialect (mlir-opt-22).
LOWER_TO_LLVM = (
    "--convert-scf-to-cf",
    "--expand-strided-metadata",
    "--lower-affine",
    "--convert-math-to-llvm",
    "--convert-math-to-libm",
    "--convert-to-llvm",
    "--reconcile-unrealized-casts",
)


@dataclasses.dataclass(frozen=True)
class NativeArtifact:
    """A built shared library and the signatures of its public functions."""

    library: pathlib.Path
    signatures: pathlib.Path
    cache_key: str
    from_cache: bool
    stage_seconds: Mapping[str, float]

    def load(self) -> runtime.NativeLibrary:
        """Loads the library with the approx-runtime Python binding."""
        return runtime.load_library(self.library, self.signatures)


def default_cache_dir() -> pathlib.Path:
    return cache_dir("native", env_var=CACHE_ENV_VAR)


def _file_digest(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.lru_cache(maxsize=None)
def toolchain_fingerprint() -> str:
    """Identifies every tool and library a build uses (hashed once per process)."""
    parts = [f"approx-opt:{_file_digest(find_approx_opt())}"]
    for tool in ("mlir-opt", "mlir-translate", "clang"):
        version = subprocess.run(
            [find_llvm_tool(tool), "--version"], capture_output=True, text=True, check=False
        ).stdout
        parts.append(f"{tool}:{version.strip()}")
    parts.append(f"runtime:{_file_digest(runtime.runtime_library_path())}")
    parts.extend(f"header:{_file_digest(h)}" for h in sorted(runtime.include_dir().rglob("*.h")))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _config_json(config: Optional[Mapping[str, ConfigEntry]]) -> Optional[str]:
    if not config:
        return None
    return json.dumps({"knobs": config_entries(config)}, sort_keys=True)


def cache_key(
    source: str,
    config_json: Optional[str],
    c_sources: Sequence[pathlib.Path],
    cflags: Sequence[str],
) -> str:
    digest = hashlib.sha256()
    for part in (source, config_json or "", toolchain_fingerprint(), *cflags):
        digest.update(part.encode())
        digest.update(b"\0")
    for path in c_sources:
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _run(stage: str, command: Sequence[Any], timeout: float) -> None:
    command = [os.fspath(part) for part in command]
    _LOG.debug("%s: %s", stage, " ".join(command))
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise CompilerError(stage, f"timed out after {timeout:g} s", command) from error
    if result.returncode != 0:
        raise CompilerError(stage, result.stderr or f"exited with status {result.returncode}", command)


def _build(
    source: str,
    config_json: Optional[str],
    c_sources: Sequence[pathlib.Path],
    cflags: Sequence[str],
    workdir: pathlib.Path,
    timeout: float,
) -> dict[str, float]:
    seconds: dict[str, float] = {}

    def timed(stage: str, action) -> None:
        start = time.perf_counter()
        action()
        seconds[stage] = time.perf_counter() - start

    upstream = workdir / "upstream.mlir"
    llvm_dialect = workdir / "llvm.mlir"
    llvm_ir = workdir / "kernel.ll"
    args = []
    if config_json:
        (workdir / "config.json").write_text(config_json)
        args.append(f"--approx-apply-config=config={workdir / 'config.json'}")
    args += [
        "--approx-pipeline=emit-c-interface=true",
        f"--approx-export-signatures=output={workdir / SIGNATURES_NAME}",
        "-o",
        str(upstream),
    ]
    timed("approx-opt", lambda: run_approx_opt(source, args, timeout=timeout))
    timed(
        "mlir-opt",
        lambda: _run("mlir-opt", [find_llvm_tool("mlir-opt"), upstream, *LOWER_TO_LLVM, "-o", llvm_dialect], timeout),
    )
    timed(
        "mlir-translate",
        lambda: _run(
            "mlir-translate",
            [find_llvm_tool("mlir-translate"), "--mlir-to-llvmir", llvm_dialect, "-o", llvm_ir],
            timeout,
        ),
    )

    runtime_libraries = [runtime.runtime_library_path()]
    if "@approx_ml_enter" in upstream.read_text():  # HPAC-ML regions: libtorch behind libapprox_ml.so
        runtime_libraries.append(runtime.ml_runtime_library_path())
    links = [arg for lib in runtime_libraries for arg in (lib, f"-Wl,-rpath,{lib.parent}")]
    clang = [
        # -z defs: a symbol nobody defines (a missing variant or state
        # function) fails the build here, not the load later.
        find_llvm_tool("clang"),
        "-O2",
        "-fPIC",
        "-shared",
        "-Wl,-z,defs",
        "-Wno-override-module",
        *cflags,
        f"-I{runtime.include_dir()}",
        llvm_ir,
        *c_sources,
        *links,
        "-lm",
        "-o",
        workdir / LIBRARY_NAME,
    ]
    timed("clang", lambda: _run("clang", clang, timeout))
    return seconds


def build_native(
    mlir: MlirInput,
    config: Optional[Mapping[str, ConfigEntry]] = None,
    *,
    c_sources: Sequence[os.PathLike] = (),
    cflags: Sequence[str] = (),
    cache_dir: Optional[os.PathLike] = None,
    timeout: float = 600.0,
) -> NativeArtifact:
    """Builds `mlir` with `config` applied to a shared library (or reuses it).

    `mlir` is MLIR text or a path; `config` maps knob ids to params as for
    `apply_config`. `c_sources` are compiled and linked in (state functions,
    C variants); `cflags` go to clang. Raises CompilerError naming the stage.
    """
    source = mlir.read_text() if isinstance(mlir, pathlib.Path) else mlir
    sources = [pathlib.Path(p).absolute() for p in c_sources]
    config_json = _config_json(config)
    key = cache_key(source, config_json, sources, cflags)
    root = pathlib.Path(cache_dir) if cache_dir is not None else default_cache_dir()
    final = root / key
    if (final / LIBRARY_NAME).is_file():
        return NativeArtifact(final / LIBRARY_NAME, final / SIGNATURES_NAME, key, True, {})

    root.mkdir(parents=True, exist_ok=True)
    workdir = pathlib.Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        seconds = _build(source, config_json, sources, cflags, workdir, timeout)
        try:
            os.rename(workdir, final)
        except OSError:
            # A parallel build of the same key finished first: use its result.
            if not (final / LIBRARY_NAME).is_file():
                raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _LOG.debug("built %s in %.3f s", key[:12], sum(seconds.values()))
    return NativeArtifact(final / LIBRARY_NAME, final / SIGNATURES_NAME, key, False, seconds)
