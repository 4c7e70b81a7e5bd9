"""Dense retrieval: passage embeddings in a FAISS inner-product index (vectors are L2-normalised, so inner
product is cosine similarity)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from .embedding import Embedder


class DenseIndex:
    def __init__(self, index: faiss.Index, embedder: Embedder | None = None):
        self.index = index
        self.embedder = embedder

    @classmethod
    def build(cls, vectors: np.ndarray, embedder: Embedder | None = None) -> "DenseIndex":
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        return cls(index, embedder)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search_vector(self, vector: np.ndarray, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        k = self.size if k is None else min(k, self.size)
        scores, ids = self.index.search(np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32), k)
        return scores[0], ids[0]

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of the text with every passage, in passage order."""
        if self.embedder is None:
            raise RuntimeError("this dense index has no embedder to encode questions")
        return self.scores_for(self.embedder.encode([text])[0])

    def scores_for(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of an encoded text with every passage, in passage order."""
        sims, ids = self.search_vector(vector)
        out = np.zeros(self.size, dtype=np.float32)
        out[ids] = sims
        return out

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, embedder: Embedder | None = None) -> "DenseIndex":
        return cls(faiss.read_index(str(path)), embedder)
