"""Native libraries that Bazel built for `//benchmarks` (approx_cc_library, the systems' genrules).

A target `<name>` leaves `<name>.so` and `<name>.signatures.json` in the
benchmarks package, which the binaries that list it as data find in their
runfiles.
"""

from __future__ import annotations

import os
import pathlib
from typing import Optional

from approxmlir.compiler import NativeArtifact

# The benchmarks package: <runfiles>/approxmlir/benchmarks, above python/approxbench.
PACKAGE_DIR = pathlib.Path(os.path.abspath(__file__)).parents[2]


def bazel_artifact(name: str) -> Optional[NativeArtifact]:
    """The library and signatures of target `name`, or None when this process's runfiles lack them."""
    library, signatures = PACKAGE_DIR / f"{name}.so", PACKAGE_DIR / f"{name}.signatures.json"
    if not (library.is_file() and signatures.is_file()):
        return None
    return NativeArtifact(library, signatures, cache_key=f"bazel:{name}", from_cache=True, stage_seconds={})
