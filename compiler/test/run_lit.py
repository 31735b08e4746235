"""Entry point of the per-file lit tests: runs lit with the given arguments."""

import sys

import lit.main

if __name__ == "__main__":
    sys.exit(lit.main.main())
