"""Weight precisions of the decoders: float32 (exact), bfloat16 and int8 (approximations).

Quantization is an approximation like any other: each precision is a model
variant the tuner can choose. The linear layers (and the embedding table,
which also serves as the output projection when it is tied) change
representation; norms, biases and the KV cache stay float32.

- `bfloat16`: weights rounded to bfloat16; activations are cast to
  bfloat16 at each product, accumulated in float32.
- `int8`: symmetric per-output-channel weight scales; activations
  quantized per row with a dynamic scale (max |x| / 127), products
  accumulated in int32 and rescaled to float32 (w8a8, VNNI on x86).
  Measured on one core with IREE: int8 weights dequantized to bfloat16
  inside the graph decode as fast as int8 activations but prefill 7x slower
  (the dequantization is not hoisted out of the matmul), hence w8a8.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from approxmlir.frontends.llm.config import Params

FLOAT32 = "float32"
BFLOAT16 = "bfloat16"
INT8 = "int8"
PRECISIONS = (FLOAT32, BFLOAT16, INT8)

# The parameters that are matrices [out, in] applied by `linear` (per layer),
# and the model-level tables.
LINEAR_NAMES = ("q", "k", "v", "o", "gate", "up", "down")
TABLE_NAMES = ("embed", "lm_head")


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class Int8Weight:
    """A matrix [out, in] as int8 values and one float32 scale per output row."""

    values: jax.Array  # int8 [out, in]
    scales: jax.Array  # float32 [out]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)


def quantize_int8(w: np.ndarray) -> Int8Weight:
    """Symmetric per-row int8: values = round(w / scale), scale = max |w_row| / 127."""
    w = np.asarray(w, np.float32)
    scales = np.abs(w).max(axis=1) / 127.0
    scales = np.where(scales > 0, scales, 1.0).astype(np.float32)
    values = np.clip(np.rint(w / scales[:, None]), -127, 127).astype(np.int8)
    return Int8Weight(values, scales)


def convert_params(params: Params, precision: str) -> Params:
    """`params` (float32) with the linear weights and tables in `precision`."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; expected one of {', '.join(PRECISIONS)}")
    if precision == FLOAT32:
        return params

    def convert(w):
        if precision == BFLOAT16:
            return np.asarray(w, np.float32).astype(jnp.bfloat16)
        return quantize_int8(w)

    out = dict(params)
    for name in TABLE_NAMES:
        if name in params:
            out[name] = convert(params[name])
    out["layers"] = [
        {name: convert(w) if name in LINEAR_NAMES else w for name, w in layer.items()} for layer in params["layers"]
    ]
    return out


def linear(x: jax.Array, w) -> jax.Array:
    """x[T, in] times w[out, in]^T -> float32 [T, out], in w's precision."""
    contract = (((1,), (1,)), ((), ()))
    if isinstance(w, Int8Weight):
        x_scale = jnp.max(jnp.abs(x), axis=1, keepdims=True) / 127.0
        x_scale = jnp.where(x_scale > 0, x_scale, 1.0)
        xq = jnp.clip(jnp.round(x / x_scale), -127, 127).astype(jnp.int8)
        acc = jax.lax.dot_general(xq, w.values, contract, preferred_element_type=jnp.int32)
        return acc.astype(jnp.float32) * x_scale * w.scales[None, :]
    if w.dtype == jnp.bfloat16:
        return jax.lax.dot_general(x.astype(jnp.bfloat16), w, contract, preferred_element_type=jnp.float32)
    return jax.lax.dot_general(x, w, contract, preferred_element_type=jnp.float32)


def take_rows(table, ids: jax.Array) -> jax.Array:
    """float32 rows `ids` of an embedding table in any precision."""
    if isinstance(table, Int8Weight):
        return jnp.take(table.values, ids, axis=0).astype(jnp.float32) * jnp.take(table.scales, ids)[:, None]
    return jnp.take(table, ids, axis=0).astype(jnp.float32)


def select_rows(table, ids: jax.Array):
    """The sub-table of rows `ids`, in the table's precision (for candidate-restricted logits)."""
    if isinstance(table, Int8Weight):
        return Int8Weight(jnp.take(table.values, ids, axis=0), jnp.take(table.scales, ids))
    return jnp.take(table, ids, axis=0)
