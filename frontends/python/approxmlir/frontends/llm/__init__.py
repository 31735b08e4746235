"""approxmlir.frontends.llm: Gemma 3 and Qwen2 (text) in JAX, for the compound-AI benchmarks.

The model programs; the engine that compiles and runs them through IREE is
`approxmlir.runtime.llm` (its README.md has the measurements).

Modules (import what you need; nothing heavy is imported here):
- `config`: `DecoderConfig` (either architecture) and the parameter pytree's layout;
- `gguf_loader`: config and float32 params from a GGUF (the packaged Gemma 3
  270M and Qwen2.5 0.5B files via `packaged_gguf_path(model)`);
  `safetensors_loader`: the same from a Hugging Face Gemma 3 checkpoint;
- `tokenizer`: the model's tokenizer, built from the GGUF by transformers;
- `decoder`: the model (`DecoderModel.prefill` / `decode_step`, fixed-size KV
  cache) and `select_layers`;
- `qa`: few-shot short-answer QA with the "qwen", "pro" and "fast" variants
  (scored with `approxmlir.qos`);
- `reference`: transformers' PyTorch model on the same GGUF (for checks);
- `testing`: tiny models and files for tests.
"""
