"""The knowledge base and its index as the application sees them: built when missing or stale, loaded once."""

from __future__ import annotations

import logging
from pathlib import Path

from index.store import Index, IndexUnavailable, build_index, is_current, load_index
from knowledge import store
from knowledge.records import Record
from knowledge.vocab import load_facts, load_fields

from .settings import Settings, settings

log = logging.getLogger(__name__)


def knowledge_hash(cfg: Settings) -> str:
    return store.inputs_hash(cfg.sources, store.curated_files())


def is_stale(cfg: Settings) -> bool:
    """True when the saved knowledge base is absent or was built from other inputs than the current ones."""
    return store.stored_hash(cfg.knowledge_base) != knowledge_hash(cfg)


def build(cfg: Settings | None = None) -> list[Record]:
    cfg = cfg or settings()
    return store.build(cfg.sources, cfg.knowledge_base)


def records(cfg: Settings | None = None, *, rebuild_if_stale: bool = True) -> list[Record]:
    """The records, rebuilding first when the sources or curated files changed since the last build."""
    cfg = cfg or settings()
    if rebuild_if_stale and is_stale(cfg):
        return build(cfg)
    return store.load(Path(cfg.knowledge_base))


def build_all(cfg: Settings | None = None, *, force: bool = False) -> tuple[list[Record], Index, bool]:
    """Knowledge base and index, each rebuilt only when its inputs changed (or `force`).

    Returns the records, the index, and whether the index was rebuilt.
    """
    cfg = cfg or settings()
    recs = build(cfg) if force or is_stale(cfg) else store.load(cfg.knowledge_base)
    kb_hash = knowledge_hash(cfg)
    if not force and is_current(cfg.index_dir, kb_hash, cfg.embedding_model):
        try:
            return recs, load_index(cfg.index_dir, recs), False
        except IndexUnavailable as exc:
            log.warning("rebuilding the index: %s", exc)
    index = build_index(
        recs,
        kb_hash,
        cfg.index_dir,
        model_spec=cfg.embedding_model,
        teacher_cache=cfg.teacher_cache,
        facts=load_facts(),
        fields=load_fields(),
    )
    return recs, index, True
