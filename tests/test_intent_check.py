"""The check on the intent classifier's guess (bot/intent_check.py): plain Python, no Rasa."""

from __future__ import annotations

import pytest

from bot.intent_check import IntentCheck, is_choice
from knowledge.vocab import load_dialogue, load_fields


@pytest.fixture(scope="module")
def check() -> IntentCheck:
    return IntentCheck(load_dialogue(), load_fields())


@pytest.mark.parametrize("text", ["2", "第二个", "选3", "第1项吧", " 4 ", "第46项"])
def test_a_number_and_little_else_is_a_choice(text):
    assert is_choice(text)


@pytest.mark.parametrize("text", ["养了30只鸵鸟能补多少", "去年营收500万算小微吗", "招了3个人", "2个月能办完吗"])
def test_a_number_inside_a_question_is_not_a_choice(check, text):
    assert not is_choice(text)
    assert check.checked("choose_option", [("choose_option", 0.9), ("ask_amount", 0.05)], text, []) == "ask_amount"


@pytest.mark.parametrize("text", ["厂房转让有补贴吗", "数字化转型能报技改吗", "资金周转困难能贷款吗"])
def test_zhuan_is_not_a_request_for_a_person(check, text):
    assert check.checked("human_handoff", [("human_handoff", 0.8)], text, []) == "ask_policy"


@pytest.mark.parametrize("text", ["转人工", "我要找人工客服", "能不能找个真人"])
def test_a_request_for_a_person_is_kept(check, text):
    assert check.checked("human_handoff", [("human_handoff", 0.8)], text, []) == "human_handoff"


@pytest.mark.parametrize("intent, text", [
    ("deny", "用不用申请"), ("deny", "要抵押不"), ("affirm", "成长型的呢"), ("bot_challenge", "个体户的个税是不是能减半"),
    ("deny", "下面分几个组"), ("thank", "谢谢，那材料交到哪"), ("greet", "盟级的呢"),
])
def test_small_talk_that_asks_something_is_a_question(check, intent, text):
    assert check.checked(intent, [(intent, 0.7)], text, []) == "ask_policy"


@pytest.mark.parametrize("intent, text", [
    ("deny", "不是"), ("deny", "没有"), ("affirm", "是的"), ("thank", "好的谢谢"), ("goodbye", "拜拜"),
    ("skip", "不清楚"), ("stop", "算了，不弄了"), ("greet", "你好"),
])
def test_small_talk_is_kept(check, intent, text):
    assert check.checked(intent, [(intent, 0.9)], text, []) == intent


def test_start_matching_needs_words_that_ask_what_fits(check):
    assert check.checked("start_matching", [("start_matching", 0.9)], "有什么政策适合我", []) == "start_matching"
    assert check.checked("start_matching", [("start_matching", 0.7), ("ask_amount", 0.2)],
                         "我们公司新引进了一个D类人才，有啥补贴", []) == "ask_amount"


def test_a_button_payload_keeps_its_intent(check):
    assert check.checked("choose_option", [], '/choose_option{"option":"12"}', []) == "choose_option"


@pytest.mark.parametrize("text", ["今年买了150只鸵鸟苗，还种了300多亩苜蓿，别的没了", "在左旗 没上过异常名录 就这些",
                                  "小型企业，做运输的，就这么多"])
def test_facts_ending_in_that_is_all_stop_the_questions(check, text):
    assert check.checked("inform", [("inform", 0.9)], text, []) == "stop"


@pytest.mark.parametrize("text", ["做餐饮的 在右旗 就这么多 麻烦帮我查查吧", "小微企业 招过两个大学生 其他都不清楚",
                                  "个体户，别的不知道", "没雇人 其他的不清楚 你直接推荐吧"])
def test_the_rest_unknown_or_a_request_to_look_after_the_stop_ends_the_questions(check, text):
    assert check.checked("inform", [("inform", 0.9)], text, []) == "stop"


def test_a_question_ending_in_a_stop_word_is_still_a_question(check):
    assert check.checked("ask_amount", [("ask_amount", 0.9)], "补贴有多少，就这些吗", []) != "stop"


def test_a_question_that_names_a_fact_is_a_question_not_an_answer(check):
    # the sector (鸵鸟) makes it look like an answer to the profile questions; it asks how much
    assert check.checked("inform", [("inform", 0.8), ("ask_amount", 0.1)], "顺带问下 养鸵鸟的补贴一年最多给多少",
                         ["sector"]) == "ask_amount"
    assert check.checked("inform", [("inform", 0.8)], "合作社，在额济纳，去年买了150只幼鸟", ["sector"]) == "inform"
