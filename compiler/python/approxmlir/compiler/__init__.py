"""Python interface to the approx-opt compiler driver."""

from approxmlir.compiler.approx_opt import CompilerError, run_approx_opt, run_pipeline
from approxmlir.compiler.knobs import KnobParams, KnobSpace, apply_config, export_knobs
from approxmlir.compiler.link import link_modules
from approxmlir.compiler.native import NativeArtifact, build_native
from approxmlir.compiler.tools import ToolNotFoundError, find_approx_opt, find_llvm_tool

__all__ = [
    "CompilerError",
    "KnobParams",
    "KnobSpace",
    "NativeArtifact",
    "ToolNotFoundError",
    "apply_config",
    "build_native",
    "export_knobs",
    "find_approx_opt",
    "find_llvm_tool",
    "link_modules",
    "run_approx_opt",
    "run_pipeline",
]
