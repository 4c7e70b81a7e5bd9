from __future__ import annotations

import pytest

from index.query import detect_fields, detect_region, named_entries, ordinal_part
from knowledge.vocab import load_facts, load_fields

FIELDS = load_fields()
REGION = load_facts()["region"]


@pytest.mark.parametrize("question, field", [
    ("需要什么材料", "materials"), ("电话是多少", "contact"), ("能补多少钱", "amount"),
    ("办下来要多久", "timelimit"), ("什么时候截止", "deadline"), ("申报要交钱吗", "fee"),
    ("去哪个部门办", "agency"), ("在哪里申请", "process"), ("依据的是哪个文件", "basis"),
    ("结果在哪里公示", "result"), ("需要满足哪些条件", "conditions"), ("个体户能申请吗", "scope"),
    ("这税能免吗", "amount"), ("开个店减税吗", "amount"), ("申报时填哪张表", "materials"),
    ("留存备查的有哪些", "materials"), ("员工得有多少人", "conditions"), ("这个税还用交吗", "amount"),
    ("投资额得多少以上", "conditions"), ("车船税要交不", "amount"), ("这个补助去哪申报", "process"),
    ("保险得交满几年才能领", "conditions"), ("要交够多久的社保", "conditions"),
    ("需要提供审计报告吗", "materials"), ("身份证复印件也要吗", "materials"), ("这个优惠去哪享受", "process"),
    ("一年到头都能办吗", "deadline"), ("随时都能去办不", "deadline"), ("还是啥企业都能报", "scope"),
])
def test_detect_fields(question, field):
    assert detect_fields(question, FIELDS)[0] == field


def test_an_overview_question_asks_no_field():
    assert detect_fields("高新技术企业", FIELDS) == []


def test_longest_cue_wins_over_the_words_inside_it():
    assert detect_fields("办理时限是多久", FIELDS)[0] == "timelimit"


@pytest.mark.parametrize("question, region", [
    ("额济纳旗的电话", "额济纳旗"), ("额济纳的呢", "额济纳旗"), ("高新区怎么联系", "阿拉善高新技术产业开发区"),
    ("我在阿左旗", "阿拉善左旗"), ("李井滩示范区", "阿拉善李井滩生态移民示范区"), ("在哪办", None),
])
def test_detect_region(question, region):
    assert detect_region(question, REGION) == region


def test_named_entries_by_alias_and_longest_name(records):
    assert 17 in named_entries("高企有什么奖励", records)
    found = named_entries("专精特新小巨人怎么申报", records)
    assert 5 in found and 6 not in found  # 专精特新 inside 专精特新小巨人 does not name entry 6


def test_ordinal_part():
    assert ordinal_part("人才政策第十三条讲的什么") == 13
    assert ordinal_part("第3条") == 3
    assert ordinal_part("没有条款") is None


def test_a_headcount_asked_is_a_condition_beside_the_amount():
    assert "conditions" in detect_fields("员工最多能有多少人 奖多少", FIELDS)


def test_founding_age_is_no_processing_time():
    # 成立几年 asks a condition; its 几年 is not the 办理时限 cue
    assert "timelimit" not in detect_fields("公司得注册多久才能报", FIELDS)
    assert "timelimit" not in detect_fields("要成立几年以上", FIELDS)


def test_a_double_cue_asks_for_both_of_its_fields():
    # "啥标准" may be what makes one eligible or what is paid: both are answered, the criteria first
    assert detect_fields("这个补贴啥标准", FIELDS)[:2] == ["conditions", "amount"]


def test_what_was_done_already_is_not_asked():
    # "材料递上去了" says what the user did; the question is how long
    assert detect_fields("材料都递了 要等几天", FIELDS) == ["timelimit"]
    assert detect_fields("交了申请表，多久审完", FIELDS) == ["timelimit"]
    assert "materials" in detect_fields("申请表交哪", FIELDS)


def test_a_word_standing_for_the_guide_s_word_in_context():
    from knowledge.curated import ContextWord
    from index.query import with_context_words

    other = [ContextWord("其他部门作出的行政处罚", ("罚", "处罚"), ("税务局", "环保局", "别的部门"))]
    assert with_context_words("被环保局罚了两千", other) == "被环保局（其他部门作出的行政处罚）罚了两千"
    assert with_context_words("税务局电话多少", other) == "税务局电话多少"  # no penalty: a tax office is a tax office
    said = "其他部门作出的行政处罚怎么修复"
    assert with_context_words(said, other) == said


def test_a_question_word_after_what_was_done_still_asks():
    fields = load_fields()
    assert detect_fields("交了材料 审核要几天", fields) == ["timelimit"]
    assert "timelimit" in detect_fields("提交了多久有结果", fields)
    assert detect_fields("能贷几年", fields) == ["amount"]


def test_shang_na_is_qu_na():
    fields = load_fields()
    assert detect_fields("就业创业证上哪领", fields) == detect_fields("就业创业证去哪领", fields) != []


def test_a_standard_to_be_recognised_is_a_condition():
    fields = load_fields()
    assert detect_fields("高新技术企业的认定标准是啥", fields)[0] == "conditions"
    assert detect_fields("奖励标准是多少", fields)[0] == "amount"


@pytest.mark.parametrize("question, field", [("这个需要申报不", "process"), ("要申请不？", "process"),
                                            ("还得另外报吗", "process"), ("材料找谁交", "agency"),
                                            ("哪里可以办这个", "process")])
def test_a_question_ending_in_bu_asks_as_one_ending_in_ma(question, field):
    assert detect_fields(question, FIELDS)[:1] == [field]


def test_yao_bu_and_shi_bu_are_not_question_endings():
    assert detect_fields("要不", FIELDS) == []


@pytest.mark.parametrize("question", ["材料递到哪个部门", "资料交给哪个单位"])
def test_where_the_materials_go_asks_the_office_not_the_list(question):
    assert detect_fields(question, FIELDS) == ["agency"]


@pytest.mark.parametrize("question", ["入驻以后能待几年", "这个贷款能用多久"])
def test_how_long_one_may_stay_or_use_asks_the_benefit_not_the_processing_time(question):
    assert detect_fields(question, FIELDS)[:1] == ["amount"]


def test_a_count_of_people_is_not_an_individual():
    from index.query import counted_people
    assert counted_people("我们就8个人，老板一个人管") == "我们就8人，老板一人管"
    assert counted_people("个人创业担保贷款") == "个人创业担保贷款"


def test_where_a_result_is_published_asks_the_result():
    assert detect_fields("名单在哪公布", FIELDS)[:1] == ["result"]


def test_a_name_split_by_de_hua_is_still_named(records):
    named = named_entries("我个人创业的话 担保贷款最多多少", records)
    assert 53 in named, named
