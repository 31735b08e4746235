"""libtorch (from the project venv's torch wheel) and HDF5 (Debian's libhdf5-dev) as Bazel repositories.

Bazel rejects absolute include paths, so headers and shared libraries are
symlinked into each repository and wrapped in `cc_library` targets, as
`third_party/llvm` does for LLVM. libtorch is the one inside the pinned torch
wheel, so C++ inference and Python training use the same build of torch.
"""

_LIBTORCH_BUILD = """\
package(default_visibility = ["//visibility:public"])

cc_library(
    name = "libtorch",
    srcs = ["lib/libtorch.so", "lib/libtorch_cpu.so", "lib/libc10.so"],
    hdrs = glob(["include/**/*.h", "include/**/*.hpp", "include/**/*.cuh"], allow_empty = True),
    includes = ["include", "include/torch/csrc/api/include"],
    # The wheel is built with the C++11 ABI; the rpath finds its libraries
    # (and their own dependencies, e.g. libgomp) where pip installed them.
    defines = ["_GLIBCXX_USE_CXX11_ABI=1"],
    linkopts = ["-Wl,-rpath,{lib}"],
)
"""

_HDF5_BUILD = """\
package(default_visibility = ["//visibility:public"])

cc_library(
    name = "hdf5",
    srcs = ["lib/libhdf5_serial.so"],
    hdrs = glob(["include/*.h"]),
    includes = ["include"],
    linkopts = ["-Wl,-rpath,{lib}"],
)
"""

def _libtorch_configure_impl(rctx):
    venv_root = rctx.path(Label("@approx_py//:BUILD.bazel")).dirname
    torch = venv_root.get_child("venv").get_child("lib").get_child(
        "python" + rctx.attr.python_version,
    ).get_child("site-packages").get_child("torch")
    if not torch.get_child("include").get_child("torch").get_child("script.h").exists:
        fail("libtorch headers not found in %s: the pinned torch wheel should ship them" % torch)
    rctx.symlink(torch.get_child("include"), "include")
    for name in ["libtorch.so", "libtorch_cpu.so", "libc10.so"]:
        rctx.symlink(torch.get_child("lib").get_child(name), "lib/" + name)
    rctx.file("BUILD.bazel", _LIBTORCH_BUILD.format(lib = torch.get_child("lib")))

libtorch_configure = repository_rule(
    implementation = _libtorch_configure_impl,
    attrs = {"python_version": attr.string(default = "3.11")},
)

_HDF5_HINT = "On Debian/Ubuntu run `./bazelw` (it installs it) or `sudo apt-get install libhdf5-dev`."

def _hdf5_configure_impl(rctx):
    multiarch = rctx.execute(["gcc", "-print-multiarch"]).stdout.strip() or "x86_64-linux-gnu"
    include = rctx.path("/usr/include/hdf5/serial")
    lib = rctx.path("/usr/lib/%s/hdf5/serial" % multiarch)
    if not include.get_child("hdf5.h").exists or not lib.get_child("libhdf5.so").exists:
        fail("HDF5 (serial) not found in %s and %s. %s" % (include, lib, _HDF5_HINT))
    rctx.symlink(include, "include")
    rctx.symlink(lib.get_child("libhdf5.so"), "lib/libhdf5_serial.so")
    rctx.file("BUILD.bazel", _HDF5_BUILD.format(lib = lib))

hdf5_configure = repository_rule(
    implementation = _hdf5_configure_impl,
    local = True,
)
