"""The default embedding model is a plain sentence-transformers model the build makes on this machine."""

from __future__ import annotations

import json

import numpy as np
from sentence_transformers import SentenceTransformer


def test_model_directory_loads_with_sentence_transformers(assistant):
    model_dir = assistant.index.directory / "model"
    meta = json.loads((model_dir / "policybot.json").read_text(encoding="utf-8"))
    assert meta["id"] == "policybot-static-zh" and meta["input"] == "segmented"
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    v = model.encode(["高新技术 企业 奖励"], normalize_embeddings=True)
    assert v.shape == (1, 256) and abs(float(np.linalg.norm(v)) - 1) < 1e-4


def test_embeddings_put_paraphrases_near_their_entry(assistant):
    emb = assistant.index.embedder
    q = emb.encode(["招了个退伍兵能抵多少税"])[0]
    veteran_hire = emb.encode(["企业吸纳退役士兵税费减免政策 招用自主就业退役士兵 扣减增值税"])[0]
    ostrich = emb.encode(["鸵鸟孵化基地建设补贴 按照建筑面积每平方米500元"])[0]
    assert q @ veteran_hire > q @ ostrich + 0.2
