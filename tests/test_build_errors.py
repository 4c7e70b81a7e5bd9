"""Bad sources stop the build with the file and entry named, and leave the previous build in place."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from knowledge import store
from knowledge.errors import KnowledgeBaseMissing, SourceError

from .conftest import GUIDE, ROOT


def guide_lines() -> list[str]:
    return GUIDE.read_text(encoding="utf-8").split("\n")


def write(tmp_path, lines, name="guide.txt"):
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_missing_source(tmp_path):
    with pytest.raises(SourceError) as err:
        store.build([tmp_path / "nope.txt"], tmp_path / "kb.json")
    assert "nope.txt" in str(err.value)
    assert not (tmp_path / "kb.json").exists()


def test_not_utf8(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(GUIDE.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(SourceError) as err:
        store.build([path], tmp_path / "kb.json")
    assert "gbk.txt" in str(err.value) and "UTF-8" in str(err.value)


def test_unreadable_source(tmp_path):
    with pytest.raises(SourceError) as err:
        store.build([tmp_path], tmp_path / "kb.json")  # a directory is not a readable file
    assert str(tmp_path) in str(err.value)


def test_body_missing_for_an_entry_names_it(tmp_path):
    lines = guide_lines()
    # Drop the body of entry 20 (技术合同认定登记): from its 一、办理依据 to the next entry's.
    starts = [i for i, l in enumerate(lines) if re.match(r"^一、\s*(办理依据|适用范围)\s*$", l)]
    a, b = starts[19], starts[20]
    path = write(tmp_path, lines[:a] + lines[b:])
    with pytest.raises(SourceError) as err:
        store.build([path], tmp_path / "kb.json")
    assert err.value.entry == 20
    assert "guide.txt" in str(err.value) and "技术合同认定登记" in str(err.value)


def test_toc_title_that_fits_no_body_names_it(tmp_path):
    lines = [l.replace("国家专精特新“小巨人”服务指南", "出入境护照签注办理服务指南") for l in guide_lines()]
    path = write(tmp_path, lines)
    with pytest.raises(SourceError) as err:
        store.build([path], tmp_path / "kb.json")
    assert err.value.entry == 5


def test_toc_numbering_gap_names_the_entry(tmp_path):
    lines = [l for l in guide_lines() if not l.startswith("30. 个人所得税税收优惠政策")]
    path = write(tmp_path, lines)
    with pytest.raises(SourceError) as err:
        store.build([path], tmp_path / "kb.json")
    assert err.value.entry == 31


def test_failed_build_keeps_the_previous_one(tmp_path):
    kb = tmp_path / "kb.json"
    store.build([GUIDE], kb)
    before = kb.read_bytes()
    broken = write(tmp_path, guide_lines()[:2000])
    with pytest.raises(SourceError):
        store.build([broken], kb)
    assert kb.read_bytes() == before
    assert len(store.load(kb)) == 56
    assert not list(tmp_path.glob(".kb.json.*"))  # no temporary file left behind


def test_load_reports_a_missing_or_corrupt_knowledge_base(tmp_path):
    with pytest.raises(KnowledgeBaseMissing):
        store.load(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(KnowledgeBaseMissing):
        store.load(bad)


def test_cli_build_error_is_a_message_not_a_traceback(tmp_path):
    env = {"POLICYBOT_SOURCES": str(tmp_path / "missing.txt"), "POLICYBOT_KNOWLEDGE_BASE": str(tmp_path / "kb.json"),
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "ops.cli", "build"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "missing.txt" in done.stderr and "Traceback" not in done.stderr


def test_a_knowledge_base_changed_after_the_build_is_refused(tmp_path, records):
    from knowledge.errors import KnowledgeBaseMissing

    path = tmp_path / "kb.json"
    store.save(records, path, "hash")
    assert len(store.load(path)) == len(records) and store.stored_hash(path) == "hash"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("15万元", "95万元", 1), encoding="utf-8")  # same size, another amount
    with pytest.raises(KnowledgeBaseMissing, match="checksum"):
        store.load(path)
    assert store.stored_hash(path) is None  # so the application rebuilds it
