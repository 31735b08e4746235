"""Module extension for Bazel 7+ (Bzlmod): the repositories WORKSPACE declares."""

load("//third_party/data:repositories.bzl", "approx_data_repositories")
load("//third_party/llvm:llvm_configure.bzl", "llvm_configure")
load("//third_party/native:native_libraries.bzl", "hdf5_configure", "libtorch_configure")
load("//third_party/python:python_venv.bzl", "python_venv")

def _approx_deps_impl(_module_ctx):
    approx_data_repositories()
    llvm_configure(name = "llvm_project")
    python_venv(
        name = "approx_py",
        requirements_lock = "//third_party/python:requirements_lock.txt",
        wheelhouse = ["absl-py", "argparse", "libclang", "numpy"],
    )
    libtorch_configure(name = "libtorch")
    hdf5_configure(name = "hdf5")

approx_deps = module_extension(implementation = _approx_deps_impl)
