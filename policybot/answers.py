"""Compose the answer a user reads, from the structured guide only.

Every sentence of an answer is either the guide's own text (quoted from a section, with its heading) or a fixed
phrase of this module; amounts, materials and phones are never rewritten. The layout suits WeChat: no markdown
tables, short paragraphs, one phone per line, the source at the end.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Sequence

from knowledge.phones import DEFAULT_LABEL
from knowledge.records import Contact, Record, Section
from knowledge.vocab import Fields

from index.query import ordinal_part
from index.search import EntryHit, SearchResult
from index.segment import Segmenter, normalise_text, title_core

from .scope import FUNCTION_CHARS, ScopeDecision
from .selection import (Numbers, Ranked, Selector, Unit, bounds_stated_quantity, has_shape, is_formula, measures,
                        question_numbers)

GUIDE_SHORT = "《涉企政策服务指南（二）》"
SECTION_LIMIT = 500  # characters of one quoted section before it is excerpted
OVERVIEW_LIMIT = 160  # characters of each part of an overview card
CLOSE_CALL = 0.2  # a runner-up within this score of the top entry is named beside it
SIBLING_CALL = 1.0  # … or within this, when its title reads almost the same (企业/个体工商户 versions)
SIBLING_TITLES = 0.6  # title similarity (difflib ratio) that makes two entries siblings
SUGGEST_DENSE = 0.55  # a declined question names an entry only when a passage of it is this close (cosine)
VALUE_FIELDS = ("amount", "deadline", "timelimit", "fee")  # fields whose answer is a value of a known shape
# words that surely ask for an amount (field detection alone is too loose to say "the guide does not state it")
_HOW_MUCH = re.compile(r"额度|金额|利率|多少钱|贷多少|补多少|奖多少|给多少|补贴多少|奖励多少|能拿多少")
SHORT_SECTION = 120  # an asked section this short is the answer whole, whatever else the question says
SECTION_ANSWER = 300  # characters of a whole section given as the answer to a field question
# … from sections up to this long; a longer one would be cut to a few of its blocks, so its best sentences lead
WHOLE_MAX = 450
LEAD_CHARS = 200  # the sentences an answer leads with, in characters (one long sentence is kept whole)
CASES_CHARS = 400  # the cases of one rule, written on one line and parted by "；", are quoted up to this many characters
LIST_CHARS = 360  # a list announced by a quoted sentence ("…留存备查：") is quoted up to this many characters more
ASKED_MAX = 3  # fields one question may ask ("最多贷多少 多长时间 新招人要占多少比例")
LEAD_CLOSE = 1.0  # a further sentence is added when it ranks this close to the best one
# a sentence worded like the best one (difflib ratio, lengths this alike) in a sibling sub-part, ranked this close,
# is a second path
PARALLEL_WORDING = 0.6
PARALLEL_LENGTH = 0.75
PARALLEL_CLOSE = LEAD_CLOSE  # (as close as a further sentence is quoted)
PARALLEL_CHARS = 20
# how far down the ranking a sentence of a needed kind is looked for: a second path, one that speaks of the
# question's own words, a conversion rule, one that uses the words of a field without a section of its own
NEAR_RANKS = 6
PHONES_SHOWN = 2  # phones under a short answer, unless phones were asked for
REPLY_BYTES = 2000  # WeChat carries at most 2,048 bytes of text in one reply
DETAIL = "详细内容"
ALL_MATERIALS = "全部材料"
ALL_PHONES = "全部电话"
# a date something must happen by, or the date a policy runs until ("自2023年1月1日至2027年12月31日", "延长到2025年…")
DEADLINE_LINE = re.compile(r"\d{1,2}月\d{1,2}日(?:之)?前|截止|截至|之前|以前|至\d{4}年|(?:延长|延续|执行)[^，。；]{0,4}?(?:到|至)\d{4}年")
OVERVIEW_FIELDS = ("scope", "conditions", "amount", "materials")
NOT_COVERED = (
    f"抱歉，{GUIDE_SHORT}没有涉及这个问题，我不能凭猜测回答。"
)
WHERE_TO_TURN = (
    "如果是企业经营中遇到的困难或诉求，可以通过“蒙企通”民营企业综合服务平台提出，"
    "由盟、旗区民营经济发展服务部门帮办代办（见指南第56项）；其他事项请向相关主管部门咨询。"
)


@dataclass
class Alternative:
    policy: int
    title: str
    note: str

    def line(self) -> str:
        return f"第{self.policy}项 {self.title}" + (f"（{self.note}）" if self.note else "")


@dataclass
class Answer:
    question: str
    policy: int | None
    title: str | None
    field: str
    answer: str
    contacts: list[Contact] = field(default_factory=list)
    citation: str | None = None
    alternatives: list[Alternative] = field(default_factory=list)
    region: str | None = None
    reason: str = ""
    ranked: list[int] = field(default_factory=list)  # entries in the order search ranked them
    offers: list[str] = field(default_factory=list)  # quick replies that show more ("详细内容", "全部电话" …)
    asked: list[str] = field(default_factory=list)  # the fields the question asked, in order
    lead: list[str] = field(default_factory=list)  # the guide's sentences the answer leads with (no title, phones)
    lines: list[tuple[int, int]] = field(default_factory=list)  # the source line ranges of the quoted sections

    def to_dict(self) -> dict:
        return {
            "policy": self.policy,
            "title": self.title,
            "field": self.field,
            "answer": self.answer,
            "contacts": [asdict(c) for c in self.contacts],
            "citation": self.citation,
            "alternatives": [asdict(a) for a in self.alternatives],
            "region": self.region,
            "reason": self.reason,
            "ranked": self.ranked,
            "offers": self.offers,
        }


_SUB = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_SENTENCE_END = re.compile(r"(?<=[。；;])")
_PHONE_ASKED = re.compile(r"电话|号码|热线|手机|打哪|拨打")
_LABEL = re.compile(r"^[^：:，。]{1,12}[：:]")  # "补贴标准：" heading a quoted section
# a sentence that spells out the one before it ("……按月换算其减免税限额。换算公式为：……")
# List levels: 一、 > （一） > 1. > （1）. A quoted item is read under the lines that head it ("四、高端人才（D类）").
_LEVELS = (re.compile(r"^[一二三四五六七八九十]+、"), re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
           re.compile(r"^\d{1,2}[.．、](?!\d)"), re.compile(r"^[（(]\d{1,2}[）)]"))
HEAD_CHARS = 40  # a heading line longer than this is a sentence of its own, not a heading


def list_level(line: str) -> int | None:
    return next((i for i, pattern in enumerate(_LEVELS) if pattern.match(line)), None)


def item_headings(section_text: str, item: str) -> list[str]:
    """The lines heading a list item in its section, outermost first: the nearest line of each higher level."""
    lines = [ln.strip() for ln in section_text.split("\n") if ln.strip()]
    at = next((i for i, ln in enumerate(lines) if ln.startswith(item) or item.startswith(ln)), None)
    level = list_level(item)
    if at is None or level is None:
        return []
    heads: list[str] = []
    for ln in reversed(lines[:at]):
        up = list_level(ln)
        if up is not None and up < level:
            if len(ln) <= HEAD_CHARS:
                heads.insert(0, ln)
            level = up
            if up == 0 or len(heads) == 2:
                break
    return heads


# "能享受不", "可以申请吗": whether the user qualifies — the answer says who qualifies and what they get
_BOTH = re.compile(r"[^\s，,。？?]{2,}(?:和|与|及|以及|跟)[^\s，,。？?]{2,}")  # two things joined in one clause
_CAN_ASK = re.compile(r"(?:能|可以|能不能|可不可以)[^，。？?]{1,12}?(?:不|吗|么|嘛)[？?。！!]*$")
_CAN_I = re.compile(r"(?:能|可以)(?:享受|报|申请|申报|领|拿|办)[^，。？?]{0,12}?(?:不|吗|么|没|嘛)[？?。！!]*$"
                    r"|能不能(?:享受|报|申请|申报|领|拿)|算不算|够不够|符合[^，。？]{0,6}(?:不|吗|么)")
_HAND_IN_TO = re.compile(r"向[^，。；：]{2,24}?(?:提出|提交|报送|递交|申请|申报)")  # "向所在旗区工信局提出申请"
_HOW_OFTEN = re.compile(r"(?:多久|多长时间|几天|几个月|多少天)[^，。？?]{0,4}一次|频率|多久[^，。？?]{0,4}一回")
_FREQUENCY = re.compile(r"按(?:周|月|季度?|年|日)|每(?:周|月|季度?|年|天|日|半年|\d+个?(?:工作日|月|天))|一(?:周|月|季度|年)一次")
_UNTIL_WHEN = re.compile(r"执行到|执行期|有效期|延续到|延长到|到什么时候|到啥时候|到哪年|到几几年")  # until when it runs
_DATED = re.compile(r"\d{4}年|\d{1,2}月\d{1,2}日")
_WHERE = re.compile(r"(?:去|在|到|上)哪|哪里|哪儿")  # asking where a thing is done
SHORT_AGENCY = 40  # an office named this briefly heads the answer to where a thing is done
SHORT_SCOPE = 160  # who an entry is for, stated this briefly, heads the answer to whether one can apply
_WHAT_MATERIALS = re.compile(r"(?:啥|什么|哪些)(?:材料|资料|手续材料)|(?:准备|带|交|提交|提供)(?:啥|什么|哪些)")
_HANDED_IN = re.compile(r"报送|申报|提交|递交|上报|交")  # a date by which something is handed in
MIN_CORE = 4  # a name this long at least, said in another entry, is the entry (技术交易后补助), not a common word
WHAT_YOU_GET_CHARS = 160  # the amount sentence added to a yes/no answer is short, or it is left to a follow-up


# "再给予一次性创业带动就业补贴": a benefit granted by name, its amount stated elsewhere in the entry
_GRANTED = re.compile(r"给予((?:一次性)?[\u4e00-\u9fa5]{1,14}?(?:补贴|奖励|补助|资助|贴息))(?![\d一二三四五六七八九十])")
_GOES_ON = re.compile(r"^(?:换算公式|计算公式|公式为|计算方法|具体为|具体如下|即)")
ENUMERATION_QUOTE = 4  # characters of a part's heading a question must repeat to ask for that part's list


def common_run(a: str, b: str) -> int:
    """Length of the longest run of characters the two texts share."""
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size


# a question for the parts of something ("指的是哪几块", "包括哪些方面")
ENUMERATION = re.compile(r"(?:包括|包含|分为|分成|分了|都有|有)?(?:哪几|哪[两二三四五六七八九十\d]+(?=[个项条大块类种方])|哪些方面|包括哪些|包含哪些|有几[个项条块方面]|几个方面|几大|哪些内容|都有哪些|分哪些)"
                         r"(?:个|项|条|大|种)?(?:方面|内容|部分|板块|块|类)?")
# "分哪几类", "有几种": the kinds a service tells apart
_KINDS = re.compile(r"(?:分|有|包括|分为)?(?:哪几|哪些|几)\s*(?:类|种|型|档)")
_NAMED_DOCUMENT = re.compile(r"附件|《[^》]*》")  # a heading that names its document says nothing of the part
_ITEM = re.compile(r"^\d{1,2}[.．、](?!\d)")


def split_blocks(text: str) -> list[list[str]]:
    """A section's lines grouped into its sub-parts ((一)(二)…), else its numbered items, else single lines."""
    lines = [l for l in text.split("\n") if l.strip()]
    for marker in (_SUB, _ITEM):
        if sum(1 for l in lines if marker.match(l)) >= 2:
            blocks: list[list[str]] = []
            for line in lines:
                if marker.match(line) or not blocks:
                    blocks.append([line])
                else:
                    blocks[-1].append(line)
            return blocks
    return [[l] for l in lines]


