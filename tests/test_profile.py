from __future__ import annotations

import pytest

from knowledge.vocab import facts as load_facts
from policybot.profile import UNKNOWN, canonical_profile, extract_facts

FACTS = load_facts()


def test_several_facts_in_one_message():
    assert extract_facts("我是退伍军人，开了个饭馆，个体户", FACTS) == {
        "is_veteran": True, "sector": "批发零售餐饮服务", "entity_type": "个体工商户"}


@pytest.mark.parametrize("text, expected", [
    ("招了两个大学生", {"hires": ["高校毕业生"]}),
    ("我是大学生", {"owner_groups": ["高校毕业生"]}),
    ("我们公司招用了退伍兵和失业人员", {"entity_type": "企业", "hires": ["退役士兵", "失业人员"]}),
    ("被列入经营异常名录了", {"credit_issue": "经营异常名录"}),
    ("我在额济纳", {"region": "额济纳旗"}),
    ("去年招了三个刚从学校毕业的大学生", {"hires": ["高校毕业生"]}),
    ("我们是做机械加工的", {"sector": "工业制造"}),  # the hiring word a dozen characters back
    ("招了3个脱贫户 老板是大学生", {"hires": ["脱贫人口"], "owner_groups": ["高校毕业生"]}),
])
def test_whose_group_it_is_depends_on_the_words_before(text, expected):
    assert extract_facts(text, FACTS) == expected


def test_a_hired_group_is_hired_whatever_fact_was_asked():
    assert extract_facts("前阵子招了几个刚毕业的大学生 还有俩退伍兵", FACTS, requested="is_veteran") == {
        "hires": ["高校毕业生", "退役士兵"]}


@pytest.mark.parametrize("requested, text, value", [
    ("is_veteran", "是", True), ("is_veteran", "不是", False), ("hires", "没有", []),
    ("credit_issue", "没有", "无"), ("enterprise_size", "2", "中型"), ("hires", "1、3", ["退役士兵", "脱贫人口"]),
    ("sector", "不清楚", UNKNOWN), ("hires", "大学生", ["高校毕业生"]),
])
def test_bare_answers_answer_the_question_just_asked(requested, text, value):
    assert extract_facts(text, FACTS, requested)[requested] == value


def test_a_generic_no_does_not_leak_into_other_facts():
    assert extract_facts("没有", FACTS, "hires") == {"hires": []}


def test_canonical_profile_rejects_unknown_values_with_the_accepted_ones():
    assert canonical_profile({"entity_type": "个体工商户", "is_veteran": True}, FACTS)
    with pytest.raises(ValueError, match="个体工商户"):
        canonical_profile({"entity_type": "个体"}, FACTS)
    with pytest.raises(ValueError, match="unknown fact"):
        canonical_profile({"age": 30}, FACTS)
    with pytest.raises(ValueError, match="true or false"):
        canonical_profile({"is_veteran": "yes"}, FACTS)


@pytest.mark.parametrize("text, expected", [
    ("不招人 信用也没事", {"hires": [], "credit_issue": "无"}),
    ("不是退伍的，没招啥特殊人员，信用没问题", {"is_veteran": False, "hires": [], "credit_issue": "无"}),
    ("老板没当过兵，雇了两个大学生", {"is_veteran": False, "hires": ["高校毕业生"]}),
    ("没报年报，上了异常名录", {"credit_issue": "经营异常名录"}),
])
def test_negated_facts_in_one_message(text, expected):
    found = extract_facts(text, FACTS)
    assert {k: found.get(k) for k in expected} == expected


def test_the_question_for_a_fact_fits_the_entity_type():
    hires = FACTS["hires"]
    assert "企业" in hires.question("企业") and "企业" not in hires.question("个体工商户")
    assert not FACTS["enterprise_size"].applies("农民专业合作社") and FACTS["enterprise_size"].applies("企业")
    assert FACTS["owner_groups"].applies("个体工商户") and not FACTS["owner_groups"].applies("企业")


def test_slot_values_are_checked_against_the_schema():
    from policybot.profile import valid_value

    assert valid_value(FACTS["entity_type"], "个体工商户") == "个体工商户"
    assert valid_value(FACTS["entity_type"], "<img src=x onerror=alert(1)>") is None
    assert valid_value(FACTS["hires"], ["高校毕业生", "<b>"]) is None
    assert valid_value(FACTS["hires"], "高校毕业生") == ["高校毕业生"]
    assert valid_value(FACTS["is_veteran"], "true") is None and valid_value(FACTS["is_veteran"], True) is True


@pytest.mark.parametrize("text", ["其他的不清楚 就这些吧", "其它都不知道", "别的没了"])
def test_the_rest_unknown_is_no_sector(text):
    assert "sector" not in extract_facts(text, load_facts())


def test_facts_are_read_after_spelling_correction(assistant):
    from policybot.conversation import Conversation
    conv = Conversation(assistant, load_facts())
    assert conv.facts_in("农民专业合作社 在阿右旗 养陀鸟的")["sector"] == "鸵鸟产业"


def test_a_hired_group_joined_to_a_list_counts_though_the_owner_was_denied_it():
    assert extract_facts("老板不是退伍军人 招了仨失业人员 还有俩退役士兵", FACTS) == {
        "is_veteran": False, "hires": ["失业人员", "退役士兵"]}


@pytest.mark.parametrize("requested", [None, "hires"])
def test_a_group_denied_is_nobody_s(requested):
    # "也不是脱贫户" is neither the owner's group nor a hire, whatever fact the bot asked for
    assert extract_facts("理事长没当过兵，也不是脱贫户，没雇人", FACTS, requested) == {
        "is_veteran": False, "owner_groups": [], "hires": []}
