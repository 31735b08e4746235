"""approxmlir: an accuracy-aware compiler toolchain.

The package is split across the monorepo like IREE's `iree.compiler` /
`iree.runtime`: `approxmlir.compiler` lives in `compiler/python`, and later
parts (`approxmlir.runtime`, `approxmlir.tuner`, ...) in their own trees.
`extend_path` joins every `approxmlir/` directory on `sys.path` into this
package, so imports work the same under Bazel, pytest and an installed wheel
(where everything sits in one directory).
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)

from approxmlir.errors import ApproxError  # noqa: E402  (after extend_path: the root of every part's errors)

__all__ = ["ApproxError"]

__version__ = "0.1.0"

# `import approxmlir as ar; ar.tune(...)`, without importing the tuner (and
# its dependencies) for users of the compiler alone.
_TUNER_EXPORTS = ("tune", "TuneOptions", "Driver", "reevaluate", "compare_search_spaces")
# `ar.Knob(...)`, `ar.DecisionTree(...)` (paper, section 4.3), without
# importing jax for users of the C path.
_JAX_EXPORTS = ("Knob", "DecisionTree")


def __getattr__(name: str):
    if name in _TUNER_EXPORTS:
        from approxmlir import tuner

        return getattr(tuner, name)
    if name in _JAX_EXPORTS:
        from approxmlir.frontends import jax as jax_frontend

        return getattr(jax_frontend, name)
    raise AttributeError(f"module 'approxmlir' has no attribute {name!r}")
