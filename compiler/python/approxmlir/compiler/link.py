"""Links MLIR modules into one with approx-opt's `--approx-link-modules`.

A compound system's kernels (from the C frontend) and its knobs' selectors
(from the JAX frontend) are separate modules; linked, they are one symbol
table, one knob search space and one native library. approx-opt keeps shared
declarations once and reports a symbol that two modules define differently
as a diagnostic naming both modules (CompilerError).
"""

from __future__ import annotations

import os
import pathlib
import tempfile
from typing import Mapping, Sequence, Union

from approxmlir.compiler.approx_opt import CompilerError, MlirInput, run_approx_opt

Modules = Union[Sequence[MlirInput], Mapping[str, MlirInput]]


def link_modules(modules: Modules, **kwargs) -> str:
    """One module holding every module of `modules`, linked in order.

    `modules` is a sequence of MLIR texts (str) or files (pathlib.Path), or a
    mapping from a name to one: diagnostics call a text `<name>.mlir`
    (`module<i>.mlir` in a sequence). Raises CompilerError when a symbol is
    defined twice, a declaration's type disagrees with its definition, or a
    module does not parse. `kwargs` go to run_approx_opt (e.g. timeout).
    """
    named = dict(modules) if isinstance(modules, Mapping) else {f"module{i}": m for i, m in enumerate(modules)}
    if not named:
        raise CompilerError("approx-link-modules", "no modules to link")
    with tempfile.TemporaryDirectory(prefix="approx-link-") as workdir:
        files = []
        for name, module in named.items():
            if isinstance(module, pathlib.Path):
                files.append(os.path.abspath(module))
                continue
            if not isinstance(module, str):
                raise TypeError(f"module {name!r} is a {type(module).__name__}, not MLIR text or a pathlib.Path")
            filename = f"{name}.mlir"
            if os.sep in filename or "," in filename or filename in files:
                raise ValueError(f"module name {name!r} is not a distinct file name")
            pathlib.Path(workdir, filename).write_text(module)
            files.append(filename)
        first, rest = files[0], files[1:]
        args = [f"--approx-link-modules=inputs={','.join(rest)}"] if rest else []
        return run_approx_opt(pathlib.Path(first), args, cwd=workdir, **kwargs)
