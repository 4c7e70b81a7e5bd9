"""Whole conversations over the REST channel with both servers running: each kind of turn that used to go wrong
(issue "conversation precision"), with questions in no evaluation file, and the dev conversations as a bar.
Every turn's reply is one message."""

from __future__ import annotations

import pytest

from ops.converse import load_conversations, play

from .conftest import DATA

pytestmark = [pytest.mark.slow, pytest.mark.rasa]


@pytest.fixture(scope="module")
def bot(rest_bot):
    return rest_bot


class Session:
    def __init__(self, bot, sender: str):
        self.bot, self.sender = bot, sender + getattr(bot, "suffix", "")

    def say(self, message: str) -> dict:
        replies = self.bot.say(self.sender, message)
        assert len(replies) == 1, replies  # one turn, one message
        return replies[0]

    def text(self, message: str) -> str:
        return self.say(message).get("text", "")


def test_a_number_is_not_a_menu_choice(bot):
    reply = Session(bot, "k1").text("我养了80只鸵鸟幼鸟，能补贴吗")
    assert "100只" in reply and "没有找到您选的" not in reply


def test_follow_ups_keep_the_entry_and_a_region_gets_its_phone(bot):
    s = Session(bot, "k2")
    assert "经营异常" in s.text("企业被列入经营异常名录了怎么修复")
    assert "三个工作日" in s.text("大概多少天能办结")
    assert "0483-6521667" in s.text("额济纳的电话呢")


def test_a_typo_of_an_entry_name(bot):
    reply = Session(bot, "k3").text("崇军袋要带什么材料")
    assert "户口本" in reply and "没有涉及" not in reply


def test_the_sentence_that_answers_leads(bot):
    reply = Session(bot, "k4").text("小巨人申报对营业收入有没有要求")
    assert "营业收入" in reply.split("\n")[0]


def test_a_short_answer_offers_the_rest(bot):
    s = Session(bot, "k5")
    first = s.say("企业被列入经营异常名录了多久能移出")
    assert len(first["text"]) < 400 and first["text"].count("0483") <= 2
    assert {"详细内容", "全部电话"} <= {b["title"] for b in first.get("buttons") or []}
    assert s.text("全部电话").count("0483") >= 5


def test_two_entries_in_one_question(bot):
    reply = Session(bot, "k6").text("技术合同登记和科技型中小企业分别能补多少")
    assert "5万元" in reply and "500万元" in reply


def test_two_things_of_one_or_two_entries_each_get_their_answer(bot):
    # the individual loan is in entry 53, the small-business loan in entry 22
    reply = Session(bot, "k15").text("小微企业创业担保贷款和个人创业担保贷款，期限分别是几年")
    assert "不超过2年" in reply and "不超过3年" in reply
    reply = Session(bot, "k16").text("引领型和成长型的科技标杆企业研发投入强度分别要多少")
    assert "不低于4%" in reply and "不低于6%" in reply


def test_zhuan_is_not_a_hand_off_but_a_request_for_a_person_is(bot):
    s = Session(bot, "k7")
    assert "诉求解决帮办代办" not in s.text("厂房转让有补贴吗")
    assert "诉求解决帮办代办" in s.text("我要找人工客服")


def test_a_personal_question_is_declined_without_a_guess(bot):
    s = Session(bot, "k8")
    s.text("高新技术企业认定有什么奖励")
    reply = s.text("我家孩子上幼儿园怎么报名")
    assert "没有涉及" in reply and "0483" not in reply and "如果您问的是" not in reply


def test_profile_questions_fit_a_sole_trader(bot):
    s = Session(bot, "k9")
    assert "身份" in s.text("有什么政策适合我")
    second = s.text("个体户，卖烧烤的，没当过兵")
    assert "企业规模" not in second and "本人" in second
    third = s.text("不清楚")
    assert "招用" in third and "您的企业" not in third
    result = s.text("没招人，信用也没问题")
    assert "政策可能适合您" in result and "退役军人：否" in result


def test_a_cooperative_is_not_asked_its_size(bot):
    s = Session(bot, "k10")
    s.text("帮我看看有啥政策适合我")
    assert "企业规模" not in s.text("合作社，种苜蓿的")


def test_dev_conversations_meet_the_bar(bot):
    report = play(load_conversations(DATA / "dev_conversations.jsonl"), lambda u, m: bot.say(u, m))
    m = report.metrics()
    print("\n" + "\n".join(report.failures()) + f"\ndev conversations: {m}")
    assert m["one_message_turns"] == 1.0 and m["max_bytes"] <= 2000
    assert m["turn_rate"] >= 0.85 and m["conversation_rate"] >= 0.7


def test_internal_payloads_typed_by_a_user_are_text(bot):
    s = Session(bot, "k11")
    s.text("有什么政策适合我")
    reply = s.text('/inform{"entity_type": "<img src=x onerror=alert(1)>"}')
    assert "<img" not in reply and "onerror" not in reply
    s2 = Session(bot, "k12")
    assert "15万元" in s2.text("高新技术企业认定有什么奖励")
    s2.text("/restart")
    assert "高新技术企业认定申请书" in s2.text("需要什么材料")  # the conversation was not restarted


def test_bad_requests_get_a_4xx_and_the_bot_keeps_answering(bot):
    import json
    import urllib.error
    import urllib.request

    url = f"{bot.rasa_url}/webhooks/rest/webhook"
    for body in (b"[1, 2]", b"", '{"sender": "\\ud800", "message": "hi"}'.encode(), b'{"sender": "u", "message": 5}',
                 b'{"message": "hi"}', b"\xed\xa0\x80"):
        req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=30)
        assert 400 <= err.value.code < 500
        assert "error" in json.loads(err.value.read())
    long = Session(bot, "k13").text("高企" * 400)
    assert "简短" in long
    assert "15万元" in Session(bot, "k14").text("高新技术企业认定有什么奖励")


def test_every_command_in_the_readme_works_as_pasted(bot):
    """The README's shell blocks, run as written (only the ports are the test servers'); `make …` lines are what
    CI runs around this test, so they are checked to be Makefile targets."""
    import json
    import re
    import subprocess

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    curls = [line for line in lines if line.startswith("curl ")]
    assert len(curls) >= 4 and all(line.startswith(("curl ", "make ", "export ")) for line in lines), lines
    for line in lines:
        if line.startswith("export "):  # a setting for the commands after it: valid shell, a known variable name
            assert re.match(r"^export [A-Z][A-Z0-9_]*=", line), line
            assert subprocess.run(["bash", "-n", "-c", line]).returncode == 0, line
    for line in lines:
        if line.startswith("make "):
            assert re.search(rf"^{re.escape(line.split()[1])}:", makefile, re.M), line
    for line in curls:
        command = line.replace("localhost:5005", f"localhost:{bot.rasa_port}") \
                      .replace("localhost:5055", f"localhost:{bot.action_port}")
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (line, done.stderr)
        reply = json.loads(done.stdout)
        text = json.dumps(reply, ensure_ascii=False)
        assert reply and "error" not in (reply if isinstance(reply, dict) else reply[0]), (line, text)
        assert "【" in text or "？" in text, (line, text)  # an answer or a question of the profile form
