from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import ROOT


def run_cli(*args, tmp_path):
    env = dict(os.environ, POLICYBOT_KNOWLEDGE_BASE=str(tmp_path / "kb.json"))
    return subprocess.run([sys.executable, "-m", "policybot.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def test_show_all_json_prints_56_records(tmp_path):
    done = run_cli("show", "--all", "--json", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data) == 56
    first = data[0]
    assert {"id", "title", "category", "sections", "contacts", "first_line", "last_line", "aliases",
            "audience"} <= set(first)
    assert first["contacts"][0] == {"label": "阿拉善左旗", "phone": "0483-8229456", "person": None,
                                    "region": "阿拉善左旗", "line": first["contacts"][0]["line"]}


def test_show_one_entry_as_text_and_json(tmp_path):
    text = run_cli("show", "17", tmp_path=tmp_path)
    assert text.returncode == 0
    assert "国家高新技术企业服务指南" in text.stdout and "0483-8331872" in text.stdout
    one = json.loads(run_cli("show", "17", "--json", tmp_path=tmp_path).stdout)
    assert one["id"] == 17 and "高企" in one["aliases"]


def test_show_unknown_entry_is_a_clear_error(tmp_path):
    done = run_cli("show", "99", tmp_path=tmp_path)
    assert done.returncode == 2 and "1–56" in done.stderr
