"""Creates the project's Python venv from a hashed lock and exposes it as a toolchain.

Bazel 4.2.3 has no rules_python offline, and its autodetected toolchain runs
`#!/usr/bin/env python`, which Debian lacks. This rule builds a venv inside the
external repository with `pip install --require-hashes`, then registers a
`py_runtime` whose interpreter and stub shebang are the venv's python.
"""

_TOOLCHAIN_BUILD = """\
load("@bazel_tools//tools/python:toolchain.bzl", "py_runtime_pair")

package(default_visibility = ["//visibility:public"])

py_runtime(
    name = "py3_runtime",
    interpreter_path = "{python}",
    python_version = "PY3",
    stub_shebang = "#!{python}",
)

py_runtime_pair(
    name = "runtime_pair",
    py3_runtime = ":py3_runtime",
)

toolchain(
    name = "toolchain",
    toolchain = ":runtime_pair",
    toolchain_type = "@bazel_tools//tools/python:toolchain_type",
)

# Locked wheels of the packages the approxmlir wheel needs at run time, for
# tests that install it into a fresh venv offline (pip --find-links).
filegroup(
    name = "wheelhouse",
    srcs = glob(["wheelhouse/*.whl"]),
)
"""

def _find_base_python(rctx):
    explicit = rctx.os.environ.get("APPROXMLIR_PYTHON")
    candidates = [explicit] if explicit else ["python3.11", "python3"]
    for name in candidates:
        path = rctx.which(name) if not name.startswith("/") else rctx.path(name)
        if not path or not path.exists:
            continue
        probe = rctx.execute([path, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"])
        if probe.return_code == 0 and probe.stdout.strip() == rctx.attr.python_version:
            return path
    fail(("approxmlir needs CPython {v} with the venv module to build its Python " +
          "environment, and found none (tried {c}). On Debian/Ubuntu run " +
          "`sudo apt-get install python3 python3-venv` (Debian 12 ships {v}), or set " +
          "APPROXMLIR_PYTHON to a python{v} interpreter.").format(
        v = rctx.attr.python_version,
        c = ", ".join(candidates),
    ))

def _locked_requirement(lock_text, name):
    """The lock's entry for `name` (the pin line and its hash lines)."""
    lines = lock_text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(name + "=="):
            entry = [line]
            for follow in lines[i + 1:]:
                if not follow.startswith(" "):
                    break
                entry.append(follow)
            return "\n".join(entry)
    fail("%s is not in the requirements lock" % name)

def _download_wheelhouse(rctx, python, lock):
    requirements = [_locked_requirement(rctx.read(lock), name) for name in rctx.attr.wheelhouse]
    rctx.file("wheelhouse.txt", "\n".join(requirements) + "\n")
    result = rctx.execute(
        [python, "-m", "pip", "download", "--disable-pip-version-check", "--no-input",
         "--no-deps", "--require-hashes", "-r", "wheelhouse.txt", "-d", "wheelhouse"],
        timeout = rctx.attr.timeout,
    )
    if result.return_code != 0:
        fail("pip could not download the wheelhouse:\n" + result.stderr[-4000:])

def _python_venv_impl(rctx):
    lock = rctx.path(rctx.attr.requirements_lock)
    base_python = _find_base_python(rctx)
    venv = rctx.path("venv")
    python = str(venv) + "/bin/python3"

    result = rctx.execute([base_python, "-m", "venv", "--clear", str(venv)], quiet = False)
    if result.return_code != 0:
        fail("creating the venv failed:\n" + result.stderr)

    rctx.report_progress("Installing the pinned Python packages (first build only, ~2 min)")
    result = rctx.execute(
        [
            python,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--require-hashes",
            "-r",
            str(lock),
        ],
        timeout = rctx.attr.timeout,
        quiet = False,
    )
    if result.return_code != 0:
        fail("pip could not install {lock} into the project venv:\n{err}".format(
            lock = rctx.attr.requirements_lock,
            err = result.stderr[-4000:],
        ))

    _download_wheelhouse(rctx, python, lock)
    rctx.file("BUILD.bazel", _TOOLCHAIN_BUILD.format(python = python))

python_venv = repository_rule(
    implementation = _python_venv_impl,
    attrs = {
        "requirements_lock": attr.label(allow_single_file = True, mandatory = True),
        "python_version": attr.string(default = "3.11"),
        "wheelhouse": attr.string_list(doc = "Locked packages whose wheels to keep in wheelhouse/"),
        "timeout": attr.int(default = 3600),
    },
    environ = ["APPROXMLIR_PYTHON"],
    local = False,
)
