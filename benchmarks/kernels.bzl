"""The targets of one kernel benchmark (see benchmarks/README.md)."""

load("//frontends:defs.bzl", "approx_cc_library")

def kernel_benchmark(name, data = [], test_data = None, test_env = {}, tags = []):
    """`<name>_exact`/`<name>_tuned` libraries, `<name>_tune`, `<name>`, `<name>_test`.

    `data`: inputs the driver reads at run time (e.g. ":qa_dataset");
    `test_data`/`test_env`: the test's instead (default: `data`, no env);
    `tags`: for the tune and run binaries (e.g. "manual" when their inputs
    take minutes to build).
    """
    approx_cc_library(
        name = name + "_exact",
        src = "c/%s.c" % name,
    )
    approx_cc_library(
        name = name + "_tuned",
        src = "c/%s.c" % name,
        config = "tuned/%s.json" % name,
    )
    native.py_binary(
        name = name + "_tune",
        srcs = ["tune.py"],
        main = "tune.py",
        args = ["--kernel=" + name],
        data = ["c/%s.c" % name] + data,
        tags = tags,
        deps = [":approxbench"],
    )
    native.py_binary(
        name = name,
        srcs = ["run.py"],
        main = "run.py",
        args = ["--kernel=" + name],
        data = [":%s_exact" % name, ":%s_tuned" % name] + data,
        tags = tags,
        deps = [":approxbench"],
    )
    native.py_test(
        name = name + "_test",
        size = "medium",
        srcs = ["python/tests/%s_test.py" % name],
        data = ["c/%s.c" % name] + (data if test_data == None else test_data),
        env = test_env,
        deps = [":approxbench"],
    )