def order_contacts(contacts: Sequence[Contact], region: str | None) -> list[Contact]:
    """The asked region's phones first, then league-level ones, then the other regions'; order kept within each."""
    if not region:
        return list(contacts)
    return sorted(contacts, key=lambda c: 0 if c.region == region else (1 if c.region is None else 2))


def quoted_lines(sections: Sequence[Section]) -> list[tuple[int, int]]:
    """The guide's line ranges of the sections an answer quotes, in the guide's order, each once."""
    return sorted({(s.first_line, s.last_line) for s in sections})


def short_name(r: Record, longest: int = 24) -> str:
    """The entry's name for a chat reply: its title, or its first alias where the title is a whole sentence
    (内蒙古自治区关于进一步做好失信行为纠正后的信用信息修复工作的实施方案 → 信用修复一件事)."""
    name = title_core(r.title)
    return r.aliases[0] if len(name) > longest and r.aliases else name


def fit(text: str, limit: int = REPLY_BYTES) -> str:
    """The text cut to `limit` UTF-8 bytes at a line end, with a note that it was cut (the source line is kept)."""
    if len(text.encode("utf-8")) <= limit:
        return text
    lines = text.split("\n")
    tail = [lines.pop()] if lines and lines[-1].startswith("出处") else []
    note = "……（内容较长，已节选，完整内容见出处）" if tail else "……（内容较长，已节选）"
    budget = limit - len("\n".join([note, *tail]).encode("utf-8")) - 2
    kept: list[str] = []
    size = 0
    for line in lines:
        n = len(line.encode("utf-8")) + 1
        if size + n > budget:
            break
        kept.append(line)
        size += n
    return "\n".join([*kept, note, *tail])


def contact_lines(contacts: Sequence[Contact]) -> list[str]:
    lines = []
    for c in contacts:
        if c.label == DEFAULT_LABEL and not c.person:
            lines.append(c.phone)
            continue
        who = c.label + (f"（{c.person}）" if c.person else "")
        lines.append(f"{who}：{c.phone}")
    return lines



def _giving(ranked: Sequence[Ranked], numbers: Numbers) -> Ranked | None:
    """The sentence ranked near the top that gives a number for the thing a "多少" asks about."""
    return next((rk for rk in ranked[:NEAR_RANKS] if measures(rk.unit.text, numbers.measured)), None)

