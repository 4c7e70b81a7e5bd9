"""Lexical retrieval: BM25 (bm25s) over the passages' index terms."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Sequence

import bm25s
import numpy as np


class LexicalIndex:
    """BM25 scores of every passage for a list of query terms, plus the document frequencies behind them."""

    def __init__(self, bm25: bm25s.BM25, doc_freq: dict[str, int], n_docs: int):
        self.bm25 = bm25
        self.doc_freq = doc_freq
        self.n_docs = n_docs

    @classmethod
    def build(cls, corpus_terms: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> "LexicalIndex":
        bm25 = bm25s.BM25(k1=k1, b=b)
        bm25.index([list(t) for t in corpus_terms], show_progress=False)
        doc_freq = Counter(t for terms in corpus_terms for t in set(terms))
        return cls(bm25, dict(doc_freq), len(corpus_terms))

    def idf(self, term: str) -> float:
        """BM25's idf; a term no passage contains gets the largest possible value."""
        df = self.doc_freq.get(term, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        known = [t for t in terms if t in self.doc_freq]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.bm25.save(str(directory))
        (directory / "doc_freq.json").write_text(
            json.dumps({"n_docs": self.n_docs, "doc_freq": self.doc_freq}, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        meta = json.loads((directory / "doc_freq.json").read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(directory), mmap=False)
        return cls(bm25, meta["doc_freq"], meta["n_docs"])
