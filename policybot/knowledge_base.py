"""The knowledge base as the application sees it: built when missing or stale, loaded once."""

from __future__ import annotations

from pathlib import Path

from knowledge import store
from knowledge.records import Record

from .settings import Settings, settings


def is_stale(cfg: Settings) -> bool:
    """True when the saved knowledge base is absent or was built from other inputs than the current ones."""
    current = store.inputs_hash(cfg.sources, store.curated_files())
    return store.stored_hash(cfg.knowledge_base) != current


def build(cfg: Settings | None = None) -> list[Record]:
    cfg = cfg or settings()
    return store.build(cfg.sources, cfg.knowledge_base)


def records(cfg: Settings | None = None, *, rebuild_if_stale: bool = True) -> list[Record]:
    """The records, rebuilding first when the sources or curated files changed since the last build."""
    cfg = cfg or settings()
    if rebuild_if_stale and is_stale(cfg):
        return build(cfg)
    return store.load(Path(cfg.knowledge_base))
