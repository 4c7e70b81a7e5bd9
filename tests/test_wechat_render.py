"""Replies as WeChat shows them (bot/wechat/render.py), the messages each kind of callback leads to
(bot/wechat/messages.py) and the retry registry (bot/wechat/inflight.py)."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings, strategies as st
from wechatpy import parse_message

from bot.wechat.inflight import InFlight, message_key
from bot.wechat.messages import MEDIA_HINT, VOICE_HINT, WELCOME_COMMAND, action_for
from bot.wechat.render import MAX_REPLY_BYTES, MORE, render, split_bytes, utf8_len


def test_quick_replies_become_numbered_choices():
    shown = render({"text": "【第8项 高新技术企业认定】奖励15万元。", "buttons": [
        {"title": "详细内容", "payload": "详细内容"}, {"title": "全部电话", "payload": "全部电话"}]})
    assert shown.text.endswith("回复数字：1 详细内容　2 全部电话")
    assert shown.choices == {"1": "详细内容", "2": "全部电话"}


def test_a_list_the_text_already_numbers_keeps_its_numbers():
    choose = '/choose_option{"option":"46"}'
    shown = render({"text": "和您的问题相近的还有：\n1. 第46项 人才政策\n2. 第8项 高企\n回复序号查看详情。", "buttons": [
        {"title": "第46项 人才政策", "payload": choose},
        {"title": "第8项 高企", "payload": '/choose_option{"option":"8"}'}]})
    assert "回复数字" not in shown.text and shown.choices["1"] == choose and len(shown.choices) == 2


def test_profile_options_map_digits_and_a_quoted_button_is_not_numbered():
    shown = render({"text": "您是哪类经营主体？\n1.企业　2.个体工商户\n（回复序号或直接说；不清楚可以回复“不清楚”。）",
                    "buttons": [{"title": "企业", "payload": '/inform{"entity_type":"企业"}'},
                                {"title": "个体工商户", "payload": '/inform{"entity_type":"个体工商户"}'},
                                {"title": "不清楚", "payload": "不清楚"}]})
    assert shown.choices == {"1": '/inform{"entity_type":"企业"}', "2": '/inform{"entity_type":"个体工商户"}'}
    assert "回复数字" not in shown.text


def test_a_reply_without_buttons_is_its_text():
    assert render({"text": " 好的 "}).text == "好的" and render({"text": "x"}).choices == {}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="政策a\n 1。", max_size=3000), st.integers(min_value=40, max_value=MAX_REPLY_BYTES))
def test_split_bytes_keeps_every_part_under_the_limit_and_loses_nothing(text, limit):
    parts = split_bytes(text, limit)
    assert all(utf8_len(p) <= limit for p in parts)
    joined = "".join(p.removesuffix("\n" + MORE) if i < len(parts) - 1 else p for i, p in enumerate(parts))
    assert joined.replace("\n", "") == text.replace("\n", "")


def test_a_long_reply_is_cut_at_a_line_end():
    text = "\n".join(f"{n}. 申请材料第{n}项：营业执照复印件一份，法定代表人身份证复印件。" for n in range(60))
    parts = split_bytes(text)
    assert len(parts) > 1 and parts[0].endswith(MORE) and parts[1].startswith(tuple("0123456789"))


def xml(kind, extra=""):
    return (f"<xml><ToUserName>gh</ToUserName><FromUserName>oU</FromUserName><CreateTime>1</CreateTime>"
            f"<MsgType>{kind}</MsgType>{extra}<MsgId>9</MsgId></xml>")


def test_each_kind_of_message_gets_an_action():
    menu = {"MATCH": "/start_matching", "LOAN": "创业担保贷款需要什么材料"}
    assert action_for(parse_message(xml("text", "<Content>你好</Content>")), menu).text == "你好"
    assert action_for(parse_message(xml("voice", "<Recognition>材料</Recognition>")), menu).text == "材料"
    assert action_for(parse_message(xml("voice", "<Recognition></Recognition>")), menu).text == VOICE_HINT
    assert action_for(parse_message(xml("event", "<Event>subscribe</Event>")), menu).text == WELCOME_COMMAND
    scan = action_for(parse_message(xml("event", "<Event>subscribe</Event><EventKey>qrscene_1</EventKey>")), menu)
    assert scan.kind == "command"
    click = action_for(parse_message(xml("event", "<Event>CLICK</Event><EventKey>LOAN</EventKey>")), menu)
    assert (click.kind, click.text) == ("say", "创业担保贷款需要什么材料")
    assert action_for(parse_message(xml("event", "<Event>CLICK</Event><EventKey>MATCH</EventKey>")), menu).kind \
        == "command"
    assert action_for(parse_message(xml("event", "<Event>VIEW</Event><EventKey>http://x</EventKey>")), menu).kind \
        == "ignore"
    for kind in ("image", "location", "link", "video", "shortvideo", "file", "whatever"):
        assert action_for(parse_message(xml(kind)), menu).text == MEDIA_HINT


def test_message_keys():
    assert message_key("123", "oU", "1") == "id:123"
    assert message_key(None, "oU", "1700") == message_key("", "oU", "1700") != message_key(None, "oV", "1700")


async def test_a_retry_waits_on_the_same_task():
    calls = []

    async def turn():
        calls.append(1)
        await asyncio.sleep(0.05)
        return ["answer"]

    flights = InFlight()
    first, second = flights.attend("k", turn), flights.attend("k", turn)
    assert first is second and second.attempts == 2
    assert await first.task == ["answer"] and len(calls) == 1


async def test_finished_flights_expire_and_the_registry_is_bounded():
    now = [0.0]
    flights = InFlight(keep=10, max_entries=3, clock=lambda: now[0])

    async def turn():
        return []

    for k in "abc":
        await flights.attend(k, turn).task
    flights.attend("d", turn)  # the oldest finished one makes room
    assert len(flights) == 3
    now[0] = 100.0
    await asyncio.sleep(0)
    flights.attend("e", turn)
    assert len(flights) <= 2
