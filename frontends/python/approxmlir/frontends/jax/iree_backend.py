"""Loading IREE modules of the JAX knob frontend; compiling and caching is `approxmlir.compiler.iree`."""

from __future__ import annotations

import functools
import os
from typing import Any, Optional, Union

import iree.runtime
import numpy as np

from approxmlir.compiler.iree import (  # noqa: F401  (the frontend's public names)
    CACHE_ENV_VAR,
    STATS,
    IreeCompilerError,
    IreeOptions,
    VmfbArtifact,
    cache_key,
    compile_vmfb,
    compiler_version,
    default_cache_dir,
    host_cpu_fingerprint,
    load_vm_module,
    vm_module,
)


@functools.lru_cache(maxsize=None)
def _runtime_config(driver: str) -> Any:
    """One IREE instance and device per driver, shared by every loaded variant."""
    return iree.runtime.Config(driver)


def _to_numpy(result: Any) -> np.ndarray:
    return result.to_host() if isinstance(result, iree.runtime.DeviceArray) else np.asarray(result)


class IreeFunction:
    """The entry point of one loaded .vmfb: flat numpy inputs to flat numpy outputs."""

    def __init__(self, artifact: VmfbArtifact, driver: str, entry_point: str, module: Any = None):
        self.artifact = artifact
        # Each variant gets its own context: jax names every exported module
        # `jit_<function name>`, so two variants may have the same module name.
        self._context = iree.runtime.SystemContext(config=_runtime_config(driver))
        module = module or vm_module(self._context.instance, artifact)
        self._context.add_vm_module(module)
        self.module_name = module.name
        self._function = self._context.modules[module.name][entry_point]

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
    """The module of `stablehlo` (compiled, or from the cache, which repairs a corrupt entry) loaded with `options.driver`."""
    module, artifact = load_vm_module(_runtime_config(options.driver).vm_instance, stablehlo, options, cache_dir)
    return IreeFunction(artifact, options.driver, "main", module)
