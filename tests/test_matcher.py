from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from policybot.matcher import assess, match

from .conftest import DATA, ROOT, load_jsonl

PROFILES = load_jsonl(DATA / "dev_profiles.jsonl")


@pytest.mark.parametrize("case", PROFILES, ids=[p["id"] for p in PROFILES])
def test_dev_profiles(records, case):
    matched = [m.policy for m in match(records, case["profile"]).matches]
    assert set(case["must_include"]) <= set(matched)
    assert not set(case["must_exclude"]) & set(matched)


def test_a_known_fact_that_contradicts_excludes(by_id):
    verdict, _ = assess(by_id[46], {"entity_type": "企业", "credit_issue": "经营异常名录"})
    assert verdict == "excluded"


def test_a_group_entry_with_the_group_unknown_is_possible_not_a_match(by_id):
    verdict, m = assess(by_id[26], {"entity_type": "企业", "enterprise_size": "小型"})
    assert verdict == "possible" and "is_veteran" in m.missing_facts
    verdict, m = assess(by_id[26], {"entity_type": "企业", "enterprise_size": "小型", "is_veteran": True})
    assert verdict == "match" and any("退役军人" in r for r in m.reasons)
    verdict, _ = assess(by_id[26], {"entity_type": "企业", "is_veteran": False, "hires": []})
    assert verdict == "excluded"


def test_unknown_restricted_facts_are_what_would_settle_it(by_id):
    verdict, m = assess(by_id[22], {"entity_type": "企业", "hires": ["高校毕业生"]})
    assert verdict == "match" and m.missing_facts == ["enterprise_size"]


def test_more_support_ranks_higher(records):
    result = match(records, {"entity_type": "个体工商户", "is_veteran": True, "sector": "批发零售餐饮服务"})
    ids = [m.policy for m in result.matches]
    assert ids.index(26) < ids.index(30) and ids.index(37) < ids.index(30)


def test_documents_are_never_matched(records):
    assert not {50, 51, 52, 53, 54, 55, 56} & {m.policy for m in match(records, {}).matches}


def test_cli_match_json():
    profile = json.dumps({"entity_type": "个体工商户", "credit_issue": "经营异常名录"}, ensure_ascii=False)
    done = subprocess.run([sys.executable, "-m", "ops.cli", "match", "--profile", profile, "--json"],
                          cwd=ROOT, capture_output=True, text=True, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    first = data["matches"][0]
    assert set(first) >= {"policy", "title", "reasons", "missing_facts"}
    assert 46 in [m["policy"] for m in data["matches"]] and 43 not in [m["policy"] for m in data["matches"]]
    bad = subprocess.run([sys.executable, "-m", "ops.cli", "match", "--profile", '{"entity_type": "x"}'],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "bad profile" in bad.stderr


def test_entries_for_the_user_s_own_groups_come_before_those_that_only_admit_them(by_id):
    # an entry for those hiring 退役士兵 or 失业人员 is about this firm; one for any small firm only lets it in, and
    # a restriction that lets almost everyone in (中型/小型/微型) says little
    profile = {"entity_type": "企业", "enterprise_size": "微型", "sector": "工业制造", "hires": ["退役士兵", "失业人员"],
               "is_veteran": False, "credit_issue": "无"}
    ranked = [m.policy for m in match(list(by_id.values()), profile).matches]
    assert max(ranked.index(34), ranked.index(35)) < min(ranked.index(6), ranked.index(18))
