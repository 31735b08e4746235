"""Exposes the system LLVM/MLIR 22 (Debian's llvm-22 packages) as a Bazel repository.

Bazel rejects absolute include paths, so the headers, the two shared libraries
(libMLIR holds all of MLIR; link only the dylibs to avoid two copies of MLIR in
one process) and the tools are symlinked into the repository and wrapped in
targets.
"""

_INSTALL_HINT = (
    "On Debian/Ubuntu run `./bazelw` (it installs them) or " +
    "`sudo apt-get install libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22 lld-22`. " +
    "Elsewhere, install LLVM/MLIR 22 and set LLVM_PREFIX to its prefix."
)

# Tools exported as `@llvm_project//:<name>`, from `<prefix>/bin/<file>`.
_TOOLS = {
    "mlir-tblgen": "mlir-tblgen",
    "mlir-opt": "mlir-opt",
    "mlir-translate": "mlir-translate",
    "clang": "clang",
    "FileCheck": "FileCheck",
    "not": "not",
    "count": "count",
}

_BUILD = """\
package(default_visibility = ["//visibility:public"])

cc_library(
    name = "headers",
    hdrs = glob([
        "include/llvm/**",
        "include/llvm-c/**",
        "include/mlir/**",
        "include/mlir-c/**",
    ], exclude = ["**/*.td"]),
    includes = ["include"],
)

filegroup(
    name = "td_files",
    srcs = glob(["include/mlir/**/*.td", "include/llvm/**/*.td"]),
)

cc_import(
    name = "libmlir_so",
    shared_library = "lib/{mlir_so}",
)

cc_import(
    name = "libllvm_so",
    shared_library = "lib/{llvm_so}",
)

# MLIR and LLVM from the system dylibs. The rpath lets binaries copied out of
# bazel-bin (for example into the wheel) still find them.
cc_library(
    name = "mlir",
    linkopts = [
        "-Wl,-rpath,{prefix}/lib",
        "-fuse-ld=lld",
        "-B{prefix}/bin",
    ],
    deps = [
        ":headers",
        ":libllvm_so",
        ":libmlir_so",
    ],
)

{tools}
"""

def _check(rctx, prefix, relative):
    path = rctx.path(prefix + "/" + relative)
    if not path.exists:
        fail("LLVM/MLIR {v} not found: {p} is missing. {hint}".format(
            v = rctx.attr.version,
            p = path,
            hint = _INSTALL_HINT,
        ))
    return path

def _llvm_configure_impl(rctx):
    version = rctx.attr.version
    prefix = rctx.os.environ.get("LLVM_PREFIX", "/usr/lib/llvm-" + version)
    mlir_so = "libMLIR.so.%s.1" % version
    llvm_so = "libLLVM.so.%s.1" % version

    rctx.symlink(_check(rctx, prefix, "include/mlir/IR/Builders.h").dirname.dirname.dirname, "include")
    rctx.symlink(_check(rctx, prefix, "lib/" + mlir_so), "lib/" + mlir_so)
    rctx.symlink(_check(rctx, prefix, "lib/" + llvm_so), "lib/" + llvm_so)
    _check(rctx, prefix, "bin/ld.lld")

    tools = []
    for name, file in _TOOLS.items():
        rctx.symlink(_check(rctx, prefix, "bin/" + file), "bin/" + file)
        tools.append('exports_files(["bin/{f}"])\nalias(name = "{n}", actual = "bin/{f}")\n'.format(f = file, n = name))

    rctx.file("BUILD.bazel", _BUILD.format(
        prefix = prefix,
        mlir_so = mlir_so,
        llvm_so = llvm_so,
        tools = "\n".join(tools),
    ))
    rctx.file("version.bzl", "LLVM_VERSION = %r\nLLVM_PREFIX = %r\n" % (version, prefix))

llvm_configure = repository_rule(
    implementation = _llvm_configure_impl,
    attrs = {"version": attr.string(default = "22")},
    environ = ["LLVM_PREFIX"],
    local = True,
)
