"""approxmlir's cache directories, one rule for every part of the package.

`cache_dir("native")` is `$XDG_CACHE_HOME/approxmlir/native`, or
`~/.cache/approxmlir/native` when XDG_CACHE_HOME is unset or empty. A part
whose cache can be moved by an environment variable of its own (e.g.
APPROXMLIR_IREE_CACHE_DIR) passes its name as `env_var`: a non-empty value
wins. Only the path is computed; callers create the directory (and decide
what an unusable one means).
"""

from __future__ import annotations

import os
import pathlib


def cache_dir(name: str, env_var: str | None = None) -> pathlib.Path:
    """`$<env_var>` if set and non-empty, else `$XDG_CACHE_HOME` (or `~/.cache`)`/approxmlir/<name>`."""
    if env_var:
        explicit = os.environ.get(env_var)
        if explicit:
            return pathlib.Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "approxmlir" / name
