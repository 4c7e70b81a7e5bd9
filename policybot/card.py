"""The hotline console's card: one answer laid out for an agent with a caller on the line, and a short text to
read out or send by SMS.

Everything on a card is the guide's own text or a fixed phrase of this module, like the chat answer it is built
from (policybot/answers.py): the lead sentences, the amount and deadline lines, the phones and the line numbers
are quoted from the structured record, never rewritten. The read-out text is cut only at a clause boundary, and a
cut is marked with "……", so an amount or a phone is either quoted whole or not at all.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Sequence

from knowledge.records import Contact, Record, Section
from knowledge.vocab import Fields

from .answers import GUIDE_SHORT, VALUE_FIELDS, Answer, contact_lines, order_contacts, short_name
from .selection import has_shape

READOUT_BODY = 120  # characters of the guide's text in the read-out / SMS text (about two SMS segments in all)
AMOUNT_ITEMS = 6  # amount lines on a card
ITEM_CHARS = 160  # characters of one amount or deadline line before it is excerpted
OTHERS = 4  # further entries offered under the card
LEAGUE = "盟级及通用"  # the group of phones that belong to no 旗区
NO_PHONE = "指南这一项没有列出咨询电话。"
_CLAUSE_END = re.compile(r"[，。；;：:、）)]")
_HEADING_NUMBER = re.compile(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]|^\d+[.．]")


@dataclass
class Phone:
    label: str
    phone: str
    person: str | None = None


@dataclass
class PhoneGroup:
    region: str | None  # None: the league's own phones and those of no 旗区
    name: str
    phones: list[Phone]


@dataclass
class Line:
    """A quoted line with the heading it stands under."""

    label: str
    text: str


@dataclass
class Other:
    policy: int
    title: str
    category: str


@dataclass
class Card:
    question: str
    covered: bool
    policy: int | None
    title: str | None
    category: str | None
    field: str  # the asked field's key (`overview` when none was asked, `none` when not covered)
    field_name: str  # … in words: 申报材料, 补贴标准, 概况
    answer: str  # the guide's sentences that answer the question (or the "not covered" text)
    audience: str  # who the entry is for (annotations.yml), "" if not stated
    amounts: list[Line]
    deadline: list[Line]
    phones: list[PhoneGroup]
    citation: str | None
    lines: list[tuple[int, int]]  # source line ranges of what the answer quotes
    entry_lines: tuple[int, int] | None  # the whole entry's line range
    readout: str  # short text to read out or send by SMS, with one phone
    region: str | None = None
    others: list[Other] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        # what was asked is not sent back: the client knows it, and a page could render it (see actions/api.py)
        del data["question"]
        data["lines"] = [list(r) for r in self.lines]
        data["entry_lines"] = list(self.entry_lines) if self.entry_lines else None
        return data


def heading_label(s: Section, fields: Fields) -> str:
    """A section's heading without its number (三、贷款额度 → 贷款额度)."""
    return _HEADING_NUMBER.sub("", s.heading).strip() or fields.name(s.kind)


def excerpt_clauses(text: str, limit: int) -> str:
    """The text, or its beginning up to the last clause boundary within `limit` characters, marked "……".
    A cut never falls inside a clause, so a number and its unit stay together."""
    text = text.strip()
    if len(text) <= limit:
        return text
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, limit + 1) if m.end() <= limit]
    cut = ends[-1] if ends else limit
    if not ends:
        # one clause longer than the limit: never end on a number (its unit or its last digits would be lost)
        while cut > 0 and (text[cut - 1].isdigit() or text[cut - 1] in ".．"):
            cut -= 1
    return text[:cut].rstrip("，、；;：: ") + "……"


def amount_lines(r: Record, fields: Fields) -> list[Line]:
    """The lines of the entry's amount sections that state an amount (a short section whole)."""
    out: list[Line] = []
    # a section headed as the amount itself first; one headed "条件或补助" only when there is no such section
    sections = [s for s in r.sections if s.kind == "amount"] or r.sections_of("amount")
    for s in sections:
        label = heading_label(s, fields)
        lines = [l.strip() for l in s.text.split("\n") if l.strip()]
        if len(s.text) <= 60:
            lines = [" ".join(lines)]
        else:
            lines = [l for l in lines if has_shape(l, "amount")]
        out.extend(Line(label, excerpt_clauses(l, ITEM_CHARS)) for l in lines)
    return out[:AMOUNT_ITEMS]


