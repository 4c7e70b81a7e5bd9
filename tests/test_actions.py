"""The rasa-sdk actions over tracker fixtures (tests/bot/trackers/*.json): messages and slot events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer, ActionChooseOption, ActionHandoff, ActionMoreAlternatives
from actions.profile import ActionMatchPolicies, ActionStop, ValidateProfileForm
from actions.safety import SORRY

from .conftest import ROOT

TRACKERS = Path(__file__).resolve().parent / "bot" / "trackers"
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _warm(assistant):
    """Actions share the process-wide assistant; load it once."""


def tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((TRACKERS / name).read_text(encoding="utf-8")))


async def run(action, name: str):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(name), DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots


async def test_question_answers_and_remembers_the_entry():
    messages, slots = await run(ActionAnswer(), "question.json")
    assert "15万元" in messages[0]["text"] and "0483-8331872" in messages[0]["text"]
    assert slots["policy"] == "17" and slots["field"] == "amount"


async def test_follow_up_stays_on_the_entry_under_discussion():
    messages, slots = await run(ActionAnswer(), "follow_up_materials.json")
    assert "高新技术企业认定申请书" in messages[0]["text"]
    assert slots["policy"] == "17" and slots["field"] == "materials"


async def test_region_switch_repeats_the_last_field_for_the_new_region():
    messages, slots = await run(ActionAnswer(), "region_switch.json")
    text = messages[0]["text"]
    assert slots["region"] == "额济纳旗" and slots["policy"] == "1"
    assert text.index("0483-6521855") < text.index("0483-8229456")


async def test_a_new_topic_replaces_the_entry():
    messages, slots = await run(ActionAnswer(), "new_topic.json")
    assert slots["policy"] == "26" and "夫妻双方身份证" in messages[0]["text"]


async def test_out_of_scope_keeps_the_entry_and_says_so():
    messages, slots = await run(ActionAnswer(), "out_of_scope.json")
    assert "没有涉及" in messages[0]["text"] and "policy" not in slots


async def test_facts_alone_are_remembered_and_matching_is_offered():
    messages, slots = await run(ActionAnswer(), "facts_only.json")
    assert slots["entity_type"] == "个体工商户" and slots["sector"] == "批发零售餐饮服务"
    assert "记下了" in messages[0]["text"] and messages[0]["buttons"][0]["payload"] == "/start_matching"


async def test_alternatives_are_numbered_with_buttons():
    messages, _ = await run(ActionMoreAlternatives(), "alternatives.json")
    assert "1. 第46项" in messages[0]["text"] and "2. 第44项" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == '/choose_option{"option":"46"}'


async def test_choose_by_number_keeps_the_field():
    messages, slots = await run(ActionChooseOption(), "choose_number.json")
    assert slots["policy"] == "44" and "守信承诺书" in messages[0]["text"]


async def test_choose_by_button_takes_the_guide_number():
    _, slots = await run(ActionChooseOption(), "choose_button.json")
    assert slots["policy"] == "46"


async def test_handoff_gives_the_phones_and_the_route_of_entry_56():
    messages, _ = await run(ActionHandoff(), "handoff.json")
    text = messages[0]["text"]
    assert text.index("0483-6521855") < text.index("0483-8229456")
    assert "帮办代办" in text and "第56项" in text and "1个工作日内" in text


async def test_form_activation_takes_every_fact_in_the_message():
    _, slots = await run(ValidateProfileForm(), "form_start_with_facts.json")
    assert slots["entity_type"] == "个体工商户" and slots["is_veteran"] is True
    assert slots["sector"] == "批发零售餐饮服务"
    assert slots["requested_slot"] == "owner_groups"  # enterprise_size is not asked of a 个体工商户


async def test_form_takes_several_facts_in_one_answer():
    _, slots = await run(ValidateProfileForm(), "form_several_facts.json")
    assert slots["entity_type"] == "企业" and slots["enterprise_size"] == "小型" and slots["sector"] == "鸵鸟产业"
    assert slots["requested_slot"] == "is_veteran"


async def test_form_skip_marks_the_fact_unknown_and_moves_on():
    _, slots = await run(ValidateProfileForm(), "form_skip.json")
    assert slots["sector"] == "不清楚" and slots["requested_slot"] == "is_veteran"


async def test_a_message_that_fills_nothing_leaves_the_turn_to_the_rules():
    # "算了，不填了", a question, "转人工": validation extracts no fact, so the form rejects the turn and the
    # rules (bot/data/rules.yml) stop it, answer, or hand off; the form asks the same fact again afterwards
    for name, asked in (("form_stop.json", "enterprise_size"), ("form_question.json", "is_veteran"),
                        ("form_handoff.json", "is_veteran"), ("form_nonsense.json", "sector")):
        messages, slots = await run(ValidateProfileForm(), name)
        assert messages == [] and slots == {"requested_slot": asked}, name


async def test_a_question_in_the_form_is_answered_by_the_answer_action():
    messages, _ = await run(ActionAnswer(), "form_question.json")
    assert "夫妻双方身份证" in messages[0]["text"]


async def test_the_form_says_when_it_did_not_understand():
    messages, _ = await run(ActionAnswer(), "form_nonsense.json")
    assert messages[0]["response"] == "utter_profile_unclear"


async def test_a_typed_payload_value_is_checked_against_the_facts():
    form = ValidateProfileForm()
    assert form.validate_sector("<img src=x>", CollectingDispatcher(), tracker("form_skip.json"), DOMAIN) == \
        {"sector": None}
    assert form.validate_sector("鸵鸟产业", CollectingDispatcher(), tracker("form_skip.json"), DOMAIN) == \
        {"sector": "鸵鸟产业"}


async def test_form_completes_after_the_last_fact():
    _, slots = await run(ValidateProfileForm(), "form_last_answer.json")
    assert slots["credit_issue"] == "无" and slots["requested_slot"] is None


async def test_match_lists_entries_with_why_what_and_whom():
    messages, slots = await run(ActionMatchPolicies(), "match.json")
    text = messages[0]["text"]
    assert "第26项" in text and "第37项" in text
    assert "为什么" in text and "要准备" in text and "咨询电话" in text
    assert 26 in slots["options"]


async def test_match_after_stop_uses_what_is_known():
    messages, _ = await run(ActionMatchPolicies(), "match_stopped.json")
    assert "经营主体：企业" in messages[0]["text"]


async def test_a_failing_action_apologises_instead_of_crashing(monkeypatch):
    import actions.answers as answers

    def broken():
        raise RuntimeError("index gone")

    monkeypatch.setattr(answers, "conversation", broken)
    messages, slots = await run(ActionAnswer(), "question.json")
    assert messages[0]["text"] == SORRY and slots == {}


def saying(name: str, text: str, intent: str, confidence: float = 0.9, entities=(), active_loop=None,
           **intent_extra) -> Tracker:
    """The tracker `name` with `text` as its latest message (and the active loop replaced when given)."""
    data = json.loads((TRACKERS / name).read_text(encoding="utf-8"))
    if active_loop is not None:
        data["active_loop"] = active_loop
    data["latest_message"] = {"text": text, "entities": list(entities),
                              "intent": {"name": intent, "confidence": confidence, **intent_extra}}
    return Tracker.from_dict(data)


async def act(action, tracker: Tracker):
    """The messages and slot events of running `action` on `tracker`, and all its events."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, events


