"""Python interface to the approx-opt compiler driver."""

from approxmlir.compiler.approx_opt import CompilerError, run_approx_opt, run_pipeline
from approxmlir.compiler.knobs import KnobParams, KnobSpace, apply_config, export_knobs
from approxmlir.compiler.tools import ToolNotFoundError, find_approx_opt

__all__ = [
    "CompilerError",
    "KnobParams",
    "KnobSpace",
    "ToolNotFoundError",
    "apply_config",
    "export_knobs",
    "find_approx_opt",
    "run_approx_opt",
    "run_pipeline",
]
