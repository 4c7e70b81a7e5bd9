"""`policybot build` rebuilds the index when its inputs change, and a missing or damaged index file is a clear
error that the next build repairs — never a crash in the middle of a conversation (serving only loads:
tests/test_loading.py)."""

from __future__ import annotations

import os
import shutil

import pytest

from index.store import IndexUnavailable, is_current, load_index
from knowledge import store
from policybot import knowledge_base
from policybot.assistant import Assistant
from policybot.settings import load as load_settings
from knowledge.vocab import load_facts, load_fields

from .conftest import GUIDE, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A knowledge base and index of a private copy of the guide, in a scratch directory."""
    tmp = tmp_path_factory.mktemp("pipeline")
    source = tmp / "guide.txt"
    shutil.copy(GUIDE, source)
    cfg = load_settings(ROOT, env={
        "POLICYBOT_SOURCES": str(source),
        "POLICYBOT_KNOWLEDGE_BASE": str(tmp / "kb.json"),
        "POLICYBOT_INDEX_DIR": str(tmp / "index"),
    })
    records, index, rebuilt = knowledge_base.build_all(cfg)
    assert rebuilt
    return cfg, records, index


def damage(path, how: str) -> None:
    if how == "delete":
        path.unlink()
    elif how == "truncate":
        path.write_bytes(path.read_bytes()[:10])
    elif how == "garbage":
        path.write_bytes(b"\x00\xffnot an index\x00")
    else:  # random bytes in the middle, the size unchanged
        data = bytearray(path.read_bytes())
        at = len(data) // 2
        data[at:at + 64] = os.urandom(64)
        path.write_bytes(bytes(data))
        assert path.stat().st_size == len(data)


@pytest.fixture
def intact(built):
    """The build (and the guide copy) as it was before the test changed it, put back afterwards: each damage is seen
    alone, and no test pays for a rebuild it does not check (one test below checks that a build repairs them all)."""
    cfg = built[0]
    saved = cfg.index_dir.with_name("index-intact")
    shutil.copytree(cfg.index_dir, saved)
    kb, source = cfg.knowledge_base.read_bytes(), cfg.sources[0].read_bytes()
    yield built
    shutil.rmtree(cfg.index_dir)
    saved.rename(cfg.index_dir)
    cfg.knowledge_base.write_bytes(kb)
    cfg.sources[0].write_bytes(source)


DAMAGES = [("dense.faiss", "truncate"), ("passages.json", "garbage"), ("bm25/doc_freq.json", "delete"),
           ("synonyms.json", "truncate")]
# The reproduction: random bytes written into a build file without changing its size passed as up to date,
# and a damaged FAISS file answered 高新技术企业认定 with 车船使用税.
SAME_SIZE = ["dense.faiss", "model/model.safetensors", "bm25/data.csc.index.npy", "passages.json"]


def test_manifest_records_model_sources_and_time(built):
    cfg, _, index = built
    m = index.manifest
    assert m["model"]["id"] == "policybot-static-zh" and m["model"]["dimension"] == 256
    assert m["knowledge_hash"] == knowledge_base.knowledge_hash(cfg)
    assert m["passages"] == index.dense.size > 56
    assert m["built_at"] and m["build_seconds"] > 0


def test_unchanged_inputs_are_not_rebuilt(built):
    cfg, _, index = built
    _, again, rebuilt = knowledge_base.build_all(cfg)
    assert not rebuilt and again.manifest["built_at"] == index.manifest["built_at"]


def test_changed_source_triggers_a_rebuild_and_the_new_text_is_answered(intact):
    cfg, _, _ = intact
    source = cfg.sources[0]
    original = source.read_text(encoding="utf-8")
    source.write_text(original.replace("盟工信局：0483-8351369", "盟工信局：0483-8351370"), encoding="utf-8")
    assert knowledge_base.is_stale(cfg)
    records, index, rebuilt = knowledge_base.build_all(cfg)
    assert rebuilt and is_current(cfg.index_dir, knowledge_base.knowledge_hash(cfg), cfg.embedding_model)
    answer = Assistant(records, index, load_fields(), load_facts()).ask("工业绿色化改造项目咨询电话")
    assert "0483-8351370" in answer.answer and "0483-8351369" not in answer.answer


@pytest.mark.parametrize("name, how", DAMAGES)
def test_a_damaged_index_file_is_named(intact, name, how):
    cfg, records, _ = intact
    damage(cfg.index_dir / name, how)
    with pytest.raises(IndexUnavailable) as err:
        load_index(cfg.index_dir, records)
    assert name.split("/")[0] in str(err.value)


@pytest.mark.parametrize("name", SAME_SIZE)
def test_same_size_random_bytes_are_caught_by_the_checksums(intact, name):
    cfg, records, _ = intact
    damage(cfg.index_dir / name, "random")
    with pytest.raises(IndexUnavailable, match="checksum"):
        load_index(cfg.index_dir, records)


def test_the_next_build_repairs_every_damage(built):
    cfg, _, _ = built
    for name, how in DAMAGES + [(name, "random") for name in SAME_SIZE if name not in dict(DAMAGES)]:
        damage(cfg.index_dir / name, how)
    records, index, rebuilt = knowledge_base.build_all(cfg)
    assert rebuilt and all((cfg.index_dir / name).exists() for name, _ in DAMAGES)
    load_index(cfg.index_dir, records)  # whole again: no error
    assert index.searcher().search("高企").hits[0].entry == 17
    answer = Assistant(records, index, load_fields(), load_facts()).ask("高新技术企业认定有什么奖励")
    assert answer.policy == 17


def test_missing_manifest_is_an_unavailable_index(tmp_path):
    with pytest.raises(IndexUnavailable, match="no index"):
        load_index(tmp_path, [])


def test_a_loaded_assistant_keeps_answering_when_files_go_bad(intact):
    cfg, records, _ = intact
    _, index, _ = knowledge_base.build_all(cfg)
    assistant = Assistant(records, index, load_fields(), load_facts())
    (cfg.index_dir / "dense.faiss").write_bytes(b"broken")
    assert assistant.ask("高新技术企业认定有什么奖励").policy == 17


def test_knowledge_base_missing_is_rebuilt_too(built):
    cfg, _, _ = built
    cfg.knowledge_base.unlink()
    records, index, _ = knowledge_base.build_all(cfg)
    assert len(records) == 56 and store.load(cfg.knowledge_base)


def test_a_damaged_knowledge_base_is_rebuilt(built):
    cfg, _, _ = built
    path = cfg.knowledge_base
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("0483-8331872", "0483-8331873", 1), encoding="utf-8")  # same size, other phone
    assert knowledge_base.is_stale(cfg)
    records, _, _ = knowledge_base.build_all(cfg)
    assert "0483-8331872" in path.read_text(encoding="utf-8") and len(records) == 56
