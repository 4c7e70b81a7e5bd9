"""The hotline console's card (policybot/card.py): quoted from the guide, phones by 旗区, a short read-out text."""

from __future__ import annotations

import re

import pytest

from knowledge.vocab import facts, fields
from policybot.card import READOUT_BODY, excerpt_clauses, make_card, phone_groups, readout

REGIONS = list(facts()["region"].values)
# a number with its unit, as an amount or a period is written in the guide
AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|%|个工作日|年|万)")


def card(assistant, question, region=None, entry=None):
    answer = assistant.ask(question, region=region, entry=entry)
    return make_card(answer, assistant.records, fields(), REGIONS)


def entry_text(record) -> str:
    return "\n".join([record.title, *(s.text for s in record.sections)])


def test_a_card_holds_the_answer_the_field_amounts_deadline_phones_and_lines(assistant):
    c = card(assistant, "高新企业奖多少钱")
    assert (c.policy, c.category, c.field, c.covered) == (17, "科技创新政策", "amount", True)
    assert "15万元" in c.answer and "20万元" in c.answer
    assert c.field_name == fields().name("amount")
    assert any("15万元" in line.text for line in c.amounts)
    assert c.deadline and c.deadline[0].label.startswith("申报时限")
    assert c.phones[0].phones[0].phone == "0483-8331872"
    first, last = c.lines[0]
    assert c.entry_lines[0] <= first <= last <= c.entry_lines[1]
    assert f"第{first}–{last}行" in c.citation


def test_every_quoted_line_of_a_card_is_the_guide_s_text(assistant):
    for question in ("创业贷款要啥材料", "银税贷额度多少", "高新企业奖多少钱", "企业移出经营异常名录要多久"):
        c = card(assistant, question)
        record = assistant.records[c.policy]
        text = entry_text(record)
        for line in [*c.amounts, *c.deadline]:
            assert line.text.rstrip("…") in text.replace("\n", " ") or line.text.rstrip("…") in text, (question, line)
        phones = {ct.phone for ct in record.contacts}
        assert {p.phone for g in c.phones for p in g.phones} == phones


def test_the_asked_region_s_phones_come_first_then_the_league_s(assistant):
    c = card(assistant, "企业移出经营异常名录找谁", region="额济纳旗")
    assert [g.region for g in c.phones][:2] == ["额济纳旗", None]
    assert c.phones[0].phones[0].phone == "0483-6521667"
    assert "0483-6521667" in c.readout
    default = card(assistant, "企业移出经营异常名录找谁")
    assert default.phones[0].region is None and "0483-8333860" in default.readout


def test_phone_groups_order_unknown_regions_last(by_id):
    groups = phone_groups(by_id[1].contacts, "阿拉善右旗", REGIONS)
    assert [g.region for g in groups][:2] == ["阿拉善右旗", "阿拉善左旗"]
    assert len(groups) == len({c.region for c in by_id[1].contacts})


@pytest.mark.parametrize("question, region", [("创业贷款要啥材料", None), ("高新企业奖多少钱", "额济纳旗"),
                                              ("银税贷额度多少", None), ("战略性新兴产业专项资金电话", "额济纳旗"),
                                              ("稳岗返还能返多少", "阿拉善左旗"), ("科技型中小企业补多少", None)])
def test_the_readout_is_short_quotes_amounts_exactly_and_carries_a_phone(assistant, question, region):
    c = card(assistant, question, region)
    record = assistant.records[c.policy]
    head, phone, source = c.readout.split("\n")
    assert len(head) <= READOUT_BODY + len(record.title) + 4
    assert phone.startswith("咨询电话：") and any(ct.phone in phone for ct in record.contacts)
    if region and any(ct.region == region for ct in record.contacts):
        assert any(ct.phone in phone for ct in record.contacts if ct.region == region)
    assert source.endswith(f"第{record.id}项")
    for amount in AMOUNT.findall(head):
        assert amount in entry_text(record), amount  # never a number the guide does not write


def test_a_question_the_guide_does_not_cover_gets_no_phone(assistant):
    c = card(assistant, "怎么办理护照")
    assert not c.covered and c.policy is None and c.phones == []
    assert "没有涉及" in c.readout and not re.search(r"\d{3,4}-\d{7}", c.readout)


def test_a_card_for_a_chosen_entry_answers_the_same_question_from_it(assistant):
    c = card(assistant, "额度多少", entry=24)
    assert c.policy == 24 and c.title.endswith("结算贷")


def test_excerpt_clauses_cuts_at_a_clause_and_never_inside_a_number():
    text = "对首次通过认定的盟内企业，给予一次性20万元后补助资金支持，重新认定的企业给予10万元。"
    assert excerpt_clauses(text, 200) == text
    cut = excerpt_clauses(text, 20)
    assert cut == "对首次通过认定的盟内企业……"
    assert excerpt_clauses("给予一次性123456789万元的后补助资金支持", 12) == "给予一次性……"


def test_the_readout_takes_whole_sentences_while_they_fit(by_id):
    r = by_id[17]
    long_first = ["甲" * 200 + "，乙。"]
    assert readout(r, long_first, r.contacts, None).split("\n")[0].endswith("……")
    two = ["第一句。", "第二句。"]
    assert "第一句。第二句。" in readout(r, two, r.contacts, None)
    listed = ["额度最高500万元\n1年"]
    assert "额度最高500万元；1年。" in readout(r, listed, r.contacts, None)


@pytest.mark.parametrize("question, amount", [("一次性创业补贴多少钱", "10000元"), ("稳岗返还能返多少", "60%")])
def test_the_readout_of_a_how_much_question_states_the_amount(assistant, question, amount):
    c = card(assistant, question)
    assert amount in c.readout.split("\n")[0]
