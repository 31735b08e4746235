"""One Bazel test per lit test file (LLVM's glob_lit_tests is not available offline)."""

def glob_lit_tests(name, runner, tools, data = [], exclude = [], suffix = ".mlir"):
    """Defines `<file>.test` for every test file under this package, and a suite.

    Args:
      name: name of the test_suite holding every generated test.
      runner: the py file that runs lit (its main).
      tools: dict of lit parameter name -> label of the tool it points to.
      data: files every test needs (lit.cfg.py, inputs).
      exclude: globs of files that are not tests.
      suffix: test file suffix.
    """
    tests = []
    for src in native.glob(["**/*" + suffix], exclude = exclude + ["**/Inputs/**"]):
        test_name = src + ".test"
        native.py_test(
            name = test_name,
            srcs = [runner],
            main = runner,
            args = ["-v", "$(rootpath %s)" % src] + [
                "-D%s=$(rootpath %s)" % (param, label)
                for param, label in tools.items()
            ],
            data = [src] + data + tools.values(),
            python_version = "PY3",
            size = "small",
        )
        tests.append(test_name)
    native.test_suite(name = name, tests = tests)
