"""What the channels check before anything expensive (bot/input_check.py)."""

from __future__ import annotations

import pytest

from bot.input_check import MAX_MESSAGE_CHARS, BadRequest, check_message, clean_text, merge_turn


def test_a_good_message_passes():
    checked = check_message({"sender": "u-1", "message": "  高企 有什么奖励 "})
    assert checked.sender == "u-1" and checked.text == "高企 有什么奖励" and checked.reply is None


@pytest.mark.parametrize("body", [[], "hi", None, {"message": "hi"}, {"sender": "", "message": "hi"},
                                  {"sender": "a" * 65, "message": "hi"}, {"sender": "\ud800", "message": "hi"},
                                  {"sender": "a b", "message": "hi"}, {"sender": "u", "message": 1},
                                  {"sender": "u", "message": None}])
def test_malformed_bodies_are_refused(body):
    with pytest.raises(BadRequest):
        check_message(body)


def test_a_long_message_gets_a_polite_reply_without_the_bot():
    checked = check_message({"sender": "u", "message": "问" * (MAX_MESSAGE_CHARS + 1)})
    assert checked.reply is not None and "简短" in checked.reply and checked.text == ""


def test_an_empty_message_gets_a_prompt():
    assert check_message({"sender": "u", "message": " \n "}).reply is not None


def test_surrogates_and_control_characters_are_cleaned():
    assert clean_text("高企\ud800奖励\x00多少\n钱") == "高企?奖励 多少 钱"


def test_a_turn_is_one_message():
    merged = merge_turn([{"recipient_id": "u", "text": "好的"},
                         {"recipient_id": "u", "text": "您是以什么身份经营的？", "buttons": [{"title": "1", "payload": "1"}]}])
    assert len(merged) == 1 and merged[0]["text"] == "好的\n\n您是以什么身份经营的？"
    assert merged[0]["buttons"] == [{"title": "1", "payload": "1"}]


def test_a_turn_with_nothing_to_say_gets_the_apology():
    # the action server was down: Rasa ends the turn silently, the user must still hear back
    from bot.input_check import UNAVAILABLE_REPLY

    assert merge_turn([], "u") == [{"recipient_id": "u", "text": UNAVAILABLE_REPLY}]
    assert "12345" in UNAVAILABLE_REPLY


def test_only_offered_payloads_are_commands():
    from bot.input_check import OfferedPayloads

    offered = OfferedPayloads(max_senders=2)
    assert offered.admit("u", "/restart") == "restart"
    assert offered.admit("u", '/inform{"entity_type": "<img src=x>"}').startswith("inform")
    assert offered.admit("u", "/start_matching") == "/start_matching"
    offered.remember("u", [{"text": "…", "buttons": [{"title": "1", "payload": '/choose_option{"option":"46"}'}]}])
    assert offered.admit("u", '/choose_option{"option":"46"}') == '/choose_option{"option":"46"}'
    assert offered.admit("other", '/choose_option{"option":"46"}') != '/choose_option{"option":"46"}'
    assert offered.admit("u", "高企奖多少") == "高企奖多少"
    offered.remember("v", [])
    offered.remember("w", [])
    assert offered.admit("u", '/choose_option{"option":"46"}') != '/choose_option{"option":"46"}'  # forgotten
