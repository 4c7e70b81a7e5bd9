"""The built-in static model (index/static_model.py saves it as StaticEmbedding → Dense → Normalize, a plain
sentence-transformers directory) run with numpy: a text's vector is the mean of its tokens' rows, times the
linear map, normalised. Serving needs nothing more, so a serving process does not import sentence-transformers
(with transformers, scikit-learn and scipy, ~170 MB resident) or torch; building and hub models still use them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

MODULES = ("StaticEmbedding", "Dense", "Normalize")  # the class names modules.json must list, in this order


class StaticEncoder:
    def __init__(self, tokenizer: Tokenizer, embedding: np.ndarray, linear: np.ndarray):
        self.tokenizer = tokenizer
        self.embedding = embedding  # (vocabulary, dims), row 0 is [UNK]
        self.linear = linear  # (out, in), as torch's Linear stores it

    @classmethod
    def load(cls, directory: Path) -> "StaticEncoder":
        """Raises ValueError when the directory holds another kind of model."""
        directory = Path(directory)
        modules = json.loads((directory / "modules.json").read_text(encoding="utf-8"))
        if tuple(m["type"].rsplit(".", 1)[-1] for m in modules) != MODULES:
            raise ValueError(f"{directory} is not a {' → '.join(MODULES)} model")
        dense_dir = directory / modules[1]["path"]
        dense = json.loads((dense_dir / "config.json").read_text(encoding="utf-8"))
        if dense.get("bias") or not dense.get("activation_function", "").endswith("Identity"):
            raise ValueError(f"{dense_dir}: only a linear map without bias is supported")
        embedding = load_file(str(directory / "model.safetensors"))["embedding.weight"]
        linear = load_file(str(dense_dir / "model.safetensors"))["linear.weight"]
        return cls(Tokenizer.from_file(str(directory / "tokenizer.json")), embedding, linear)

    def vocabulary(self) -> dict[str, int]:
        return self.tokenizer.get_vocab()

    @property
    def dimension(self) -> int:
        return int(self.linear.shape[0])

    @property
    def nbytes(self) -> int:
        return int(self.embedding.nbytes + self.linear.nbytes)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors; a text without known tokens is the zero vector (as StaticEmbedding's
        empty bag)."""
        pooled = np.zeros((len(texts), self.embedding.shape[1]), dtype=np.float32)
        for i, encoding in enumerate(self.tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            if encoding.ids:
                pooled[i] = self.embedding[encoding.ids].mean(axis=0)
        # numpy's own loop, not BLAS: a BLAS thread pool costs more than this small product saves
        vectors = np.einsum("ij,kj->ik", pooled, self.linear)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
