"""Serving only loads: a missing or stale knowledge base or index is a BuildUnavailable error naming the command
to run, and nothing is built or written while loading."""

from __future__ import annotations

import json
import shutil

import pytest

import policybot.assistant as assistant_module
from index.store import FORMAT, MANIFEST
from knowledge import store
from knowledge.errors import BuildUnavailable
from policybot import knowledge_base
from policybot.settings import load as load_settings

from .conftest import GUIDE, ROOT


@pytest.fixture
def cfg(tmp_path):
    """Settings over a private copy of the guide, with nothing built yet."""
    source = tmp_path / "guide.txt"
    shutil.copy(GUIDE, source)
    return load_settings(ROOT, env={
        "POLICYBOT_SOURCES": str(source),
        "POLICYBOT_KNOWLEDGE_BASE": str(tmp_path / "kb.json"),
        "POLICYBOT_INDEX_DIR": str(tmp_path / "index"),
    })


def test_a_missing_knowledge_base_names_the_build_command_and_is_not_built(cfg):
    with pytest.raises(BuildUnavailable, match="make build") as err:
        knowledge_base.load_all(cfg)
    assert str(cfg.knowledge_base) in str(err.value)
    assert not cfg.knowledge_base.exists() and not cfg.index_dir.exists()


def test_a_stale_knowledge_base_is_not_rebuilt(cfg):
    knowledge_base.build(cfg)
    before = cfg.knowledge_base.read_bytes()
    source = cfg.sources[0]
    source.write_text(source.read_text(encoding="utf-8").replace("0483-8351369", "0483-8351370"), encoding="utf-8")
    with pytest.raises(BuildUnavailable, match="other sources"):
        knowledge_base.records(cfg)
    assert cfg.knowledge_base.read_bytes() == before


def test_a_missing_index_is_not_built(cfg):
    knowledge_base.build(cfg)
    with pytest.raises(BuildUnavailable, match="no index"):
        knowledge_base.load_all(cfg)
    assert not cfg.index_dir.exists()


def test_an_index_of_other_inputs_is_stale(cfg):
    knowledge_base.build(cfg)
    cfg.index_dir.mkdir()
    (cfg.index_dir / MANIFEST).write_text(json.dumps({"format": FORMAT, "inputs_hash": "other"}), encoding="utf-8")
    with pytest.raises(BuildUnavailable, match="make build") as err:
        knowledge_base.load_all(cfg)
    assert "other knowledge base" in str(err.value)
    assert [p.name for p in cfg.index_dir.iterdir()] == [MANIFEST]


def test_get_assistant_loads_only(cfg, monkeypatch):
    monkeypatch.setattr(assistant_module, "_assistant", None)
    monkeypatch.setattr(knowledge_base, "settings", lambda: cfg)
    with pytest.raises(BuildUnavailable):
        assistant_module.get_assistant()
    assert not cfg.knowledge_base.exists() and not cfg.index_dir.exists()


def test_the_project_build_loads(built):
    records, index = knowledge_base.load_all()
    assert len(records) == 56 and index.manifest["entries"] == 56
    assert store.load(knowledge_base.settings().knowledge_base)