async def test_facts_said_with_the_stop_count():
    messages, slots, _ = await act(ActionMatchPolicies(),
                                   saying("match_stopped.json", "小型企业，做运输的，别的没了", "stop"))
    assert slots["enterprise_size"] == "小型" and slots["sector"] == "交通运输"
    assert "企业规模：小型" in messages[0]["text"]


async def test_a_lookup_match_inside_a_longer_fact_word_is_not_taken():
    # the NLU's lookup finds 大学 (a 事业单位) inside 大学生; the words say a graduate was hired
    data = json.loads((TRACKERS / "match_stopped.json").read_text(encoding="utf-8"))
    text = "招了2个脱贫户，还有个应届大学生"
    at = text.index("大学")
    data["latest_message"] = {"text": text, "intent": {"name": "inform", "confidence": 0.9}, "entities": [
        {"entity": "entity_type", "value": "事业单位或科研院所", "start": at, "end": at + 2}]}
    from actions.profile import facts_from_message

    found = facts_from_message(Tracker.from_dict(data), None)
    assert "entity_type" not in found and found["hires"] == ["脱贫人口", "高校毕业生"]


async def test_facts_said_with_the_stop_leave_the_form_to_the_stop_rule():
    _, slots, _ = await act(ValidateProfileForm(), saying("form_stop.json", "小型企业，就这些", "stop"))
    assert "enterprise_size" not in slots  # nothing filled: the form rejects the turn, rules.yml stops it


