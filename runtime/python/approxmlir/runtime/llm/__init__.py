"""approxmlir.runtime.llm: the engine that runs `approxmlir.frontends.llm`'s models.

Modules (import what you need; nothing heavy is imported here, and
`approxmlir.runtime` does not import this package, so jax stays optional):
- `generation`: greedy generation over any backend and the XLA backend (`JaxDecoder`);
- `iree_backend`: the IREE engine (`IreeDecoder`): one module per model, weights as
  IREE parameters, chunked prefill, prefix reuse, batched decoding;
- `parameters`: linking the exported entry points into that module, and the
  weights' parameter index or archive.
`bazel run //benchmarks:llm_engine` measures the engine against XLA.
"""
