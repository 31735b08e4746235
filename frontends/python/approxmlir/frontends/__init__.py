"""Frontends: source languages to MLIR with approx knobs (`approxmlir.frontends.c`)."""
