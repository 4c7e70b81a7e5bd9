from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import ROOT
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _built(built):
    """The commands below only load what `policybot build` made."""


def run_cli(*args, **env):
    return subprocess.run([sys.executable, "-m", "ops.cli", *args], cwd=ROOT, env=dict(os.environ, **env),
                          capture_output=True, text=True)


def test_a_missing_build_is_a_clear_error_not_a_build(tmp_path):
    kb = tmp_path / "kb.json"
    done = run_cli("ask", "高企有什么奖励", POLICYBOT_KNOWLEDGE_BASE=str(kb))
    assert done.returncode == 1 and "run `make build` (or `policybot build`)" in done.stderr
    assert not kb.exists()


def test_show_all_json_prints_56_records():
    done = run_cli("show", "--all", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data) == 56
    first = data[0]
    assert {"id", "title", "category", "sections", "contacts", "first_line", "last_line", "aliases",
            "audience"} <= set(first)
    assert first["contacts"][0] == {"label": "阿拉善左旗", "phone": "0483-8229456", "person": None,
                                    "region": "阿拉善左旗", "line": first["contacts"][0]["line"]}


def test_show_one_entry_as_text_and_json():
    text = run_cli("show", "17")
    assert text.returncode == 0
    assert "国家高新技术企业服务指南" in text.stdout and "0483-8331872" in text.stdout
    one = json.loads(run_cli("show", "17", "--json").stdout)
    assert one["id"] == 17 and "高企" in one["aliases"]


def test_show_unknown_entry_is_a_clear_error():
    done = run_cli("show", "99")
    assert done.returncode == 2 and "1–56" in done.stderr


def test_ask_json_has_the_answer_keys():
    done = run_cli("ask", "额济纳旗申报战新资金找谁", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"policy", "title", "field", "answer", "contacts", "citation", "alternatives"} <= set(data)
    assert data["policy"] == 1 and data["field"] == "contact"
    assert data["contacts"][0]["phone"] == "0483-6521855"


def test_ask_out_of_scope_has_null_policy():
    data = json.loads(run_cli("ask", "北京的房价是多少", "--json").stdout)
    assert data["policy"] is None and data["title"] is None


def test_search_lists_ranked_entries_with_passages():
    data = json.loads(run_cli("search", "高企奖励", "-k", "3", "--json").stdout)
    assert len(data["hits"]) == 3 and data["hits"][0]["policy"] == 17
    assert data["hits"][0]["passages"] and "score" in data["hits"][0]


def test_eval_prints_failures_then_a_json_line(tmp_path):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(
        '{"id":"a","q":"高新技术企业认定有什么奖励","policy":17,"field":"amount","expect":["15万元"]}\n'
        '{"id":"b","q":"护照在哪里办理","policy":null,"field":"none","expect":[]}\n'
        '{"id":"c","q":"高新技术企业认定有什么奖励","policy":3,"field":"amount","expect":["不存在的字"]}\n',
        encoding="utf-8")
    done = run_cli("eval", "--questions", str(qfile), "--json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    for key in ("n", "top1", "recall3", "answer_fact_accuracy", "oos_precision", "oos_recall", "p50_ms", "p95_ms"):
        assert key in summary
    assert summary["n"] == 3 and summary["top1"] == 0.5
    assert any(l.startswith("FAIL c") for l in lines[:-1])


def test_eval_of_a_bad_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    done = run_cli("eval", "--questions", str(bad))
    assert done.returncode == 2 and "bad.jsonl:1" in done.stderr
