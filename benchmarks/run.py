"""Entry point of `//benchmarks:<kernel>`: the tuned artifact against the exact one."""

import importlib

from absl import app, flags

from approxbench.run_main import run_main

KERNEL = flags.DEFINE_string("kernel", None, "Kernel benchmark module in approxbench.", required=True)


def main(argv):
    del argv
    return run_main(importlib.import_module(f"approxbench.{KERNEL.value}").BENCHMARK)


if __name__ == "__main__":
    app.run(main)
