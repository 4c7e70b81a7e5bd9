"""A question about several things at once is cut into one question per thing; one thing stays whole."""

from __future__ import annotations

import pytest

from policybot.parts import split_parts


@pytest.mark.parametrize("question, parts", [
    ("贴息贷款，个人和合作社分别最高能贷多少", ["贴息贷款，个人最高能贷多少", "贴息贷款，合作社最高能贷多少"]),
    ("A级和B级的纳税人各能贷多少", ["A级的纳税人能贷多少", "B级的纳税人能贷多少"]),
    ("孵化基地和种鸵鸟场，盟里分别补多少", ["孵化基地，盟里补多少", "种鸵鸟场，盟里补多少"]),
    ("去年招了3个大学生，另外还招了个退伍兵，这俩分别能减多少税",
     ["去年招了3个大学生，能减多少税", "招了个退伍兵，能减多少税"]),
    ("国家级、自治区级和盟级分别奖多少", ["国家级奖多少", "自治区级奖多少", "盟级奖多少"]),
])
def test_each_thing_gets_its_own_question(question, parts):
    assert split_parts(question) == parts


@pytest.mark.parametrize("question", [
    "营业执照和身份证要带吗",  # one question about two documents
    "稳岗返还分别在哪个部门办",  # "each" but only one thing
    "创业担保贷款能贷多少",
    "",
])
def test_one_thing_stays_whole(question):
    assert split_parts(question) == []
