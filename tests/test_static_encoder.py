"""The built-in model run with numpy (index/static_encoder.py) gives sentence-transformers' vectors, and serving
imports neither sentence-transformers nor torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from index.embedding import EmbeddingModelError, load_embedder
from index.static_encoder import StaticEncoder
from policybot.settings import settings

from .conftest import DATA, ROOT, load_jsonl


def test_same_vectors_as_sentence_transformers(assistant):
    from sentence_transformers import SentenceTransformer

    model_dir = settings().index_dir / "model"
    embedder = assistant.index.embedder
    assert isinstance(embedder.model, StaticEncoder)
    texts = [row["q"] for row in load_jsonl(DATA / "dev_questions.jsonl")]
    texts += [p.text for p in assistant.index.passages[:200]] + ["", "天气怎么样"]
    prepared = embedder._prepare(texts)
    reference = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True).encode(
        prepared, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
    ours = embedder.encode(texts)
    assert ours.shape == reference.shape == (len(texts), 256)
    assert np.abs(ours - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours[:-2], axis=1), 1.0, atol=1e-5)


def test_a_model_of_another_kind_is_refused(tmp_path, assistant):
    (tmp_path / "modules.json").write_text('[{"idx": 0, "name": "0", "path": "", "type": "x.Transformer"}]')
    with pytest.raises(EmbeddingModelError, match="not a StaticEmbedding"):
        load_embedder("builtin", tmp_path, assistant.index.segmenter)


@pytest.mark.slow
def test_serving_imports_neither_torch_nor_sentence_transformers(built):
    probe = ("import sys; from policybot.assistant import get_assistant; "
             "get_assistant().ask('高新技术企业认定有什么奖励'); "
             "print(sorted(m for m in ('torch', 'sentence_transformers', 'sklearn') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