class Composer:
    def __init__(self, records: Sequence[Record], fields: Fields, segmenter: Segmenter, idf, encode=None,
                 asking: frozenset[str] = frozenset(), who: frozenset[str] = frozenset()):
        self.records = {r.id: r for r in records}
        self.fields = fields
        self.segmenter = segmenter
        self.idf = idf
        # The guide's lines are few and fixed: segment each once, not on every question.
        self.terms_of = lru_cache(maxsize=50_000)(lambda text: frozenset(segmenter.terms(text)))
        # Words that ask for a field (材料, 多少钱, 条件 …) or name one: they pick the section, not the sentence.
        self._asking = asking
        field_words = {key: frozenset(t for w in (*f.cues, *f.labels) for t in segmenter.terms(w) if len(t) >= 2)
                       for key, f in fields.fields.items()}
        self.selector = Selector(self.terms_of, idf, encode, field_words, who=who)

    def specific_terms(self, r: Record, terms: Sequence[str]) -> set[str]:
        """The question's terms beyond the entry's names and the field it asks: "营业收入有没有要求" has one
        (营业收入), "节水技术改造项目的申报条件" none — it wants the whole section."""
        # (a word inside the name is of the name, though segmenting the name whole does not yield it: 专项资金 of
        # 战略性新兴产业发展专项资金项目)
        out = {t for t in set(terms) - self.terms_of(r.title) - self._asking if t not in r.title}
        if r.kind == "service":  # a policy document's aliases name its parts (科技金融 in 金融五篇大文章)
            # … a service's name it too, except the words that tell its sub-parts apart (节水改造: the （二）节水…)
            parts = self.selector.block_words(r)
            for alias in r.aliases:
                out -= self.terms_of(alias) - parts
        out = {t for t in out if (len(t) >= 2 or t.isdigit()) and not set(t) & FUNCTION_CHARS}
        # a part of a specific word is specific too, even where alone it would ask for a field: 限制 of 限制类行业
        # finds 非限制和禁止行业 though 有限制 asks for conditions
        return out | {t for t in set(terms) - out if len(t) >= 2 and any(t in w and t != w for w in out)
                      and not self.terms_of(r.title) >= {t}}

    # -- pieces ---------------------------------------------------------------------------------------------

    def excerpt(self, text: str, terms: set[str], limit: int = SECTION_LIMIT) -> str:
        """The text, or where it is long, the parts that share most with the question, in their order: whole
        sub-parts ((一)(二)…) or items (1. 2. …) where they fit, single lines otherwise."""
        if len(text) <= limit:
            return text
        blocks = split_blocks(text)
        # a sub-part's head says what it is about (（二）认定为成长型…): it counts twice, a lone line once
        scores = [self._overlap("\n".join(b), terms) + (self._overlap(b[0], terms) if len(b) > 1 else 0.0)
                  for b in blocks]
        keep: list[int] = []
        size = 0
        for i in sorted(range(len(blocks)), key=lambda i: (-scores[i], i)):
            block_size = sum(len(l) for l in blocks[i])
            if scores[i] <= 0 and keep:
                break
            if size + block_size <= limit:
                keep.append(i)
                size += block_size
            elif not keep:
                lines = self._best_lines(blocks[i], terms, limit)
                return "\n".join(lines) + "\n……（节选，完整内容见出处）"
        chosen = [line for i in sorted(keep) for line in blocks[i]]
        return "\n".join(chosen) + ("\n……（节选，完整内容见出处）" if len(keep) < len(blocks) else "")

    def focus(self, r: Record, terms: Sequence[str]) -> set[str]:
        """The question's terms that say more than the entry's name: they pick the lines worth quoting."""
        specific = {t for t in set(terms) - self.terms_of(r.title) if t not in r.title}
        return specific or set(terms)

    def _overlap(self, text: str, terms: set[str]) -> float:
        return sum(self.idf(t) for t in self.terms_of(text) & terms)

    def _best_lines(self, lines: list[str], terms: set[str], limit: int) -> list[str]:
        scored = sorted(range(len(lines)), key=lambda i: (-self._overlap(lines[i], terms), i))
        keep: set[int] = {0}  # the block's first line says what it is about
        size = len(lines[0])
        for i in scored:
            if i in keep:
                continue
            if size + len(lines[i]) > limit:
                continue
            keep.add(i)
            size += len(lines[i])
        return [lines[i] for i in sorted(keep)]

    def _heading(self, s: Section) -> str:
        label = s.heading
        label = re.sub(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]|^\d+[.．]", "", label)
        return label or self.fields.name(s.kind)

    def _citation(self, r: Record, sections: Sequence[Section]) -> str:
        parts = "、".join(dict.fromkeys(s.heading for s in sections)) if sections else ""
        first = min((s.first_line for s in sections), default=r.first_line)
        last = max((s.last_line for s in sections), default=r.last_line)
        where = f"·{parts}" if parts else ""
        return f"{GUIDE_SHORT}第{r.id}项“{r.title}”{where}（原文第{first}–{last}行）"

    def _alternatives(self, result: SearchResult, top: EntryHit) -> list[Alternative]:
        """Runners-up close enough that the user should know which is which."""
        out = []
        top_title = self.records[top.entry].title
        for h in result.hits[1:4]:
            r = self.records[h.entry]
            gap = top.score - h.score
            sibling = SequenceMatcher(None, top_title, r.title).ratio() >= SIBLING_TITLES
            if gap <= CLOSE_CALL or (sibling and gap <= SIBLING_CALL):
                out.append(Alternative(r.id, r.title, r.audience.note))
        return out

    # -- answers --------------------------------------------------------------------------------------------

    def not_covered(self, question: str, result: SearchResult, scope: ScopeDecision, region: str | None) -> Answer:
        lines = [NOT_COVERED]
        if scope.topic is not None:
            lines.append(f"这类问题请咨询{scope.topic.turn_to}。")
        else:
            lines.append(WHERE_TO_TURN)
        alternatives = []
        top = result.hits[0] if result.hits else None
        # An entry is suggested only when it is close to the question, never as a guess.
        if top is not None and scope.topic is None and max((p.dense for p in top.passages), default=0.0) >= SUGGEST_DENSE:
            r = self.records[top.entry]
            lines.append(f"如果您问的是“{title_core(r.title)}”，可以直接问我这一项。")
            alternatives = [Alternative(r.id, r.title, r.audience.note)]
        return Answer(question, None, None, "none", "\n".join(lines), [], None, alternatives, region, scope.reason,
                      [h.entry for h in result.hits])

    def compose(
        self,
        question: str,
        result: SearchResult,
        scope: ScopeDecision,
        fields: Sequence[str],
        region: str | None,
        entry: int | None = None,
        *,
        all_phones: bool = False,
        parts: Sequence[tuple[str, SearchResult, Sequence[str]]] = (),
    ) -> Answer:
        """A chat-sized answer from the chosen entry (the top hit unless `entry` is given, e.g. a follow-up): the
        sentences that answer the question first, then at most two phones (the user's 旗区 first; all of them
        when phones were asked for), then a one-line source. The rest is offered as quick replies."""
        fixed = entry is not None
        if entry is None:
            if not scope.covered:
                return self.not_covered(question, result, scope, region)
            entry = result.hits[0].entry
        hit = next((h for h in result.hits if h.entry == entry), None)
        r = self.records[entry]
        asked = [f for f in fields if f in self.fields.fields][:ASKED_MAX]
        field_key = asked[0] if asked else "overview"
        contacts = order_contacts(r.contacts, region)
        if parts:
            # a question about two things of one entry ("个人和企业分别…"): each part's sentences in turn
            body, quoted = [], []
            for part, part_result, part_fields in parts:
                # each part asks its own field where it names one ("成立几年，负债率不能超过多少")
                own = [f for f in part_fields if f in self.fields.fields][:ASKED_MAX]
                # a part that names no field is not about the other parts' fields ("…能牵头报不，找谁问"): its own
                # words decide
                b, q = self.lead(r, part, part_result, own)
                # what an earlier part already quoted is not quoted again, whole or sentence by sentence
                said = "".join(body)
                for x in b:
                    head = _LABEL.match(x)
                    head = head.group(0) if head else ""
                    pieces = [p for p in _SENTENCE_END.split(x[len(head):]) if p.strip()]
                    fresh = [p for p in pieces if p.strip() not in said]
                    if x in body or not fresh:
                        continue
                    body.append(x if len(fresh) == len(pieces) else head + "".join(fresh).strip())
                quoted.extend(x for x in q if x not in quoted)
        else:
            body, quoted = self.lead(r, question, result, asked)
        offers: list[str] = []
        phones_asked = all_phones or "contact" in asked
        if phones_asked:
            shown = contacts
        else:
            # one phone; with a 旗区 known, its own phone and the league's
            shown = contacts[:PHONES_SHOWN if region else 1]
        lines = [f"【{short_name(r)}】" + (body[0] if body else "")]
        lines.extend(body[1:])
        if shown:
            lines.append("咨询电话：" + "；".join(contact_lines(shown)))
        elif "contact" in asked:
            lines.append("指南这一项没有列出咨询电话。")
        alternatives = self._alternatives(result, hit) if hit is not None and not fixed else []
        siblings = [a for a in alternatives if self._siblings(r.title, a.title)][:1]
        if siblings:
            lines.append(f"注意别和第{siblings[0].policy}项“{title_core(siblings[0].title)}”弄混。")
        lines.append("出处：" + self._short_citation(r, quoted))
        if self._more_to_say(r, quoted, asked):
            offers.append(DETAIL)
        if "materials" not in asked and r.has("materials"):
            offers.append(ALL_MATERIALS)
        if len(contacts) > len(shown):
            offers.append(ALL_PHONES)
        text = fit("\n".join(lines))
        return Answer(question, r.id, r.title, field_key, text, list(shown), self._citation(r, quoted),
                      alternatives, region, scope.reason, [h.entry for h in result.hits], offers, list(asked),
                      list(body), quoted_lines(quoted))

    def lead(self, r: Record, question: str, result: SearchResult, asked: Sequence[str]
             ) -> tuple[list[str], list[Section]]:
        """The sentences an answer leads with, and the sections they come from."""
        texts, sections = self._lead(r, question, result, asked)
        numbers = question_numbers(question)

        def rank(fields: Sequence[str], weighted: bool = True) -> list[Ranked]:
            """This entry's sentences for `fields`, ranked for the question — `weighted` by its numbers and the
            entry's own words — for the additions below."""
            focus = set(self.focus(r, result.terms))
            if not weighted:
                return self.selector.rank(r, focus, fields, result.vector)
            return self.selector.rank(r, focus, fields, result.vector, numbers, self.specific_terms(r, result.terms))

        if texts and r.kind == "service" and asked and asked[0] in ("scope", "conditions") \
                and _CAN_I.search(question) and not any(has_shape(t, "amount") for t in texts):
            # "六税两费小型微利企业能享受不": who qualifies, then what they get
            ranked = rank(["amount"])
            gets = next((rk.unit for rk in ranked
                         if rk.unit.section.covers("amount") and has_shape(rk.unit.text, "amount")), None)
            if gets is not None and len(gets.text) <= WHAT_YOU_GET_CHARS and gets.text not in texts:
                texts, sections = [*texts, gets.text], list(dict.fromkeys([*sections, gets.section]))
        if texts and _HOW_OFTEN.search(question) and not any(_FREQUENCY.search(t) for t in texts):
            # "工作进展多久通报一次": the sentence that says how often (按周通报), if one ranks near
            ranked = rank(asked[:1], weighted=False)
            often = next((rk.unit for rk in ranked[:NEAR_RANKS * 2] if _FREQUENCY.search(rk.unit.text)), None)
            if often is not None and len(often.text) <= LEAD_CHARS:
                texts, sections = [often.text, *texts], list(dict.fromkeys([often.section, *sections]))
        stated = numbers.stated
        if texts and r.kind == "service" and stated and _CAN_I.search(question) \
                and not any(bounds_stated_quantity(stated, t) for t in texts):
            # "店开了半年 能申请不": the bound the figure is measured against answers it (需满1年)
            ranked = rank(asked[:1])
            bound = next((rk.unit for rk in ranked if bounds_stated_quantity(stated, rk.unit.text) > 0), None)
            if bound is not None and len(bound.text) <= LEAD_CHARS:
                texts, sections = [*texts[:1], bound.text, *texts[1:]], list(dict.fromkeys([*sections, bound.section]))
        if texts and r.kind == "service" and asked and asked[0] == "conditions" and _CAN_I.search(question):
            # "我们开饭店的，能报创新型中小企业吗": who it is for comes before what they must meet
            who = [s for s in r.sections_of("scope") if len(s.text) <= SHORT_SCOPE and s not in sections
                   and not s.covers("conditions")]
            if who and not any(who[0].text in t for t in texts):
                texts, sections = [f"{self._heading(who[0])}：{who[0].text}", *texts], [who[0], *sections]
        if texts and r.kind == "service" and asked and asked[0] == "process" and _WHERE.search(question):
            # "水权贷在哪办": the office that takes it, then the step that hands the application in to it
            office = [s for s in r.sections_of("agency") if len(s.text) <= SHORT_AGENCY and s not in sections]
            if office and not any(office[0].text in t for t in texts):
                texts, sections = [f"{self._heading(office[0])}：{office[0].text}", *texts], [office[0], *sections]
            if not any(_HAND_IN_TO.search(t) for t in texts):
                handed = self._handing_in(r, ())
                if handed is not None and len(handed[0].text) <= LEAD_CHARS:
                    texts = [*texts[:1], *(u.text for u in handed), *texts[1:]]
                    sections = list(dict.fromkeys([*sections, handed[0].section]))
        return texts, sections

    def _lead(self, r: Record, question: str, result: SearchResult, asked: Sequence[str]
              ) -> tuple[list[str], list[Section]]:
        if asked and asked[0] == "contact" and len(asked) == 1:
            if r.contacts or _PHONE_ASKED.search(question):
                return [], []  # (a phone asked for and none printed: the reply says so)
            asked = ["agency"]  # "找谁" and no phone printed for it: who handles it is what the guide can say
        if asked and asked[0] == "amount" and not r.sections_of("amount"):
            elsewhere = self._amount_elsewhere(r, question, result)
            if elsewhere is not None:
                # "技术交易后补助能补多少": the entry says how to apply; the rates are written under its name in
                # another entry (第20项's （一）技术交易后补助) — quoted from there, and said so
                other, texts = elsewhere
                return [f"这一项没有写补助标准，指南第{other.id}项“{title_core(other.title)}”中写明：", *texts], []
        if asked and asked[0] == "amount" and _HOW_MUCH.search(question) and not r.sections_of("amount") \
                and not any(has_shape(u.text, "amount") for u in self.selector.units(r)):
            # "崇军贷额度多少": the entry states no amount at all — say so rather than quote a neighbouring line
            where = "，具体请向下面的部门咨询。" if r.contacts else "。"
            return [f"指南这一项没有写明金额、额度或标准{where}"], []
        if "materials" in asked and r.sections_of("materials") and _WHAT_MATERIALS.search(question):
            # "要啥材料 多久办完": the list, then the other field's best sentence (but "材料最晚啥时候交" asks a date)
            asked = ["materials", *(f for f in asked if f != "materials")]
        if asked and asked[0] == "deadline" and _UNTIL_WHEN.search(question) \
                and not any(_DATED.search(u.text) for u in self.selector.units(r)):
            # "执行到啥时候" of an entry that gives no date at all: say so rather than quote its procedure
            where = "，具体请向下面的部门咨询。" if r.contacts else "。"
            return [f"指南这一项没有写明截止或执行到的日期{where}"], []
        if asked and asked[0] == "materials":
            # A materials question gets the whole list: that list is the answer.
            sections = r.sections_of("materials")
            if sections:
                text = "\n".join(s.text for s in sections)
                body = ["申报材料：\n" + self.excerpt(text, set(result.terms), 900)]
                if len(asked) > 1 and asked[1] != "contact":
                    # "申报表报到哪里", "要什么材料，去哪交": the other field's best sentence too — a date written
                    # into another section for a deadline (当年12月1日前…报送) — before the list, which may be long
                    ranked = self.selector.rank(r, set(self.focus(r, result.terms)), asked[1:2], result.vector)
                    best = next((rk for rk in ranked if rk.unit.section.covers(asked[1])), None)
                    lines = [best.unit] if best is not None else []
                    if asked[1] == "deadline":
                        # the deadline section, and a date by which the papers are handed in written elsewhere
                        lines = [u for s in r.sections_of("deadline") if len(s.text) <= 80
                                 for u in self.selector.units(r) if u.section == s][:1] or lines
                        dated = next((rk.unit for rk in ranked if not rk.unit.section.covers("deadline")
                                      and rk.unit.section not in sections and DEADLINE_LINE.search(rk.unit.text)
                                      and _HANDED_IN.search(rk.unit.text)), None)
                        lines += [dated] if dated is not None else []
                    body = [*(u.text for u in lines), *body]
                    sections = list(dict.fromkeys([*(u.section for u in lines), *sections]))
                return body, sections
        ordinal = ordinal_part(question) if r.kind == "document" else None
        if ordinal is not None:
            for s in r.sections:
                if s.number == ordinal:
                    return [self.excerpt(s.text, set(result.terms), 400)], [s]
        asks_parts = ENUMERATION.search(question) if r.kind == "document" else None
        if asks_parts:
            listed = self._enumeration(r, question[:asks_parts.start()] + question[asks_parts.end():])
            if listed is not None:
                return listed
        kinds = _KINDS.search(question) if r.kind == "service" else None
        if kinds:
            listed = self._kinds(r, normalise_text(question[:kinds.start()] + question[kinds.end():]))
            if listed is not None:
                return listed
        specific = self.specific_terms(r, result.terms)
        short = asked and asked[0] != "contact" and 0 < sum(len(s.text) for s in r.sections_of(asked[0])) <= SHORT_SECTION
        whole = sum(len(s.text) for f in asked if f != "contact" for s in r.sections_of(f))
        if asked and asked[0] != "contact" and (not specific or short) and r.kind == "service" \
                and r.sections_of(asked[0]) and (whole <= WHOLE_MAX or short):
            # Nothing asked beyond the field: the field's sections are the answer, shortened if long.
            # (a section that holds the field alone before one it shares with another field)
            sections = list(dict.fromkeys(s for f in asked if f != "contact"
                                          for s in sorted(r.sections_of(f), key=lambda s: s.kinds != (f,))))
            if sections:
                # each asked field in its turn, the first one first (办理时限 before the conditions it sits beside)
                body, room, used = [], SECTION_ANSWER, []
                for sec in sections:
                    if room <= 40:
                        break
                    part = (f"{self._heading(sec)}：" if len(sections) > 1 else "") + sec.text
                    piece = self.excerpt(part, set(result.terms), room)
                    body.append(piece)
                    used.append(sec)
                    room -= len(piece)
                sections = used
                if specific:
                    # a short section and a question that says more: the sentence that matches it best too
                    ranked = self.selector.rank(r, set(self.focus(r, result.terms)), asked[:1], result.vector,
                                                question_numbers(question), specific)
                    best = next((rk for rk in ranked if rk.unit.section not in sections), None)
                    if best is None or not ranked or best.score < ranked[0].score - LEAD_CLOSE:
                        best = self._speaking_of(specific, body, ranked)
                    if best is not None:
                        body.append(best.unit.text)
                        sections = [*sections, best.unit.section]
                numbers = question_numbers(question)
                if numbers.measured and not measures("".join(body), numbers.measured):
                    # "评价分要多少" beside a one-line amount section: the sentence giving the number for it
                    ranked = self.selector.rank(r, set(self.focus(r, result.terms)), asked[:1], result.vector,
                                                numbers, specific)
                    given = _giving(ranked, numbers)
                    if given is not None:
                        body.append(given.unit.text)
                        sections = [*sections, given.unit.section]
                if asked[0] == "agency" and "process" not in asked:
                    # "先找哪个部门递材料": where the application is handed in, as the procedure says it
                    handed = self._handing_in(r, [s for s in sections if not s.covers("process")])
                    if handed is not None:
                        body.extend(u.text for u in handed if u.text not in body)
                        sections = list(dict.fromkeys([*sections, handed[0].section]))
                if asked[0] == "deadline":
                    # Dates written into other sections (次年1月30日前将申报材料报送 …) answer it too.
                    dated = [rk for rk in self.selector.rank(r, set(result.terms), ["deadline"], result.vector)
                             if rk.unit.section not in sections and DEADLINE_LINE.search(rk.unit.text)]
                    if dated:
                        body.append(dated[0].unit.text)
                        sections = [*sections, dated[0].unit.section]
                return body, sections
        terms = set(self.focus(r, result.terms))
        numbers = question_numbers(question)
        if not asked and not specific and r.kind == "service":
            return self._overview_lead(r, terms, result, numbers)
        chosen: list[Ranked] = []
        paths: set[Unit] = set()
        # "…能提前撤下来不": whether one can is said where who may and on what conditions are
        can = ([] if asked or not _CAN_ASK.search(question) else
               ["conditions", "scope"] if r.has("conditions") else ["scope"])
        for f in (asked or [None]):
            if f == "contact":
                continue
            ranked = self.selector.rank(r, terms, [f] if f else can, result.vector, numbers, specific)
            if not ranked:
                continue
            # The best sentence of the asked field's sections leads; the best sentence anywhere in the entry
            # follows when it ranks higher (the answer to 是先买后补吗 sits under 补贴方式).
            in_field = [rk for rk in ranked if f is None or rk.unit.section.covers(f)]
            if not in_field:
                # no section of the field: the sentences that use its words (材料 kept 留存备查 among the conditions)
                cue = self.selector.field_words.get(f, frozenset())
                in_field = [rk for rk in ranked[:NEAR_RANKS] if self.terms_of(rk.unit.text) & cue
                            and rk.score >= ranked[0].score - LEAD_CLOSE]
            # a section that holds the field alone outranks one shared with another ("申报条件或补助标准" beside
            # "奖励（政策）标准"): the shared one is mostly the other field
            in_field = [rk for rk in in_field if rk.unit.section.kinds == (f,)] or in_field
            named = self._named_sibling(in_field, terms)
            if named is not None:
                in_field = [named, *(rk for rk in in_field if rk is not named)]
            picks = in_field[:1] + [rk for rk in ranked[:1] if not in_field or rk.score > in_field[0].score]
            best = max(rk.score for rk in picks)
            size = sum(len(rk.unit.text) for rk in picks)
            for rk in ranked[:4]:
                if rk in picks or rk.score < best - LEAD_CLOSE or size + len(rk.unit.text) > LEAD_CHARS:
                    continue
                picks.append(rk)
                size += len(rk.unit.text)
            lead, twin = picks[0], self._parallel(picks[0], ranked)
            if twin is None:
                # … or a pair of them ranking close below a sentence that shares a word or two with the question
                lead, twin = next(((rk, t) for rk in ranked[1:NEAR_RANKS] if rk.score >= best - LEAD_CLOSE
                                   for t in [self._parallel(rk, ranked)] if t is not None), (lead, None))
            if twin is not None:
                # the question names one path ("成长型的…"): that one alone
                said = [len(self.terms_of(rk.unit.block) & terms) for rk in (lead, twin)]
                if said[0] != said[1]:
                    if lead is picks[0]:
                        picks = [lead if said[0] > said[1] else twin, *picks[1:]]
                    twin = None
            if twin is not None:
                # two paths of one procedure that differ by a detail (受理 in 5 or in 3 working days, by who imposed
                # the penalty): both, each under its sub-part's heading, rather than a guess between them
                picks = sorted([lead, twin], key=lambda rk: rk.unit.position)
                paths.update({lead.unit, twin.unit})
            if f in VALUE_FIELDS and not any(has_shape(rk.unit.text, f) for rk in picks):
                # a question for an amount, a date or a duration gets one, the best-ranked that has it
                valued = next((rk for rk in ranked if has_shape(rk.unit.text, f)), None)
                if valued is not None:
                    picks.append(valued)
            if numbers.measured and not any(measures(rk.unit.text, numbers.measured) for rk in picks):
                # "一年得省多少水": the sentence that gives the number for it (年节水量在5万吨), if one ranks near
                given = _giving(ranked, numbers)
                if given is not None:
                    picks.append(given)
            if numbers.calculation and not any(is_formula(rk.unit.text) for rk in picks):
                # "才半年，能减多少": the rule that works the figure out, beside the yearly figure
                rule = next((rk for rk in ranked[:NEAR_RANKS] if is_formula(rk.unit.text)), None)
                if rule is not None:
                    picks.append(rule)
            spoken = self._speaking_of(specific, [rk.unit.text for rk in picks], ranked)
            if spoken is not None:
                picks.append(spoken)
            elif _BOTH.search(question):
                # "成立年限和主营业务收入占比有什么要求": each of the two things joined, not only the one that leads
                # (from anywhere in the asked field's sections: the second thing ranks below the first one's kin)
                spoken = self._speaking_of(self._unsaid(specific, [rk.unit.text for rk in picks]),
                                           [rk.unit.text for rk in picks],
                                           [rk for rk in ranked if f is None or rk.unit.section.covers(f)], len(ranked))
                if spoken is not None:
                    picks.append(spoken)
            chosen.extend(rk for rk in picks if rk not in chosen)
        if chosen:
            # the leading list item is quoted under its headings ("四、高端人才（D类）"), unless they are quoted;
            # a heading that announces the list ("…留存以下材料备查：") then brings the rest of it (below)
            # … and so is a later item of the same section that sits under other headings ("3亿元以上…" under
            # 高端人才（D类） after an item under 实用人才（E类）): which class it belongs to is part of its answer
            units = {(u.section, u.text): u for u in self.selector.units(r)}
            headed: list[Ranked] = []
            quoted_heads: list[str] = []
            for i, rk in enumerate(chosen):
                all_heads = item_headings(rk.unit.section.text, rk.unit.text)
                if i > 0 and (not all_heads or all_heads == quoted_heads[-len(all_heads):]
                              or set(all_heads) <= set(quoted_heads)):
                    headed.append(rk)
                    continue
                # (a path quoted under its sub-part's heading has that heading already)
                heads = [h for h in all_heads if h not in quoted_heads and all(c.unit.text != h for c in chosen)
                         and not (rk.unit in paths and h.rstrip("：:") == rk.unit.block.rstrip("：:"))]
                headed.extend(Ranked(units.get((rk.unit.section, h)) or Unit(h, rk.unit.section, -1), rk.score)
                              for h in heads)
                quoted_heads.extend(heads)
                headed.append(rk)
            chosen = headed
        # a sentence that ends in "；" goes on in the next one (对一般事项…3个工作日；对复杂事项…10个工作日)
        size = sum(len(rk.unit.text) for rk in chosen)
        for rk in list(chosen):
            nxt = self.selector.next_unit(r, rk.unit)
            announced = self._announced(r, rk.unit)
            if announced:
                # "将以下资料留存备查：" — the list it announces is the answer, item by item while there is room
                # (items chosen ahead of it follow it, in their order)
                for c in [c for c in chosen[:chosen.index(rk)] if c.unit in announced]:
                    chosen.remove(c)
                    size -= len(c.unit.text)
                at, room = chosen.index(rk) + 1, size + LIST_CHARS
                for item in announced:
                    if size + len(item.text) > room:
                        break
                    if all(c.unit != item for c in chosen):
                        chosen.insert(at, Ranked(item, rk.score))
                        size += len(item.text)
                    at += 1
                continue
            if rk.unit.text.endswith(("；", ";", "：", ":")) or (nxt is not None and _GOES_ON.match(nxt.text)):
                if nxt is not None and all(c.unit != nxt for c in chosen) and size + len(nxt.text) <= LEAD_CHARS:
                    chosen.insert(chosen.index(rk) + 1, Ranked(nxt, rk.score))
                    size += len(nxt.text)
            prev = self.selector.previous_unit(r, rk.unit)
            if prev is not None and prev.text.endswith(("；", ";")) \
                    and prev.text + rk.unit.text in rk.unit.section.text \
                    and all(c.unit != prev for c in chosen) and size + len(prev.text) <= CASES_CHARS:
                # … and one that follows a "；" on its line is a later case of the same rule: the first case, the
                # common one (一般事项…3个工作日内), comes before it
                chosen.insert(chosen.index(rk), Ranked(prev, rk.score))
                size += len(prev.text)
        for rk in list(chosen):
            # a benefit granted without its amount: the sentence that states the amount follows
            granted = _GRANTED.search(rk.unit.text)
            if granted is None or has_shape(rk.unit.text, "amount"):
                continue
            amount = re.compile(re.escape(granted.group(1)) + r"[^，。；]{0,6}?\d")
            stated = next((u for u in self.selector.units(r) if amount.search(u.text)), None)
            if stated is not None and all(c.unit != stated for c in chosen):
                chosen.insert(chosen.index(rk) + 1, Ranked(stated, rk.score))
        if asked and asked[0] == "deadline":
            for s in r.sections_of("deadline"):
                if all(rk.unit.section != s for rk in chosen) and len(s.text) <= 80:
                    return [f"{self._heading(s)}：{s.text}"] + [rk.unit.text for rk in chosen], \
                        [s] + [rk.unit.section for rk in chosen]
        # two sub-lists may open with the same item
        texts = list(dict.fromkeys(f"{rk.unit.block.rstrip('：:')}：{rk.unit.text}" if rk.unit in paths
                                   else rk.unit.text for rk in chosen))
        return texts, list(dict.fromkeys(rk.unit.section for rk in chosen))

    def _amount_elsewhere(self, r: Record, question: str, result: SearchResult
                          ) -> tuple[Record, list[str]] | None:
        """Where an entry states no amount, the amounts another entry gives under the entry's name (its sentences
        that name it, or those of a sub-part headed by it), best first: the other entry and up to two sentences."""
        core = title_core(r.title)
        if len(core) < MIN_CORE:
            return None
        numbers = question_numbers(question)
        for other in self.records.values():
            if other.id == r.id:
                continue
            under = {u for u in self.selector.units(other) if core in u.block or core in u.text}
            ranked = [rk for rk in self.selector.rank(other, set(result.terms), ["amount"], result.vector, numbers)
                      if rk.unit in under and has_shape(rk.unit.text, "amount")] if under else []
            if ranked:
                return other, [rk.unit.text for rk in ranked[:2]]
        return None

    def _announcer(self, r: Record, item: Unit) -> Unit | None:
        """The sentence announcing the list the item is in ("符合下列情形之一的：" before 1. 2. 3.), if any."""
        level, unit = list_level(item.text), self.selector.previous_unit(r, item)
        if level is None:
            return None
        while unit is not None and list_level(unit.text) == level:
            unit = self.selector.previous_unit(r, unit)
        return unit if unit is not None and unit.text.endswith(("：", ":")) else None

    def _handing_in(self, r: Record, exclude: Sequence[Section]) -> list[Unit] | None:
        """The procedure's sentence that says to whom the application goes ("持下列材料向县以上人力资源社会保障部门
        递交申请："), with the list it announces while there is room; None when the procedure says no such thing."""
        handed = next((u for u in self.selector.units(r) if u.section.covers("process")
                       and u.section not in exclude and _HAND_IN_TO.search(u.text)), None)
        if handed is None:
            return None
        out, size = [handed], 0
        for item in self._announced(r, handed):
            if size + len(item.text) > LIST_CHARS:
                break
            out.append(item)
            size += len(item.text)
        return out

    def _announced(self, r: Record, unit: Unit) -> list[Unit]:
        """The list a sentence ending in a colon announces ("符合下列情形之一的：" → 1. 2. 3.), else []."""
        nxt = self.selector.next_unit(r, unit)
        if not unit.text.endswith(("：", ":")) or nxt is None or list_level(nxt.text) is None:
            return []
        level, items = list_level(nxt.text), []
        while nxt is not None and list_level(nxt.text) == level:
            items.append(nxt)
            nxt = self.selector.next_unit(r, nxt)
        return items

    def _unsaid(self, specific: set[str], body: Sequence[str]) -> set[str]:
        """The question's own words that none of the chosen sentences says, nor any longer word that holds them."""
        said = set().union(*(self.terms_of(text) for text in body)) if body else set()
        return {t for t in specific if t not in said and not any(t in w for w in said)
                and not any(w in t for w in said if len(w) >= 2)}

    def _speaking_of(self, specific: set[str], body: Sequence[str], ranked: Sequence[Ranked],
                     reach: int = NEAR_RANKS) -> Ranked | None:
        """When the sentences chosen for the asked field leave the question's own subject unsaid ("要不要跟企业签
        协议" answered with the amount), the best-ranked sentence that speaks of it, to follow them."""
        said = {t for t in specific if not t.isdigit()}
        if not said or any(self.terms_of(text) & said for text in body):
            return None
        return next((rk for rk in ranked[:reach] if self.terms_of(rk.unit.text) & said
                     and rk.unit.text not in body), None)

    def _named_sibling(self, ranked: Sequence[Ranked], terms: set[str]) -> Ranked | None:
        """Of two sentences written alike in one section ("对种植多年生（苜蓿等）…600元" / "对种植一年生（燕麦等）…100元"),
        the lower-ranked one when only it holds a word of the question (燕麦)."""
        if not ranked:
            return None
        lead = ranked[0]
        own = self.terms_of(lead.unit.text)
        for rk in ranked[1:NEAR_RANKS]:
            other = self.terms_of(rk.unit.text)
            if rk.unit.section == lead.unit.section and (other - own) & terms and not (own - other) & terms \
                    and SequenceMatcher(None, rk.unit.text, lead.unit.text, autojunk=False).ratio() >= PARALLEL_WORDING:
                return rk
        return None

    @staticmethod
    def _parallel(lead: Ranked, ranked: Sequence[Ranked]) -> Ranked | None:
        """The sentence that says the same as `lead` for a sibling sub-part of its section, when it ranks as high:
        the question did not tell the two paths apart."""
        if not lead.unit.block or len(lead.unit.text) < PARALLEL_CHARS:
            return None  # ("组长：…" under each group is a list's line, not a path)
        for rk in ranked[:NEAR_RANKS]:
            u = rk.unit
            if rk.score < lead.score - PARALLEL_CLOSE:
                break
            shorter, longer = sorted((len(u.text), len(lead.unit.text)))
            if u.section == lead.unit.section and u.block and u.block != lead.unit.block \
                    and shorter >= PARALLEL_LENGTH * longer \
                    and SequenceMatcher(None, u.text, lead.unit.text, autojunk=False).ratio() >= PARALLEL_WORDING:
                return rk
        return None

    def _enumeration(self, r: Record, rest: str) -> tuple[list[str], list[Section]] | None:
        """"五篇大文章指的是哪几块": the part of the document whose heading the question quotes, as the list of its
        sub-parts' opening sentences ((一)扎实做好科技金融。(二)…); "工作要点包括哪些方面", naming nothing but the
        document: its numbered parts. `rest` is the question without its asking words."""
        said = normalise_text(rest)
        best: tuple[int, Section, list[str]] | None = None
        for sec in r.sections:
            heads = [_SENTENCE_END.split(b[0], 1)[0] for b in split_blocks(sec.text) if _SUB.match(b[0])]
            quoted = common_run(said, normalise_text(_NAMED_DOCUMENT.sub("", sec.heading)))
            if len(heads) >= 2 and quoted >= ENUMERATION_QUOTE and (best is None or quoted > best[0]):
                best = (quoted, sec, heads)
        if best is not None:
            _, sec, heads = best
            return [f"{self._heading(sec)}：", *heads], [sec]
        parts = [sec for sec in r.sections if sec.number is not None]
        if len(parts) >= 2 and not self.specific_terms(r, self.segmenter.terms(rest)):
            return [f"共{len(parts)}部分：", *(sec.heading for sec in parts)], parts
        return None

    def _kinds(self, r: Record, rest: str) -> tuple[list[str], list[Section]] | None:
        """"科技标杆企业分哪几类": the entry's sub-parts that tell kinds apart ((一)认定为引领型… (二)认定为成长型…),
        when the question names none of them."""
        blocks = self.selector.block_words(r)
        if any(w in rest for w in blocks):
            return None
        units = self.selector.units(r)
        for sec in dict.fromkeys(u.section for u in units):
            heads = list(dict.fromkeys(u.block for u in units if u.section == sec and u.block
                                       and self.selector.named_block(r, u.block)))
            if len(heads) >= 2:
                return [f"{self._heading(sec)}分{len(heads)}类：", *heads], [sec]
        return None

    def _overview_lead(self, r: Record, terms: set[str], result: SearchResult, numbers: Numbers
                       ) -> tuple[list[str], list[Section]]:
        """A question that only names the entry: who it is for and what it gives, one sentence each."""
        body: list[str] = []
        quoted: list[Section] = []
        if r.audience.note:
            body.append(f"适用对象：{r.audience.note}")
        for key in ("amount", "conditions", "scope"):
            ranked = [rk for rk in self.selector.rank(r, terms, [key], result.vector, numbers)
                      if rk.unit.section.covers(key)]
            if ranked and not (key == "scope" and len(body) >= 2):
                lead = self._announcer(r, ranked[0].unit) or ranked[0].unit
                # "符合下列情形之一的，可以…申请信用修复：" says nothing without the list it announces
                items, size = [], 0
                for item in self._announced(r, lead):
                    size += len(item.text)
                    if size > OVERVIEW_LIMIT:
                        break
                    items.append(item.text)
                body.append("\n".join([f"{self.fields.name(key)}：{lead.text}", *items]))
                quoted.append(ranked[0].unit.section)
            if len(body) >= 3:
                break
        return body, list(dict.fromkeys(quoted))

    def _more_to_say(self, r: Record, quoted: Sequence[Section], asked: Sequence[str]) -> bool:
        shown = sum(len(s.text) for s in quoted)
        return sum(len(s.text) for s in r.sections if s.kind != "contact") > shown + 40

    @staticmethod
    def _siblings(a: str, b: str) -> bool:
        return SequenceMatcher(None, a, b).ratio() >= SIBLING_TITLES

    def _short_citation(self, r: Record, sections: Sequence[Section]) -> str:
        parts = "、".join(dict.fromkeys(self._heading(s) for s in sections)) if sections else ""
        parts = parts if len(parts) <= 8 else ""  # one short heading says where; a list of them is noise
        # The entry's number and heading find it in the printed guide; line numbers of our text copy do not
        # (they stay in Answer.citation, for the console and the API).
        return f"指南第{r.id}项" + (f"·{parts}" if parts else "")

    # -- the long answer -----------------------------------------------------------------------------------

    def detail(
        self,
        question: str,
        result: SearchResult,
        scope: ScopeDecision,
        fields: Sequence[str],
        region: str | None,
        entry: int | None = None,
    ) -> Answer:
        """The long answer ("详细内容"): the asked sections quoted whole or excerpted, every phone, the citation."""
        fixed = entry is not None  # a follow-up or a choice: the question itself does not pick the entry
        if entry is None:
            if not scope.covered:
                return self.not_covered(question, result, scope, region)
            entry = result.hits[0].entry
        hit = next((h for h in result.hits if h.entry == entry), None)
        r = self.records[entry]
        terms = self.focus(r, result.terms)
        asked = [f for f in fields if f in self.fields.fields][:2]
        contacts = order_contacts(r.contacts, region)
        body: list[str] = []
        quoted: list[Section] = []

        if r.kind == "document":
            field_key = asked[0] if asked else "overview"
            body, quoted = self._document_parts(r, hit, terms, ordinal_part(question))
        elif not asked:
            field_key = "overview"
            body, quoted = self._overview(r, hit, terms)
        else:
            field_key = asked[0]
            for key in asked:
                if key == "contact":
                    continue
                sections = r.sections_of(key)
                for s in sections:
                    body.append(f"{self._heading(s)}：\n{self.excerpt(s.text, terms)}")
                    quoted.append(s)
                if key == "deadline":
                    extra = self._deadline_lines(r, exclude=sections)
                    body.extend(extra[0])
                    quoted.extend(extra[1])
            missing = [k for k in asked if k != "contact" and not r.sections_of(k)]
            if missing and r.kind == "service":
                body.insert(0, f"指南这一项没有单列“{'、'.join(self.fields.name(k) for k in missing)}”。")
            # Words that only name the entry (title, aliases) say nothing about which section answers.
            specific = set(result.terms) - self.terms_of(r.title)
            for alias in r.aliases:
                specific -= self.terms_of(alias)
            wants_evidence = specific and asked != ["contact"]
            for evidence in (self._evidence(r, hit, quoted, specific) if wants_evidence else []):
                body.append(f"相关规定（{self._heading(evidence)}）：\n{self.excerpt(evidence.text, terms)}")
                quoted.append(evidence)
            if "contact" in asked and not contacts:
                body.append("指南这一项没有列出咨询电话。")

        lines = [f"【{r.title}】（第{r.id}项·{r.category}）"]
        lines.extend(body)
        if contacts:
            head = "咨询电话" + (f"（{region}优先）" if region and any(c.region == region for c in contacts) else "")
            lines.append(head + "：\n" + "\n".join(contact_lines(contacts)))
        alternatives = self._alternatives(result, hit) if hit is not None and not fixed else []
        if alternatives:
            lines.append("请注意区分，相近的还有：\n" + "\n".join(a.line() for a in alternatives))
        citation = self._citation(r, quoted)
        lines.append(f"出处：{citation}")
        return Answer(question, r.id, r.title, field_key, fit("\n\n".join(lines)), contacts, citation,
                      alternatives, region, scope.reason, [h.entry for h in result.hits], asked=list(asked))

    def _overview(self, r: Record, hit: EntryHit | None, terms: set[str]) -> tuple[list[str], list[Section]]:
        body: list[str] = []
        quoted: list[Section] = []
        if r.audience.note:
            body.append(f"适用对象：{r.audience.note}")
        for key in OVERVIEW_FIELDS:
            for s in r.sections_of(key)[:1]:
                body.append(f"{self._heading(s)}：\n{self.excerpt(s.text, terms, OVERVIEW_LIMIT)}")
                quoted.append(s)
        return body, quoted

    def _document_parts(self, r: Record, hit: EntryHit | None, terms: set[str], ordinal: int | None = None,
                        parts: int = 2) -> tuple[list[str], list[Section]]:
        """A policy document answers with the part the question numbers (第十三条), else the parts whose passages
        matched best."""
        body: list[str] = []
        quoted: list[Section] = []
        numbered = [s for s in r.sections if ordinal is not None and s.number == ordinal]
        for s in numbered[:1]:
            return [self._part_text(s, terms)], [s]
        by_heading = {s.heading: s for s in r.sections}
        for p in (hit.passages if hit else []):
            s = by_heading.get(p.passage.heading)
            if p.passage.kind == "title" or s is None or s in quoted:
                continue
            body.append(self._part_text(s, terms))
            quoted.append(s)
            if len(quoted) >= parts:
                break
        return body, quoted

    def _part_text(self, s: Section, terms: set[str]) -> str:
        text = self.excerpt(s.text, terms)
        # A numbered part's text opens with its own heading line; other parts get theirs printed above.
        return text if text.startswith(s.heading[:6]) else f"{s.heading}：\n{text}"

    def _deadline_lines(self, r: Record, exclude: Sequence[Section]) -> tuple[list[str], list[Section]]:
        """Dates written into other sections (次年1月30日前将申报材料报送 …) answer deadline questions too."""
        body, used = [], []
        for s in r.sections:
            if s in exclude:
                continue
            hits = [l for l in s.text.split("\n") if DEADLINE_LINE.search(l)]
            if hits:
                body.append(f"另据{self._heading(s)}：\n" + "\n".join(hits))
                used.append(s)
        return body, used

    def _evidence(
        self, r: Record, hit: EntryHit | None, quoted: Sequence[Section], terms: set[str], most: int = 2
    ) -> list[Section]:
        """The best-matching passages' sections that are not quoted yet, when they share a specific word with the
        question: the answer to 是先买后补吗 sits under 补贴方式 whatever field the question seemed to ask."""
        candidates = [p for p in (hit.passages if hit else []) if p.passage.kind not in ("title", "contact")]
        if not candidates:
            return []
        top = max(p.lexical for p in candidates)
        found: list[Section] = []
        for p in sorted(candidates, key=lambda p: -p.lexical):
            # the first must match half as well as the best passage, a second nearly as well
            if p.lexical <= 0 or p.lexical < (0.5 if not found else 0.8) * top or len(found) >= most:
                break
            section = next((s for s in r.sections if s.heading == p.passage.heading
                            and s.first_line <= p.passage.first_line <= s.last_line), None)
            if section is None or section in quoted or section in found:
                continue
            if self.terms_of(p.passage.text) & terms:
                found.append(section)
        return found