def deadline_lines(r: Record, fields: Fields) -> list[Line]:
    """When to apply and how long it takes: the deadline and time-limit sections, excerpted."""
    return [Line(heading_label(s, fields), excerpt_clauses(s.text.replace("\n", " "), ITEM_CHARS))
            for kind in ("deadline", "timelimit") for s in r.sections_of(kind)
            if kind == "deadline" or not s.covers("deadline")]


def phone_groups(contacts: Sequence[Contact], region: str | None, regions: Sequence[str]) -> list[PhoneGroup]:
    """The entry's phones grouped by 旗区: the asked 旗区 first, then the league's, then the others in the order of
    knowledge/facts.yml."""
    groups: dict[str | None, list[Phone]] = {}
    for c in contacts:
        groups.setdefault(c.region, []).append(Phone(c.label, c.phone, c.person))
    order = [region] if region in groups else []
    order += [None] + [r for r in regions if r != region] + [r for r in groups if r not in regions and r is not None]
    return [PhoneGroup(key, key or LEAGUE, groups[key]) for key in dict.fromkeys(order) if key in groups]


def _stopped(text: str) -> str:
    return text if text.endswith(("。", "；", ";", "，", "：", ":", "！", "？")) else text + "；"


def readout_phone(contacts: Sequence[Contact], region: str | None) -> str:
    ordered = order_contacts(contacts, region)
    return "咨询电话：" + contact_lines(ordered[:1])[0] if ordered else NO_PHONE


def readout(r: Record, lead: Sequence[str], contacts: Sequence[Contact], region: str | None,
            limit: int = READOUT_BODY, field: str | None = None, prefer: Sequence[str] = ()) -> str:
    """The short text an agent reads out or sends by SMS: the entry's name, the answer's first sentences (whole,
    or cut at a clause and marked), one phone (the 旗区's own when there is one) and the entry's number. For a
    question about a value (多少钱, 多久, 什么时候) the sentences that quote the entry's own section of that value
    (`prefer`) come first, then those that state such a value at all."""
    if field in VALUE_FIELDS:
        def rank(piece: str) -> int:
            return 0 if any(t and t in piece for t in prefer) else (1 if has_shape(piece, field) else 2)
        lead = sorted(lead, key=rank)  # stable: the answer's order within each rank
    body: list[str] = []
    room = limit
    for sentence in lead:
        # a list's lines, and the pieces, are kept apart by a "；" where the guide's text ends without a stop;
        # the chat answer's "……（节选…）" note says nothing read out
        text = "".join(_stopped(l.strip()) for l in sentence.split("\n") if l.strip() and not l.startswith("……"))
        if not text:
            continue
        if len(text) <= room:
            body.append(text)
            room -= len(text)
        elif not body:
            body.append(excerpt_clauses(text, room))
            break
        else:
            break
    text = "".join(body)
    if text.endswith("；"):
        text = text[:-1] + "。"
    head = f"【{short_name(r)}】" + text
    return "\n".join([head, readout_phone(contacts, region), f"依据：{GUIDE_SHORT}第{r.id}项"])


def make_card(answer: Answer, records: dict[int, Record], fields: Fields, regions: Sequence[str]) -> Card:
    """The card for an answer (Assistant.ask); `regions` are the 旗区 in the order of knowledge/facts.yml."""
    others = [Other(e, records[e].title, records[e].category) for e in answer.ranked
              if e != answer.policy and e in records][:OTHERS]
    if answer.policy is None:
        return Card(answer.question, False, None, None, None, "none", "指南未涉及", answer.answer, "", [], [], [],
                    None, [], None, answer.answer, answer.region, others)
    r = records[answer.policy]
    name = "概况" if answer.field == "overview" else fields.name(answer.field)
    lead = answer.lead  # empty when only phones were asked: the phones are the answer
    amounts, deadline = amount_lines(r, fields), deadline_lines(r, fields)
    return Card(
        question=answer.question, covered=True, policy=r.id, title=r.title, category=r.category,
        field=answer.field, field_name=name, answer="\n".join(lead), audience=r.audience.note,
        amounts=amounts, deadline=deadline,
        phones=phone_groups(r.contacts, answer.region, regions), citation=answer.citation,
        lines=list(answer.lines), entry_lines=(r.first_line, r.last_line),
        readout=readout(r, lead, r.contacts, answer.region, field=answer.field, prefer=[
            line.text.rstrip("…") for line in (amounts if answer.field == "amount" else deadline)]),
        region=answer.region,
        others=others)
