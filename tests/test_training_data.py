"""Rasa training data generated from the knowledge base."""

from __future__ import annotations

import yaml

from knowledge.vocab import facts as load_facts
from knowledge.vocab import fields as load_fields
from bot import training_data

from .conftest import ROOT


def test_lookups_and_synonyms_come_from_the_knowledge_base(records):
    data = training_data.lookups(records, load_facts())
    assert "额济纳" in data["lookup"]["region"] and "高新区" in data["lookup"]["region"]
    assert "高企" in data["lookup"]["policy"] and "崇军贷" in data["lookup"]["policy"]
    assert "个体户" in data["synonym"]["个体工商户"]
    assert "崇军贷" in data["synonym"]["26"]
    # a name two entries share (小微速贷: 23 and 24) maps to neither
    assert all("小微速贷" not in forms for forms in data["synonym"].values())


def test_generated_files_are_valid_rasa_yaml(records, tmp_path):
    domain = tmp_path / "domain.yml"
    domain.write_text((ROOT / "domain.yml").read_text(encoding="utf-8"), encoding="utf-8")
    paths = training_data.write(records, load_facts(), load_fields(), tmp_path, domain)
    for path in paths[:-1]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["version"] == "3.1" and data["nlu"]
    questions = yaml.safe_load((tmp_path / "questions.yml").read_text(encoding="utf-8"))["nlu"]
    intents = {block["intent"] for block in questions}
    assert {"ask_materials", "ask_contact", "ask_amount", "ask_policy"} <= intents
    assert all(block["examples"].count("(policy)") >= 10 for block in questions)


def test_generation_is_reproducible():
    # two processes with different hash seeds: set and dict orders must not leak into the training data
    import hashlib
    import os
    import subprocess
    import sys

    probe = ("import hashlib; from knowledge import store; from knowledge.vocab import load_facts, load_fields; "
             "from bot import training_data; from policybot.settings import settings; "
             "r = store.load(settings().knowledge_base); "
             "print(hashlib.sha256(repr(sorted(training_data.render(r, load_facts(), load_fields()).items())).encode())"
             ".hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2")}
    assert len(digests) == 1 and len(next(iter(digests))) == len(hashlib.sha256().hexdigest())


def test_the_domain_holds_what_facts_yml_says():
    # `policybot build` writes the marked regions; a hand edit there or a fact added without a build shows here
    text = (ROOT / "domain.yml").read_text(encoding="utf-8")
    assert training_data.sync_domain(text, load_facts()) == text
