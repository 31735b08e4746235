"""approxmlir.runtime.llm: the engine that runs `approxmlir.frontends.llm`'s models.

Modules (import what you need; nothing heavy is imported here, and
`approxmlir.runtime` does not import this package, so jax stays optional):
- `generation`: greedy generation over any backend and the plain-JAX backend;
- `iree_backend`: jax.export -> IREE compile (cached) -> IREE runtime;
- `measure`: the numbers in README.md (`python -m approxmlir.runtime.llm.measure`).
"""