async def test_a_stop_outside_the_questions_lists_what_fits_when_facts_are_known():
    messages, slots, _ = await act(ActionStop(), saying("match_stopped.json", "做交通运输的，其他都不清楚", "stop",
                                                        active_loop={}))
    assert slots["sector"] == "交通运输" and "行业：交通运输" in messages[0]["text"]


async def test_a_bare_stop_with_nothing_known_is_only_acknowledged():
    messages, _, events = await act(ActionStop(), saying("question.json", "算了", "stop"))
    assert events == [] and messages[0]["response"] == "utter_anything_else"


async def test_a_statement_in_the_form_that_uses_the_guide_s_words_is_taken_as_facts():
    # 公示 asks for a result elsewhere; said without a question word in the profile questions it is a fact
    messages, slots, _ = await act(ActionAnswer(), saying("form_question.json", "前年挨过罚，公示上现在还能查到",
                                                          "ask_policy", 0.8))
    assert slots.get("credit_issue") == "行政处罚公示" and "记下了" in messages[0]["text"]


async def test_a_question_the_words_made_of_an_answer_fills_nothing_in_the_form():
    # the classifier guessed "inform" (鸵鸟 is a sector); the intent check made it a question: the form leaves
    # it to the answer action instead of taking 鸵鸟产业 as the answer
    _, slots, _ = await act(ValidateProfileForm(), saying("form_question.json", "顺带问下 养鸵鸟的补贴一年最多给多少",
                                                          "ask_amount", 0.1, checked_from="inform"))
    assert "sector" not in slots


async def test_a_question_turning_away_from_the_form_answers_nothing_it_asks():
    # asked for the sector, "对了 … 研发人员 …" asks about 高企: its 研发 is the guide's word, not the user's trade
    tracker = saying("form_question.json", "对了 高企认定研发人员要占多少比例", "ask_conditions", 0.9)
    tracker.slots["requested_slot"] = "sector"
    tracker.slots["sector"] = None
    _, slots, _ = await act(ValidateProfileForm(), tracker)
    assert "sector" not in slots
    # … while a trade said beside a question does answer it
    tracker = saying("form_question.json", "做软件研发的 能申请啥", "ask_policy", 0.9)
    tracker.slots["requested_slot"] = "sector"
    tracker.slots["sector"] = None
    from actions.profile import facts_answered
    assert facts_answered(tracker).get("sector") == "科技研发"


async def test_a_question_without_a_question_mark_in_the_form_is_not_taken_as_facts():
    messages, slots, _ = await act(ActionAnswer(), saying("form_question.json", "顺便问下 招脱贫人口的减税能享受多长时间",
                                                          "ask_timelimit", 0.5))
    assert "hires" not in slots and "36个月" in messages[0]["text"]


async def test_the_nlu_s_other_sector_in_the_rest_unknown_is_not_taken():
    text = "老板不是退伍的，其他不清楚"
    at = text.index("其他")
    _, slots, _ = await act(ActionMatchPolicies(), saying(
        "match_stopped.json", text, "stop", entities=[{"entity": "sector", "value": "其他", "start": at, "end": at + 2}]))
    assert "sector" not in slots and slots.get("is_veteran") is False


def _asked_after(text: str, slots: dict, fact: str) -> Tracker:
    """The tracker when the form asks `fact` after a message that filled `slots`."""
    base = json.loads((TRACKERS / "form_several_facts.json").read_text(encoding="utf-8"))
    base["slots"].update(slots, requested_slot=fact)
    base["latest_message"] = {"text": text, "intent": {"name": "inform", "confidence": 0.95}, "entities": []}
    return Tracker.from_dict(base)


async def test_a_message_that_tells_much_sees_what_fits_before_the_next_question():
    from actions.profile import AskFact_is_veteran
    told = {"entity_type": "企业", "enterprise_size": "小型", "sector": "工业制造", "hires": ["高校毕业生"],
            "region": "额济纳旗"}
    dispatcher = CollectingDispatcher()
    await AskFact_is_veteran().run(dispatcher, _asked_after("额济纳旗的小型加工厂，今年招了3个应届大学生", told,
                                                            "is_veteran"), DOMAIN)
    text = dispatcher.messages[0]["text"]
    assert "扩岗补助" in text and text.index("扩岗补助") < text.index("退役军人"), text
    # one fact told: only the question
    dispatcher = CollectingDispatcher()
    await AskFact_is_veteran().run(dispatcher, _asked_after("小型企业", {"enterprise_size": "小型"}, "is_veteran"),
                                   DOMAIN)
    assert "可能适合" not in dispatcher.messages[0]["text"]
