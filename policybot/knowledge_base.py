"""The knowledge base and its index as the application sees them.

Building and loading are apart: `build_all` (the `policybot build` command, which `make run` and `make test` run
first) parses the guide and builds the index when their inputs changed; `load_all` only loads, and a missing,
damaged or stale build is a BuildUnavailable error naming the command to run. A serving process never parses the
guide or trains the embedding model."""

from __future__ import annotations

import logging

from index.store import Index, IndexUnavailable, build_index, inputs_hash, is_current, load_index, read_manifest
from knowledge import store
from knowledge.errors import BUILD_COMMAND, BuildUnavailable
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


def records(cfg: Settings | None = None) -> list[Record]:
    """The saved records. BuildUnavailable when they are missing, or when the sources or curated files changed
    since they were built."""
    cfg = cfg or settings()
    recs = store.load(cfg.knowledge_base)
    if is_stale(cfg):
        raise BuildUnavailable(f"{cfg.knowledge_base}: built from other sources or curated files than the "
                               f"current ones; run {BUILD_COMMAND}")
    return recs


def load_all(cfg: Settings | None = None) -> tuple[list[Record], Index]:
    """Knowledge base and index, loaded only: BuildUnavailable when either is missing, damaged or stale."""
    cfg = cfg or settings()
    recs = records(cfg)
    manifest = read_manifest(cfg.index_dir)
    if manifest.get("inputs_hash") != inputs_hash(knowledge_hash(cfg), cfg.embedding_model):
        raise IndexUnavailable(f"{cfg.index_dir}: built from another knowledge base, vocabulary or embedding "
                               f"model than the current ones; run {BUILD_COMMAND}")
    return recs, load_index(cfg.index_dir, recs)


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
        model_cache=cfg.model_cache,
        facts=load_facts(),
        fields=load_fields(),
    )
    return recs, index, True
