"""Dense text embeddings, whatever the model: the project's own static model (fed pre-segmented text, run with
numpy by index/static_encoder.py) or any sentence-transformers model named by a hub id or a local directory."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Sequence

import numpy as np

from knowledge.errors import PolicybotError

from .segment import Segmenter
from .static_encoder import StaticEncoder

log = logging.getLogger(__name__)

BUILTIN = "builtin"  # the default: index.static_model builds it into the index directory


class EmbeddingModelError(PolicybotError):
    """The configured embedding model cannot be loaded."""


class SentenceTransformerModel:
    """A sentence-transformers model behind the interface StaticEncoder has."""

    def __init__(self, model):
        self.model = model

    def vocabulary(self) -> dict[str, int]:
        return self.model[0].tokenizer.get_vocab()

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def nbytes(self) -> int:
        return sum(p.numel() * p.element_size() for p in self.model.parameters())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.encode(list(texts), batch_size=64, convert_to_numpy=True, normalize_embeddings=True,
                                 show_progress_bar=False)


class Embedder:
    """Encodes texts into L2-normalised float32 vectors."""

    def __init__(self, model: StaticEncoder | SentenceTransformerModel, segmenter: Segmenter | None, name: str):
        self.model = model
        self.segmenter = segmenter
        self.name = name
        self._vocab: dict[str, int] | None = model.vocabulary() if segmenter is not None else None

    def _prepare(self, texts: Sequence[str]) -> list[str]:
        if self.segmenter is None:
            return list(texts)
        return [" ".join(self.segmenter.embedding_tokens(t, self._vocab)) for t in texts]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.ascontiguousarray(self.model.encode(self._prepare(texts)), dtype=np.float32)

    @property
    def dimension(self) -> int:
        return self.model.dimension

    @property
    def nbytes(self) -> int:
        """The model's weights."""
        return self.model.nbytes


def load_embedder(spec: str, model_dir: Path, segmenter: Segmenter) -> Embedder:
    """The model named by `spec`: "builtin" (the static model in `model_dir`), a local directory, or a hub id.

    A hub id is only fetched where the hub is reachable and HF_HUB_OFFLINE is not set; on this project's machines
    the built-in model is the default and nothing is downloaded.
    """
    path = model_dir if spec == BUILTIN else Path(spec).expanduser()
    if spec == BUILTIN:
        try:
            model: StaticEncoder | SentenceTransformerModel = StaticEncoder.load(path)
        except Exception as exc:  # json, safetensors and tokenizers raise their own kinds; all mean "no model here"
            raise EmbeddingModelError(f"embedding model {spec!r} cannot be loaded from {path}: {exc}") from exc
    else:
        from sentence_transformers import SentenceTransformer

        try:
            if path.is_dir():
                st = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            else:
                from huggingface_hub.constants import HF_HUB_OFFLINE  # the hub library's own reading of it

                st = SentenceTransformer(spec, device="cpu", local_files_only=bool(HF_HUB_OFFLINE))
        except Exception as exc:  # sentence-transformers raises many kinds; all mean "no model here"
            raise EmbeddingModelError(f"embedding model {spec!r} cannot be loaded from {path}: {exc}") from exc
        model = SentenceTransformerModel(st)
    meta_file = path / "policybot.json"
    segmented = False
    if meta_file.exists():
        segmented = json.loads(meta_file.read_text(encoding="utf-8")).get("input") == "segmented"
    return Embedder(model, segmenter if segmented else None, spec)
