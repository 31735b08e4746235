"""Entry point of `//benchmarks:<kernel>_tune` (the kernel comes from --kernel)."""

import importlib

from absl import app, flags

from approxbench.tune_main import tune_main

KERNEL = flags.DEFINE_string("kernel", None, "Kernel benchmark module in approxbench.", required=True)


def main(argv):
    del argv
    return tune_main(importlib.import_module(f"approxbench.{KERNEL.value}").BENCHMARK)


if __name__ == "__main__":
    app.run(main)
