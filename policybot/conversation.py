"""The conversation around the answers: follow-ups on the entry under discussion, a new topic replacing it, the
alternatives ("还有别的吗") and choosing one, human handoff, the enterprise-profile questions and the matches.

Plain Python over the Assistant and the matcher; the Rasa actions only move state in and out of slots.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Sequence

from pypinyin import lazy_pinyin

from index.query import named_entries
from index.segment import normalise_text, title_core
from knowledge.vocab import Dialogue, Fact, form_facts, is_question, load_dialogue

from .answers import Answer, common_run, contact_lines, fit, order_contacts, short_name, split_blocks
from .assistant import Assistant, Reading
from .matcher import assess, match as match_profile
from .parts import split_parts
from .profile import UNKNOWN, describe, extract_facts, known, options, without_facts
from .scope import FUNCTION_CHARS
from .selection import measures, quantity_in, question_numbers, states_same_quantity

SWITCH_MARGIN = 0.3  # another entry must score this much above the one under discussion to change the topic …
SIBLING_GAP = 0.8  # how far below the best entry a version for the user's kind of business may rank
WORD_OF_FEW = 10  # a message whose one new word this many entries use does not switch on it
SWITCH_SHARE = 0.25  # … or hold this much more of the message's words (idf-weighted share) than it does
FOLLOW_SHARE = 0.6  # a message whose words the entry under discussion holds this much of stays with it
FRAME_GAP = 1.0  # "X呢" may take an entry this far below the top one when it keeps the current entry's frame
NAMED_LEAD = 0.8  # a named entry this far ahead of the one under discussion is the subject, though it mentions the name
QUOTED_OWN = 8  # … unless the message quotes this many characters of it ("其他部门作出的行政处罚")
LEAVE_DOCUMENT = 1.0  # how far another entry must lead a policy document under discussion to take a follow-up
FRAME_TITLES = 4  # a title word shared by more titles than this says nothing of a frame
FRAME_RUN = 5  # characters another entry's name must share in one run with the current title to keep its frame
HANDOFF_ENTRY = 56  # 关于建立民营企业诉求解决帮办代办工作机制的通知
MAX_MATCHES_SHOWN = 6
PROFILE_CONTEXT = ("credit_issue", "sector", "entity_type")  # facts that may be what a question is about
MAX_OPTIONS = 5
_JOINED = re.compile(r"和|与|跟|及|以及|还有|分别|各|、|还是")
_INTAKE = re.compile(r"免跑腿|蒙企通|个工作日")  # the sentences of the 诉求受理 paragraph a caller needs
# asking what support there is at all: "有啥补贴", "能享受什么政策", "有哪些优惠"
_ANY_SUPPORT = re.compile(r"(?:啥|什么|哪些|哪种|哪类)(?:样的)?(?:补贴|政策|扶持|优惠|支持|补助|奖励|好处|帮扶)")
# "有没有贷款的政策", "个体户能贷款不": asking which loans there are, not about one of them
_LOANS_ASKED = re.compile(r"(?:有没有|有啥|有什么|有哪些|哪些|能不能|可不可以|可以)[^，。？?]{0,6}?(?:贷款|借款|融资|贷)"
                          r"|能[^，。？?]{0,4}?(?:贷款|借款|融资|贷)(?:吗|不|么|嘛|没)")
LOAN_MARK = "贷"  # the guide's loan products all say 贷 in their titles (水权贷, 创业担保贷款, 崇军贷 …)
_BARE_NUMBER = re.compile(r"^\s*第?\s*[0-9０-９一二两三四五六七八九十]{1,3}\s*[个项号条]?\s*[。.!！]?\s*$")
_ELLIPTIC = re.compile(r"(呢|的话|怎么样|咋样)[？?。！!]*$")
# "个体户呢 也这么快吗", "那省级的专精特新呢，有啥条件": the last question again, about another thing
_ANOTHER_ONE = re.compile(r"^(?:那|那么|那要是|要是)?[^，,？?。\s]{2,12}呢(?:[？?。！!，,\s]|$)")
# "我哥也是退伍的，也能减这么多吗": the same question about someone or something else — the frame stays
_ALSO = re.compile(r"也(?:能|可以|算|行|给|享受|适用|有|一样|是|进|被|上了|列)")
_BACK = re.compile(r"刚才|刚刚|方才|前面说的|之前说的|上面说的")  # "刚才那个脱贫户的…": back to what was said
# "个人的呢", "那省级的呢": the thing that changes
_CHANGED = re.compile(r"^(?:那|那么|那要是|要是)?([^，,？?。\s的]{2,12}?)的?呢")
_THEN = re.compile(r"^(?:那|那么|那要是|那如果)")
NEAR_HITS = 3  # the entries near the top of a search that a follow-up is weighed against
SUBJECT_WORDS = 6  # the last question's own words kept for an elliptic follow-up
OPENING_CHARS = 6  # "那" and a name starting this near the opening of a message is what the message turns to
_NEGATED = re.compile(r"^(?:那|那么|要是|如果)?(?:不是|不算|非|没有|不属于)")  # "不是小微的呢": the other case
# "能申请专精特新中小企业吗", "申报国家专精特新“小巨人”": what is applied for
_APPLY_FOR = r"(?:申请|申报|报|评|认定|参评|入选)(?:个|一下|上)?(?:国家级?|自治区级?|省级|盟级)?"
_HOW_ONE_IS = r"(?:咋|怎么|如何|怎样)(?:认定|评定|划分|界定)"  # "小型微利企业咋认定": what makes one is asked
# facts that say whom or what an entry is for (退役军人, 高校毕业生, 经营异常名录 …): a message telling one has a topic
# the search can follow ("我是应届毕业生 开了个个体户"); 旗区, trade and kind of business alone do not
_WHOM_FOR = {"is_veteran", "owner_groups", "hires", "credit_issue"}
_NUMERIC = re.compile(r"^[\d.%]+(?:个)?[年月日天万亿元吨亩只人名件项次号%]*$")  # a number, or a quantity ("2年")
_CLAUSE_END = re.compile(r"[，,；;。！!？?\s]+")
_GENERIC = {"政策", "这项", "该项", "项目", "这个", "那个", "它", "其", "还有", "别的", "呢", "的"}
_CHINESE_ORDINALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}


@dataclass
class State:
    """What the conversation remembers between turns (Rasa slots)."""

    policy: int | None = None  # the entry under discussion
    field: str | None = None  # the fields last asked about, comma-separated ("amount,process")
    region: str | None = None
    options: list[int] = dc_field(default_factory=list)  # entries related to the last answer ("还有别的吗")
    offered: list[int] = dc_field(default_factory=list)  # the numbered list the last reply showed, if any
    subject: str | None = None  # the last question's own words, comma-separated ("成长型,投入,强度"): what "X呢" keeps
    profile: dict[str, Any] = dc_field(default_factory=dict)


    @property
    def fields(self) -> list[str]:
        return [f for f in (self.field or "").split(",") if f]


@dataclass
class Reply:
    text: str
    buttons: list[dict[str, str]] = dc_field(default_factory=list)
    updates: dict[str, Any] = dc_field(default_factory=dict)
    answer: Answer | None = None


class Conversation:
    def __init__(self, assistant: Assistant, facts: dict[str, Fact], dialogue: Dialogue | None = None):
        self.assistant = assistant
        self.facts = facts
        self.dialogue = dialogue or load_dialogue()
        seg = assistant.index.segmenter
        # Words that ask *about* an entry rather than name one: field cues and labels, 旗区, enterprise facts.
        non_topic: set[str] = set(_GENERIC)
        for f in assistant.fields.fields.values():
            for w in (*f.cues, *f.labels):
                non_topic.update(seg.terms(w))
        for fact in facts.values():
            for form in fact.surface_forms():
                if isinstance(form, str):
                    non_topic.update(seg.terms(form))
        self._non_topic = non_topic
        self._names = assistant.searcher.names
        # the groups of people a message may name (退役士兵, 脱贫人口 …): an entry that never says one is not for it
        self._groups = {t for key in ("hires", "owner_groups") for form in facts[key].surface_forms()
                        for t in seg.terms(form) if len(t) >= 2}
        # 旗区 names: "额济纳那边电话呢" asks the entry under discussion for another place's phone.
        self._places = {t for form in (*facts["region"].surface_forms(), *self.dialogue.here) for t in seg.terms(form)}
        # Each entry's service: its title without the kinds of business it names (企业, 个体工商户 …, longest
        # first), so that one service's versions read the same (企业移出经营异常名录 / 个体工商户移出经营异常名录).
        # (个人 too: 个人所得税 is the 个体工商户's version of 企业所得税)
        kinds = sorted({w for form, value in facts["entity_type"].surface_forms().items()
                        for w in (form, value) if isinstance(w, str)} | {"个人"}, key=len, reverse=True)
        self._services = {e: _without(normalise_text(title_core(r.title)), kinds)
                          for e, r in assistant.records.items()}
        self._texts: dict[int, str] = {}
        self._saying: dict[str, int] = {}
        # Title words that make a frame: not the ones half the titles share (企业, 政策, 项目)
        titles = [seg.terms(r.title) for r in assistant.records.values()]
        self._frame_words = {t for ts in titles for t in ts if len(t) >= 2 and t not in _GENERIC
                             and sum(t in other for other in titles) <= FRAME_TITLES}
        # Words that ask for a field (材料, 电话, 多少钱 …): they say what is asked, not about what.
        self._asking = assistant.asking_terms

    # -- questions ------------------------------------------------------------------------------------------

    def topic_terms(self, terms: Sequence[str]) -> list[str]:
        """Terms that name a subject; colloquial fillers (那要, 咋办) are not subjects."""
        return [t for t in terms if t not in self._non_topic and not set(t) & FUNCTION_CHARS]

    def names_a_topic(self, said: str) -> bool:
        """Whether the words of `said` name a subject the search knows (two characters or more)."""
        terms = self.topic_terms(self.assistant.index.segmenter.terms(said))
        return any(len(t) >= 2 and t in self.assistant.searcher.known_terms for t in terms)

    def speaks_of_topic(self, said: str) -> bool:
        """names_a_topic, or a category's mark in a character ("税上有啥优惠没": the tax entries')."""
        return any(mark.said(said) for mark in self.assistant.category_marks) or self.names_a_topic(said)

    def answer(self, text: str, state: State) -> Reply:
        """Answer a message: one search, then a decision from it. A message that names no other entry and asks
        nothing the entry under discussion lacks is a follow-up about that entry; naming another entry, or
        words that another entry clearly matches better, changes the topic."""
        quick = self._quick_reply(text, state)
        if quick is not None:
            return quick
        a = self.assistant
        corrected = a.correct(text)
        loans = self.loans(corrected, state)
        if loans is not None:
            return loans
        stated = self.broad_with_facts(corrected)
        if stated:
            # "我是开饭馆的个体户，有啥补贴": no policy asked about, only who they are — what fits them
            reply = self.match({**state.profile, **stated})
            reply.updates.update(stated)
            reply.buttons.append({"title": "补充情况，看得更准", "payload": "/start_matching"})
            return reply
        understood = a.understand(corrected)
        told = self.told_only(corrected, understood.fields, state)
        if told is not None:
            return told
        fields = understood.fields
        elliptic = not fields and asks_again(text) and len(text.strip()) <= 16
        if not fields and state.field and (elliptic or understood.region):
            fields = state.fields  # "国家级的呢", "额济纳旗的呢": the last question again, about something else
        elif fields == ["contact"] and state.field and asks_again(text) and not understood.region \
                and _ANOTHER_ONE.search(text.strip()):
            fields = [*state.fields, "contact"]  # "节水的呢 顺便给个电话": the last question again, and the phone
        region = understood.region or state.region
        reading = a.read(text, fields=fields, corrected=corrected)
        if not reading.scope.covered and reading.scope.topic is None and state.policy is None:
            # "移出来一般要几天" while telling the profile questions 被列进经营异常名录了: what the user said of
            # the business is what the question is about
            said = "，".join(self._profile_words(state.profile))
            if said:
                within = a.read(f"{said}，{text}", fields=fields, corrected=f"{said}，{corrected}")
                if within.scope.covered:
                    reading = within
        several = self.named_pair(reading)
        if several:
            return self._several(reading, several, fields, region, state)
        side_by_side = self.separate_questions(corrected, state.policy)
        if len({e for _, e in side_by_side}) >= 2:
            return self._each([(r, e, None) for r, e in side_by_side], region)
        if side_by_side and side_by_side[0][1] == (self.follow_up_entry(reading, state) or
                                                                  reading.result.hits[0].entry):
            # "…机制 召集人是谁 办公室设哪": two questions the field cues do not name, about one entry — each
            # clause's own sentences
            e = side_by_side[0][1]
            clauses = [r for r, _ in side_by_side]
            whole = a.answer(reading, entry=e, fields=fields, region=region) if fields else None
            if whole is None or not asks_again(text) and self._unanswered(clauses, e, whole):
                # (clauses asking the same field are read whole, unless that leaves a clause unanswered:
                # "小巨人要成立几年，资产负债率不能超过多少")
                answer = a.answer(reading, entry=e, fields=fields, region=region,
                                  parts=[r for r, _ in side_by_side])
                return self._reply(answer, state, region, keep_options=e == state.policy)
        parts = split_parts(corrected)
        if len(parts) >= 2 and reading.scope.covered:
            reply = self._parts(reading, parts, fields, region, state)
            if reply is not None:
                return reply
        entry = self.follow_up_entry(reading, state, elliptic=asks_again(text) or bool(_ALSO.search(text))
                                     or bool(_BACK.search(text)))
        if entry is not None and entry == state.policy:
            # "我还有个公司也进了异常名录…" after the 个体工商户 version: the message says whose case it is, and
            # the same service has a version for it
            entry = self._version_for(entry, extract_facts(reading.text, self.facts).get("entity_type"))
        if entry is not None:
            if entry == state.policy and state.subject and (elliptic or self._same_matter(text, fields, state)):
                reading = self._with_subject(reading, state, fields)
            answer = a.answer(reading, entry=entry, fields=fields, region=region)
            return self._reply(answer, state, region, keep_options=entry == state.policy)
        fitting = self._fitting_sibling(reading, state)
        answer = a.answer(reading, entry=fitting, fields=fields, region=region)
        return self._reply(answer, state, region)

    def loans(self, text: str, state: State) -> Reply | None:
        """"我开了个小饭馆，有没有贷款的政策": the guide's loans, numbered, leaving out those the user's stated
        facts rule out. None when the message names a loan or follows up on one."""
        records = self.assistant.records
        if not _LOANS_ASKED.search(text) or named_entries(text, list(records.values()), self._names):
            return None
        if state.policy in records and LOAN_MARK in records[state.policy].title:
            return None  # "能不能贷" after 崇军贷 asks about 崇军贷
        if self.names_a_topic(_LOANS_ASKED.sub("，", without_facts(text, self.facts))):
            return None  # "科技型企业有啥贷款产品": loans of a subject the search will find
        facts = {k: v for k, v in extract_facts(text, self.facts).items() if k != "region"}
        profile = {**state.profile, **facts}
        # all of them the matcher does not exclude: the guide has six, one more than an alternatives list shows
        # … the ones meant for what the user said (崇军贷 for a veteran) first
        assessed = {e: assess(r, profile) for e, r in records.items() if LOAN_MARK in r.title}
        shown = sorted((e for e, (verdict, _) in assessed.items() if verdict != "excluded"),
                       key=lambda e: (assessed[e][0] != "match", -assessed[e][1].score, e))[:MAX_OPTIONS + 1]
        if not shown:
            return None
        lines = ["指南里的贷款类政策" + ("（按您说的情况）" if facts else "") + "有："]
        for n, entry in enumerate(shown, start=1):
            note = f"（{records[entry].audience.note}）" if records[entry].audience.note else ""
            lines.append(f"{n}. 第{entry}项 {records[entry].title}{note}")
        lines.append("回复序号（如“1”）查看条件、额度和材料。")
        return Reply("\n".join(lines), [self._choice_button(e) for e in shown], {"offered": shown, **facts})

    def broad_with_facts(self, text: str) -> dict[str, Any]:
        """The facts a message states when that is all it says besides asking for support in general (补贴, 政策,
        扶持 …: field words, not a topic); {} when it names an entry or a topic of its own."""
        if not _ANY_SUPPORT.search(text):
            return {}  # "能减多少" asks about the entry under discussion; "有啥补贴" asks what there is
        facts = {k: v for k, v in extract_facts(text, self.facts).items() if k != "region"}
        if not facts or named_entries(text, list(self.assistant.records.values()), self._names):
            return {}
        said = _ANY_SUPPORT.sub("，", without_facts(text, self.facts))
        return {} if self.speaks_of_topic(said) else facts  # "…办的个体户 税上有啥优惠没": the tax entries' topic

    def told_only(self, text: str, fields: Sequence[str], state: State) -> Reply | None:
        """At the opening of a conversation, a message that only tells about the business — no question, no field,
        no entry and no topic of the guide's ("我在阿右旗开了个修车铺"): what it told is kept and the user is asked
        what they want to know, rather than answered with whatever entry its words happen to match."""
        if state.policy is not None or fields or is_question(text) or _ANY_SUPPORT.search(text):
            return None
        facts = extract_facts(text, self.facts)
        if not facts or set(facts) & _WHOM_FOR or named_entries(text, list(self.assistant.records.values()),
                                                                 self._names):
            return None
        if self.speaks_of_topic(without_facts(text, self.facts)):
            return None
        heard = "；".join(describe(k, v) for k, v in facts.items())
        return Reply(f"好的，记下了（{heard}）。您想了解哪方面的政策？可以直接问，比如“创业担保贷款怎么申请”；"
                     "也可以说“有什么政策适合我”，我问您几个问题，帮您找出适合的政策。",
                     buttons=[{"title": "有什么政策适合我", "payload": "/start_matching"}], updates=dict(facts))

    def _fitting_sibling(self, reading: Reading, state: State, chosen: int | None = None) -> int | None:
        """When the best entry (or the one `chosen`) is for another kind of business than the user said they run
        (企业 vs 个体工商户 versions of one service), the close entry that is for theirs."""
        said = extract_facts(reading.text, self.facts).get("entity_type")  # "开了个个体户" in this very message
        entity = said or state.profile.get("entity_type")
        hits = reading.result.hits
        if not known(entity) or not hits or not reading.scope.covered:
            return None
        best = next((h for h in hits if h.entry == chosen), hits[0]) if chosen is not None else hits[0]
        if self._fits(best.entry, entity):
            return None
        for h in hits[:4]:
            if h.entry != best.entry and self._fits(h.entry, entity) and best.score - h.score <= SIBLING_GAP:
                return h.entry
        return None

    def _fits(self, entry: int, entity: Any) -> bool:
        """Is the entry open to this kind of business?"""
        allowed = self.assistant.records[entry].audience.restrict.get("entity_type")
        return not allowed or entity in allowed

    def _version_for(self, entry: int, entity: Any) -> int:
        """The version of the entry's service for the kind of business named (its sibling by title), if the entry
        is not for that kind and a version is."""
        if not known(entity) or self._fits(entry, entity):
            return entry
        return next((e for e in self.assistant.records if e != entry and self._fits(e, entity)
                     and self._services[e] == self._services[entry]), entry)

    def named_pair(self, reading: Reading) -> list[int]:
        """Entries a question names side by side ("高企和科小分别奖多少"): two or more names joined by 和/与/跟 …"""
        named = [h for h in reading.result.hits if h.named]
        if len(named) < 2 or not _JOINED.search(reading.text):
            return []
        names = [h.named for h in named]
        # a name inside another one names one entry, not two
        distinct = [h for h in named if not any(h.named != n and h.named in n for n in names)]
        text = normalise_text(reading.text)
        outside = text
        for name in sorted({h.named for h in distinct}, key=len, reverse=True):
            outside = outside.replace(name, "，")
        if not _JOINED.search(outside):
            return []  # the 和 is inside a name ("创新型中小企业和专精特新中小企业"): one entry, the other a condition
        distinct.sort(key=lambda h: text.find(h.named))  # in the order the question names them
        return [h.entry for h in distinct[:3]] if len(distinct) >= 2 else []

    def _several(self, reading: Reading, entries: list[int], fields: list[str], region: str | None,
                 state: State) -> Reply:
        names = {h.entry: h.named for h in reading.result.hits if h.named}
        asked = []
        for e in entries:
            # each entry answers the question without the other entries' names in it
            text = normalise_text(reading.text)
            for other in entries:
                if other != e and names.get(other):
                    text = text.replace(names[other], "")
            asked.append((self.assistant.read(text, fields=fields), e, fields))
        return self._each(asked, region)

    def _each(self, asked: list[tuple[Reading, int, list[str] | None]], region: str | None) -> Reply:
        """One answer per (question, entry), in the order asked, as one message."""
        answers = [self.assistant.answer(r, entry=e, fields=f, region=region) for r, e, f in asked]
        text = fit("\n\n".join(a.answer for a in answers))
        first = answers[0]
        updates = {"region": region, "offered": [], "policy": first.policy,
                   "field": ",".join(first.asked) or None, "options": list(dict.fromkeys(e for _, e, _ in asked))}
        return Reply(text, [], updates, first)

    def separate_questions(self, text: str, current: int | None = None) -> list[tuple[Reading, int]]:
        """"失业保险费率现在多少 工伤保险四类行业呢": questions side by side, each about an entry of its own — the
        one it names, or the best one when the clause's words are in its title; else the one the clause before
        is about. A clause that asks nothing heads the next one ("科技型中小企业，职工最多多少人"). [] for one
        question."""
        clauses = [c for c in _CLAUSE_END.split(text) if c]
        if len(clauses) < 2:
            return []
        questions, head = [], ""
        for c in clauses:
            if not self._asks(c):
                head += c + "，"
                continue
            questions.append(head + c)
            head = ""
        if len(questions) < 2:
            return []
        out: list[tuple[Reading, int]] = []
        terms = self.assistant.composer.terms_of
        for q in questions:
            reading = self.assistant.read(q)
            if reading.scope.topic is not None:
                return []  # "工伤认定咋申请": a clause the guide does not cover; the message is read whole
            hits = reading.result.hits
            named = [h for h in hits if h.named]
            topic = set(self.content(reading))
            if named and out and named[0].named in self._text_of(out[-1][1]) \
                    and set(reading.fields) <= {"scope", "conditions"}:
                # "那专精特新中小企业呢，被列进经营异常名录了，能申请吗": a name the entry before says itself, asked
                # whether one may apply, is a condition of that entry
                out.append((reading, out[-1][1]))
            elif named:
                out.append((reading, named[0].entry))
            elif out and self._share(sorted(topic), out[-1][1]) >= FOLLOW_SHARE:
                out.append((reading, out[-1][1]))  # "…历史遗留问题 多久能办完 小微企业收费不": still that entry's words
            elif hits and topic & terms(self.assistant.records[hits[0].entry].title):
                out.append((reading, hits[0].entry))  # "工伤保险四类行业呢": its words are an entry's title words
            elif out:
                out.append((reading, out[-1][1]))  # "带啥东西": about the entry the clause before is about
            elif current is not None and self._share(sorted(topic), current) >= FOLLOW_SHARE:
                out.append((reading, current))  # "附件上传有大小限制吗，电话多少": the entry under discussion's words
            else:
                return []
        return out

    def _unanswered(self, clauses: Sequence[Reading], entry: int, answer: Answer) -> bool:
        """Is there a clause whose field the answer did not take up, or whose own subject (its words beyond the
        entry's name and the field asked, that no other clause says) the answer's sentences do not mention?"""
        composer = self.assistant.composer
        record = self.assistant.records[entry]
        if any(set(rd.fields) - {"contact"} - set(answer.asked) for rd in clauses):
            return True  # a field one clause asks the question read whole did not
        if answer.asked and any(not rd.fields for rd in clauses):
            return True  # "…还要补地价不，归哪个部门管": a clause asks what the entry gives, the whole a field
        lead = "".join(answer.lead)
        for rd in clauses:
            # "能贷几回", "评价分要多少": a quantity asked that no sentence of the answer gives
            asked = question_numbers(rd.text)
            if (asked.units or asked.measured) and not any(quantity_in(lead, u) for u in asked.units) \
                    and not measures(lead, asked.measured):
                return True
        said = composer.terms_of(lead)
        own = [set(self.content(rd)) & composer.specific_terms(record, rd.result.terms) for rd in clauses]
        for i, mine in enumerate(own):
            distinct = mine - set().union(*(o for j, o in enumerate(own) if j != i))
            if distinct and not distinct & said:
                return True
        return False

    def _asks(self, clause: str) -> bool:
        """Does the clause ask something — a question word, or a field's cue outside the names of entries it
        says ("创业担保贷款" names a loan and asks nothing)?"""
        if is_question(clause):
            return True
        bare = normalise_text(clause)
        for name in named_entries(bare, list(self.assistant.records.values()), self._names).values():
            bare = bare.replace(name, "")
        return bool(self.assistant.understand(bare).fields)

    def _parts(self, reading: Reading, parts: list[str], fields: list[str], region: str | None,
               state: State) -> Reply | None:
        """A question about several things at once: each part answered from the entry that holds it (one
        entry may hold them all: 个人 and 小微企业 loans; or each its own: 高企 and 科小), in the order asked."""
        a = self.assistant
        readings = [a.read(p, fields=fields or None, corrected=p) for p in parts]
        terms = [{t for t in rd.result.terms if len(t) >= 2 and t not in self._asking} for rd in readings]
        chosen: list[int] = []
        for i, rd in enumerate(readings):
            own = terms[i] - set().union(*(t for j, t in enumerate(terms) if j != i))
            entry = self.follow_up_entry(rd, state)
            candidates = [entry] if entry is not None else []
            # a part too short to be in scope on its own ("新建了个屠宰场") is read with the whole question
            hits = (rd if rd.scope.covered else reading).result.hits[:3]
            candidates += [h.entry for h in hits if h.entry not in candidates]
            named = rd.result.hits[0].entry if rd.scope.covered and rd.result.hits and rd.result.hits[0].named else None
            if named is not None and entry is None and all(t in self._text_of(named) for t in own):
                # a part that names its entry, which says the part's own words ("引领型的科技标杆企业…"), is about
                # it, whatever words other entries share (not "创业担保贷款，个人…": 个人 is not in entry 22)
                chosen.append(named)
                continue
            if not candidates:
                return None
            asked = [f for f in rd.fields if f in a.fields.fields][:2]
            # the entry whose answer says the part's own words ("个人" of 个人创业担保贷款), else the first
            fitting = next((e for e in candidates
                            if any(t in "".join(a.composer.lead(a.records[e], rd.text, rd.result, asked)[0])
                                   for t in own)), candidates[0])
            chosen.append(fitting)
        groups: dict[int, list[Reading]] = {}
        for e, rd in zip(chosen, readings):
            groups.setdefault(e, []).append(rd)
        answers = [a.answer(reading, entry=e, fields=fields or None, region=region, parts=rds)
                   for e, rds in groups.items()]
        if len(answers) == 1:
            return self._reply(answers[0], state, region)
        first = answers[0]
        updates = {"region": region, "offered": [], "policy": first.policy,
                   "field": ",".join(first.asked) or None, "options": list(groups)}
        return Reply(fit("\n\n".join(x.answer for x in answers)), [], updates, first)

    @staticmethod
    def _profile_words(profile: dict[str, Any]) -> list[str]:
        """The guide's words for what the user said of the business that can be a question's subject: its
        credit trouble, its trade, an entity type other than a company."""
        words = []
        for key in PROFILE_CONTEXT:
            value = profile.get(key)
            if isinstance(value, str) and value not in (UNKNOWN, "无", "其他", "企业"):
                words.append(value)
        return words

    def follow_up_entry(self, reading: Reading, state: State, elliptic: bool = False) -> int | None:
        """The entry the message is about when the conversation decides it: the entry under discussion for a
        follow-up, another entry the message names beside it; None when the search decides."""
        current = state.policy
        hits = reading.result.hits
        if current is None or current not in self.assistant.records or not hits:
            return None
        text_here = self._text_of(current)
        if reading.scope.topic is not None and not (
                reading.scope.keyword in text_here and set(reading.fields) & {"materials", "conditions"}):
            # a neighbouring topic the guide does not cover (房贷, 个税汇算 …); but a word of it that is a
            # material or condition of the entry under discussion (身份证也得带吗) is about that entry
            return None
        named = [h for h in hits if h.named]
        if named:
            # A name the entry under discussion uses itself ("被列进经营异常名录了还能报吗") is a condition of it;
            # another name is a new topic ("六税两费小型微利企业能享受不" after 小型微利企业: 六税两费).
            # But a name the message is about is a switch even where the entry under discussion mentions it: the
            # same question about it ("那省级的专精特新呢，有啥条件"), applying for it ("能申请专精特新中小企业吗"),
            # or a question that opens with it and asks more than who may apply ("高新技术企业首次认定奖多少").
            # … or one whose entry the search puts far ahead, asked more than eligibility ("房产税还要交吗" after
            # 六税两费, which lists 房产税 among others).
            here_score = next((h.score for h in hits if h.entry == current), 0.0)
            beyond_eligibility = not reading.fields or not set(reading.fields) <= {"scope", "conditions"}

            def about(hit) -> bool:
                text, name = normalise_text(reading.text), hit.named
                # "那省级的专精特新中小企业，得先是啥企业": 那 and the name at the opening turn to it
                turned = bool(_THEN.match(text)) and 0 <= text.find(name) <= OPENING_CHARS
                # … or a figure the message states meets a bound of the named entry and of none here ("一个月营业额
                # 就2万多 房产税能免不": 月销售额不超过3万元 免征房产税)
                meets = states_same_quantity(reading.question, self._text_of(hit.entry)) \
                    and not states_same_quantity(reading.question, text_here)
                return bool(asks_again(reading.question) or re.search(_APPLY_FOR + re.escape(name), text)
                            or re.search(re.escape(name) + _HOW_ONE_IS, text)
                            or turned or meets
                            or beyond_eligibility and (text.startswith(name) or hit.score - here_score >= NAMED_LEAD))
            # "那专精特新中小企业，被列入经营异常名录了还能报不": of two names, the one whose entry mentions the
            # other is the subject; the other is a condition of it
            subject = [h for h in named if h.entry != current and len({o.entry for o in named}) > 1
                       and all(o.named in self._text_of(h.entry) for o in named if o.entry != h.entry)]
            if subject:
                return subject[0].entry
            others = [h for h in named if h.entry != current and (h.named not in text_here or about(h))]
            if others:
                # "个体户被列入经营异常了…": the name's version for the user's kind of business
                return self._fitting_sibling(reading, state, others[0].entry) or others[0].entry
            return current
        changed = _CHANGED.match(normalise_text(reading.question))
        if elliptic and changed:
            framed = self._named_in_frame(changed.group(1), current)
            if framed is not None:
                return framed  # "个人的呢" after 小微企业创业担保贷款: 个人创业担保贷款 is a name of entry 53
        content = self.content(reading)
        if not content:
            return current  # "办下来要多久", "电话呢": a question about the entry under discussion
        if any(w in reading.text for w in self.dialogue.switch):
            return None  # "插一句，吸纳脱贫人口的减税…": the user says a new subject follows
        if any(w in reading.question for w in self.dialogue.this_one):
            return current  # "退伍兵这个要去人社认定不": the entry under discussion, pointed at
        if any(w in reading.text for w in self.dialogue.aside) and (
                reading.scope.unknown_words or self._share(content, current) < FOLLOW_SHARE):
            return None  # "对了 注册个网店多久能下来" — but "对了 移出来要几天" is still about the entry
        if self._within_named_part(content, state):
            return current  # "贷款期限最长多久" after 个人创业担保贷款 in entry 53: that part says it
        top = hits[0]
        if top.entry == current or states_same_quantity(reading.question, text_here):
            return current  # … or "要是雇了3个人呢" where the entry under discussion says 带动就业3人以上
        here = next(h for h in hits if h.entry == current)
        margin = top.score - here.score
        have_here, have_top = self._share(content, current), self._share(content, top.entry)
        records = self.assistant.records
        if records[top.entry].kind == "document" and records[current].kind != "document" \
                and have_here >= have_top / 2 and top.quoted < QUOTED_OWN:
            # a long policy document shares some words with anything: unnamed, it takes over a follow-up only
            # when the message's words are clearly its own ("政府欠的账款有分歧" after a project subsidy)
            return current
        new_words = {t for t in content if t not in text_here}
        if not elliptic and reading.scope.covered and reading.fields and top.entry != current and margin >= 0 \
                and new_words & self._groups \
                and all(t in self._text_of(top.entry) for t in new_words & self._groups):
            return top.entry  # "招退役士兵的需要先去人社申请吗" after 吸纳脱贫人口: a group this entry is not for
        if reading.scope.covered and len(new_words) == 1 \
                and self._entries_saying(next(iter(new_words))) > WORD_OF_FEW:
            return current  # "要不要先去哪认定": one word a quarter of the guide says names no other entry
        if have_top - have_here >= SWITCH_SHARE and margin > SWITCH_MARGIN:
            # its words are another entry's ("失业保险的呢" after 工伤保险)
            return self._same_frame(reading, current, content) if elliptic else None
        if records[current].kind == "document" and margin >= LEAVE_DOCUMENT:
            # … and a long policy document under discussion holds some of anything: a message another entry
            # matches far better is about that one ("企业提个诉求 多久能转到具体部门" after the 工作要点)
            return None
        if have_here >= FOLLOW_SHARE or margin <= SWITCH_MARGIN:
            return current
        if reading.fields and all(self._share(content, h.entry) <= have_here for h in hits[:NEAR_HITS]):
            # "项目24年才建成，能报不": no entry near the top holds more of its words than the current one
            return current
        if elliptic:
            return self._same_frame(reading, current, content)
        return self._holding_most(hits, content, have_top)

    def _within_named_part(self, content: Sequence[str], state: State) -> bool:
        """A policy document's part the last question named (个人创业担保贷款 in entry 53) holds every word of the
        message: a follow-up about that part, however well another entry matches the message's common words."""
        record = self.assistant.records[state.policy]
        named = [w for w in (state.subject or "").split(",") if w in self._names.get(state.policy, ())]
        if record.kind != "document" or not named or not content:
            return False
        parts = [t for t in (normalise_text(s.text) for s in record.sections) if any(w in t for w in named)]
        return bool(parts) and all(any(t in part for part in parts) for t in content)

    def _holding_most(self, hits, content: Sequence[str], have_top: float) -> int | None:
        """Leaving the entry under discussion: the entry near the top that holds clearly more of the message's
        words than the best-scoring one ("养殖基地能养400只" → 鸵鸟养殖基地), else None (the search decides)."""
        best = max(hits[:NEAR_HITS], key=lambda h: self._share(content, h.entry))
        return best.entry if self._share(content, best.entry) - have_top >= SWITCH_SHARE else None

    def content(self, reading: Reading) -> list[str]:
        """What a message is about: its words beyond the field it asks, places and fillers. Words the guide never
        uses (批下来, 截到) say how the user talks, not what about; a single character says too little; a number
        ("一共25个人") is about the user."""
        known = self.assistant.searcher.known_terms
        seg = self.assistant.index.segmenter
        # "有问题打哪个电话": in case of questions — its 问题 names nothing
        doubt = {t for w in self.dialogue.in_doubt if w in reading.text for t in seg.terms(w)}
        return [t for t in reading.result.terms if t in known and len(t) >= 2 and t not in self._asking
                and t not in self._places and t not in doubt and not set(t) & FUNCTION_CHARS
                and not _NUMERIC.match(t)]

    def _named_in_frame(self, thing: str, current: int) -> int | None:
        """The entry that goes by the current entry's name with the changed thing in it: after 小微企业创业担保贷款,
        "个人的呢" names 个人创业担保贷款 (an alias of entry 53)."""
        own = normalise_text(title_core(self.assistant.records[current].title))
        if len(thing) < 2 or thing in own:
            return None
        for entry, names in self._names.items():
            if entry != current and any(thing in name and common_run(name, own) >= FRAME_RUN for name in names):
                return entry
        return None

    def _same_frame(self, reading: Reading, current: int, content: Sequence[str]) -> int | None:
        """After 企业吸纳重点群体, "招的要是退役士兵呢" changes one thing and keeps the rest: of the entries ranking
        close to the top that speak of the changed thing, the one whose title shares most with the entry under
        discussion. When no close entry keeps the frame ("合作社也能享受吗", "不是小微的呢" after a fee), the
        changed thing is within the entry under discussion: its scope or its other case answers it."""
        hits = reading.result.hits
        terms = self.assistant.composer.terms_of
        frame = terms(self.assistant.records[current].title)
        here = self._share(content, current)
        close = [h for h in hits if h.entry != current and h.score >= hits[0].score - FRAME_GAP
                 and self._share(content, h.entry) > here
                 and terms(self.assistant.records[h.entry].title) & frame & self._frame_words]
        if not close:
            # no sibling keeps the frame: an entry whose title holds the changed thing ("规模化养殖场呢" after the
            # hatchery subsidy) is the one meant; else — and always for a negated thing ("不是小微的呢": the other
            # case) — the changed thing is within the entry under discussion
            if _NEGATED.match(reading.question.strip()):
                return current
            titled = [h for h in hits if h.entry != current and h.score >= hits[0].score - FRAME_GAP
                      and {t for t in content if len(t) >= 2 and t not in self._non_topic}
                      & terms(self.assistant.records[h.entry].title)]
            return titled[0].entry if titled else current
        best = max(close, key=lambda h: (len(terms(self.assistant.records[h.entry].title) & frame), h.score))
        return best.entry  # (the frame decides, even where the message alone would read as not covered: "个体户呢")

    def _text_of(self, entry: int) -> str:
        if entry not in self._texts:
            r = self.assistant.records[entry]
            self._texts[entry] = normalise_text(r.title + "\n" + "\n".join(s.text for s in r.sections))
        return self._texts[entry]

    def _entries_saying(self, term: str) -> int:
        """How many entries use the term."""
        if term not in self._saying:
            self._saying[term] = sum(term in self.assistant.searcher.entry_terms(e) for e in self.assistant.records)
        return self._saying[term]

    def _share(self, terms: Sequence[str], entry: int) -> float:
        """idf-weighted share of the terms that the entry's text contains."""
        return self.assistant.searcher.share(terms, entry)

    def _quick_reply(self, text: str, state: State) -> Reply | None:
        """"详细内容", "全部材料", "全部电话": more of the answer just given."""
        if state.policy is None or state.policy not in self.assistant.records:
            return None
        t = re.sub(r"[\s。！!？?，,]", "", text)
        if len(t) > 8:
            return None
        d = self.dialogue
        a = self.assistant
        record = a.records[state.policy]
        if any(t == w or t == "看" + w or t == "查看" + w for w in d.detail):
            reading = a.read(record.title)
            answer = a.answer(reading, entry=state.policy, fields=state.fields,
                              region=state.region, detail=True)
            return self._reply(answer, state, state.region, keep_options=True)
        if any(w in t for w in d.all_materials):
            reading = a.read(record.title)
            answer = a.answer(reading, entry=state.policy, fields=["materials"], region=state.region)
            return self._reply(answer, state, state.region, keep_options=True)
        if any(w in t for w in d.all_phones):
            reading = a.read(record.title)
            answer = a.answer(reading, entry=state.policy, fields=["contact"], region=state.region, all_phones=True)
            return self._reply(answer, state, state.region, keep_options=True)
        return None

    def wants_answer(self, text: str, state: State) -> bool:
        """Does a message that states facts also ask something (a field, a topic, another 旗区's phone)?"""
        understood = self.assistant.understand(text)
        if understood.fields or _LOANS_ASKED.search(text):
            return True
        if state.policy is not None and asks_again(text):
            return True  # "大型企业呢": the last question again, for a large firm
        if self.topic_terms(self.assistant.index.segmenter.terms(text)):
            return True
        return state.policy is not None and understood.region is not None

    def asks_question(self, text: str) -> bool:
        """Does a message in the middle of the profile questions ask about the guide (a field, an entry's name)?"""
        corrected = self.assistant.correct(text)
        if self.assistant.understand(corrected).fields:
            return True
        return bool(named_entries(corrected, list(self.assistant.records.values()), self._names))

    def asks_aside(self, text: str) -> bool:
        """Does a question in the middle of the profile questions turn away from them ("对了 高企认定研发人员要占多少
        比例", "插一句 …") or name an entry? Its words (研发) are then about the guide, not an answer about the user."""
        if any(w in text for w in (*self.dialogue.aside, *self.dialogue.switch)):
            return True
        corrected = self.assistant.correct(text)
        return bool(named_entries(corrected, list(self.assistant.records.values()), self._names))

    def facts_in(self, text: str, requested: str | None = None) -> dict[str, Any]:
        """The facts a message states, read after spelling correction ("养陀鸟的" is 鸵鸟产业) and with the
        synonyms that are other spellings of a word written as the guide writes them ("养驼鸟的")."""
        return extract_facts(self._spelled(self.assistant.correct(text)), self.facts, requested)

    def _spelled(self, text: str) -> str:
        seg = self.assistant.index.segmenter
        for word in set(seg.words(text)):
            canonical = seg.synonyms.get(word, word)
            if canonical != word and len(canonical) == len(word) and lazy_pinyin(canonical) == lazy_pinyin(word):
                text = text.replace(word, canonical)
        return text

    def acknowledge(self, facts: dict[str, Any]) -> Reply:
        said = "；".join(describe(k, v) for k, v in facts.items())
        return Reply(f"好的，记下了（{said}）。\n要我根据您的情况看看哪些政策适合您吗？",
                     [{"title": "看看适合我的政策", "payload": "/start_matching"}])

    def _with_subject(self, reading: Reading, state: State, fields: list[str]) -> Reading:
        """"引领型的呢" after "成长型的研发投入强度要多少": the last question again (研发投入强度), about something
        else. The last question's own words are read with the message, except those the message replaces: a
        sub-part named instead of another (引领型 for 成长型)."""
        said = set(reading.result.terms)
        parts = self.assistant.composer.selector.block_words(self.assistant.records[state.policy])
        kept = [w for w in state.subject.split(",") if w and w not in said and not (said & parts and w in parts)]
        if not kept:
            return reading
        text = reading.text + "，" + "，".join(kept)
        return self.assistant.read(text, fields=fields, corrected=text)

    def _same_matter(self, text: str, fields: list[str], state: State) -> bool:
        """"能贷几年" after "个人创业担保贷款最多贷多少": a question that names nothing of its own and asks what the
        last one asked, in a policy document whose parts are about different things, is about what the last one was
        about. (Asking something else, "多久能修好" after "咋修复", it is about the document's procedure.)"""
        return self.assistant.records[state.policy].kind == "document" and bool(fields) \
            and fields == state.fields and not self._subject_words(text)

    def _subject_words(self, text: str) -> list[str]:
        """The guide's words a message says beyond asking words and places: what it is about, if anything."""
        known = self.assistant.searcher.known_terms
        return [t for t in self.topic_terms(self.assistant.index.segmenter.words(text))
                if t in known and len(t) >= 2 and t not in self._asking and t not in self._places]

    def _own_words(self, answer: Answer) -> list[str]:
        """The question's words beyond the entry's name and the field asked: what it was about."""
        record = self.assistant.records[answer.policy]
        title = self.assistant.composer.terms_of(record.title)
        parts = self.assistant.composer.selector.block_words(record)
        names = self._names[answer.policy]
        seg = self.assistant.index.segmenter
        known = self.assistant.searcher.known_terms
        # (whole words, not their parts; but a word the guide lacks stands for the guide's word it opens with:
        # 食品类 for 食品)
        terms = [next((p for p in sorted(seg.terms(w), key=len, reverse=True)
                       if len(p) >= 2 and p != w and w.startswith(p) and p in known), w)
                 if w not in known else w for w in seg.words(answer.question)]
        # a document's aliases name its parts (个人创业担保贷款 is one of 53's), whatever characters they hold
        part_names = [t for t in terms if record.kind == "document" and t in names and t not in title]
        return list(dict.fromkeys([*part_names, *(
            t for t in self.topic_terms(terms) if t in known and len(t) >= 2
            and t not in title and t not in self._asking and t not in self._places
            and (t in parts or record.kind == "document" or not any(t in n for n in names))
            and not _NUMERIC.match(t))]))[:SUBJECT_WORDS]

    def _reply(self, answer: Answer, state: State, region: str | None, keep_options: bool = False) -> Reply:
        updates: dict[str, Any] = {"region": region, "offered": []}
        if answer.policy is None:
            # Not covered: keep the entry under discussion, offer the close entry if there was one.
            updates["options"] = [a.policy for a in answer.alternatives]
            buttons = [self._choice_button(a.policy) for a in answer.alternatives]
            return Reply(answer.answer, buttons, updates, answer)
        updates.update(policy=answer.policy, field=",".join(answer.asked) or None,
                       subject=",".join(self._own_words(answer)) or None)
        if not keep_options:
            related = [a.policy for a in answer.alternatives] or [e for e in answer.ranked if e != answer.policy][:3]
            updates["options"] = related[:MAX_OPTIONS]
        buttons = [{"title": o, "payload": o} for o in answer.offers]
        return Reply(answer.answer, buttons, updates, answer)

    def _choice_button(self, entry: int) -> dict[str, str]:
        r = self.assistant.records[entry]
        return {"title": f"第{entry}项 {r.title}", "payload": f'/choose_option{{"option":"{entry}"}}'}

    def alternatives(self, state: State) -> Reply:
        """"还有别的吗": the entries offered beside the last answer, numbered to choose from."""
        if not state.options:
            return Reply("暂时没有其他相近的政策了。您可以换个说法问我，或者说“有什么政策适合我”，我来帮您逐项对照。")
        lines = ["和您的问题相近的还有："]
        for n, entry in enumerate(state.options[:MAX_OPTIONS], start=1):
            r = self.assistant.records[entry]
            note = f"（{r.audience.note}）" if r.audience.note else ""
            lines.append(f"{n}. 第{entry}项 {r.title}{note}")
        lines.append("回复序号（如“1”）或政策名称查看详情。")
        shown = state.options[:MAX_OPTIONS]
        return Reply("\n".join(lines), [self._choice_button(e) for e in shown], {"offered": shown})

    def choose(self, state: State, text: str = "", option: str | None = None) -> Reply:
        """An entry picked by button (`option` holds its number in the guide), by its place in the offered list
        ("2", "第二个"), or by its number in the guide ("第46项")."""
        if option is None and not state.offered and not re.search(r"第\s*\d{1,2}\s*项", text):
            if _BARE_NUMBER.match(text):
                # "2" with no list before it: nothing to choose from, and no question to answer
                return Reply("刚才没有列出可选的编号。请直接告诉我您想了解的政策或问题，例如“创业担保贷款要什么材料”。")
            return self.answer(text, state)  # no list was offered: a number is part of a question
        entry = self.resolve_choice(text, state.offered, option)
        if entry is None:
            return Reply("没有找到您选的这一项。请回复列表里的序号，或者直接告诉我政策名称。",
                         updates={"offered": state.offered})
        fields = state.fields
        title = self.assistant.records[entry].title
        answer = self.assistant.ask(title, entry=entry, fields=fields, region=state.region)
        return self._reply(answer, state, state.region, keep_options=True)

    def resolve_choice(self, text: str, offered: Sequence[int], option: str | None = None) -> int | None:
        if option is not None and str(option).strip().isdigit():
            n = int(str(option).strip())
            return n if n in self.assistant.records else None
        text = str(text).strip()
        guide_number = re.search(r"第\s*(\d{1,2})\s*项", text)
        if guide_number:
            n = int(guide_number.group(1))
            return n if n in self.assistant.records else None
        m = re.search(r"\d{1,2}", text)
        if m:
            n = int(m.group(0))
        else:
            m = re.search(r"第?([一二两三四五六])个?", text)
            n = _CHINESE_ORDINALS[m.group(1)] if m else None
        return offered[n - 1] if n is not None and 1 <= n <= len(offered) else None

    # -- handoff --------------------------------------------------------------------------------------------

    def handoff(self, state: State) -> Reply:
        lines = []
        if state.policy is not None:
            r = self.assistant.records[state.policy]
            contacts = order_contacts(r.contacts, state.region)
            if contacts:
                lines.append(f"【{short_name(r)}】的工作人员可以直接为您解答，请拨打：\n" + "\n".join(contact_lines(contacts)))
        route = self.assistant.records[HANDOFF_ENTRY]
        first_part = route.sections_of("part")[0] if route.sections_of("part") else None
        lines.append(
            "如果问题涉及多个部门、或办理中遇到困难，可以按“民营企业诉求解决帮办代办”机制提出诉求（指南第56项）："
        )
        if first_part is not None:
            intake = next((b for b in split_blocks(first_part.text) if "诉求受理" in b[0]), None)
            if intake:
                # how a 诉求 is taken and how fast, not the whole paragraph
                said = [x for x in re.findall(r"[^。]+。", "".join(intake[1:])) if _INTAKE.search(x)]
                lines.append("".join(said) or "\n".join(intake))
            lines.append(f"出处：《涉企政策服务指南（二）》第56项·{first_part.heading}")
        if state.policy is None:
            lines.insert(0, "请告诉我您想咨询哪项政策，我把对应部门的咨询电话给您。")
        return Reply("\n\n".join(lines))

    # -- profile and matches --------------------------------------------------------------------------------

    def ask_fact(self, key: str, entity_type: Any = None) -> Reply:
        """The question for one enterprise fact, in the words for the user's entity type, with its choices as
        buttons and as numbers to type."""
        fact = self.facts[key]
        choices = options(fact)
        numbered = "　".join(f"{n}.{label}" for n, (label, _) in enumerate(choices, start=1))
        hint = "可多选，如“1、3”；都没有请回复“没有”" if fact.kind == "many" else "回复序号或直接说"
        text = f"{fact.question(entity_type)}\n{numbered}\n（{hint}；不清楚可以回复“不清楚”，不想继续可以回复“算了”。）"
        buttons = [{"title": label, "payload": _inform_payload(key, value)} for label, value in choices]
        buttons.append({"title": "不清楚", "payload": "不清楚"})
        return Reply(text, buttons)

    def interim(self, profile: dict[str, Any]) -> str | None:
        """After a message that told much at once ("额济纳旗的小型制造企业，招了3个应届生，没报年报…"): what fits
        already, in one line each, before the questions go on; None when nothing fits yet."""
        matches = match_profile(list(self.assistant.records.values()), profile).matches[:MAX_MATCHES_SHOWN]
        if not matches:
            return None
        lines = [f"· 第{m.policy}项 {short_name(self.assistant.records[m.policy])}" for m in matches]
        return "按您已说的情况，目前看这些政策可能适合：\n" + "\n".join(lines) + "\n再确认几个情况，结果会更准："

    def match(self, profile: dict[str, Any], stopped: bool = False) -> Reply:
        known_facts = [describe(k, v) for k, v in profile.items() if known(v) and k in self.facts]
        if stopped and not known_facts:
            return Reply("好的，不再提问了。您随时可以直接问我某项政策，或者再说“有什么政策适合我”。")
        result = match_profile(list(self.assistant.records.values()), profile)
        head = "根据您提供的情况（" + "；".join(known_facts) + "）" if known_facts else "根据目前的信息"
        if not result.matches:
            text = head + "，指南中暂时没有找到明确适合的政策。"
            if result.possible:
                text += "\n" + self._possible_lines(result.possible)
            shown = [m.policy for m in result.possible][:MAX_OPTIONS]
            return Reply(text, updates={"options": shown, "offered": shown})
        lines = [head + f"，以下{min(len(result.matches), MAX_MATCHES_SHOWN)}项政策可能适合您：" if
                 len(result.matches) <= MAX_MATCHES_SHOWN else
                 head + f"，共有{len(result.matches)}项政策可能适合您，最相关的是："]
        shown = result.matches[:MAX_MATCHES_SHOWN]
        for n, m in enumerate(shown, start=1):
            r = self.assistant.records[m.policy]
            lines.append(f"{n}. 第{m.policy}项 {r.title}")
            if m.reasons:
                lines.append("   为什么：" + "；".join(m.reasons))
            items = [l for l in r.text_of("materials").split("\n") if l.strip() and not l.endswith(("：", ":"))]
            if items:
                more = "等" if len(items) > 1 else ""
                lines.append(f"   要准备：{items[0][:60]}{more}")
            if r.contacts:
                c = order_contacts(r.contacts, profile.get("region") if known(profile.get("region")) else None)[0]
                lines.append("   咨询电话：" + contact_lines([c])[0])
            if m.missing_facts:
                lines.append("   还需确认：" + "、".join(self._fact_name(f) for f in m.missing_facts))
        if result.possible:
            lines.append(self._possible_lines(result.possible))
        lines.append("回复序号查看某项的详细规定、材料和电话。")
        return Reply("\n".join(lines), [self._choice_button(m.policy) for m in shown],
                     updates={"options": [m.policy for m in shown], "offered": [m.policy for m in shown]})

    def _possible_lines(self, possible: Sequence) -> str:
        parts = []
        for m in possible[:4]:
            facts = "、".join(self._fact_name(f) for f in m.missing_facts)
            note = f"（{m.note}）" if m.note else ""
            parts.append(f"第{m.policy}项 {m.title}{note}——需确认：{facts}")
        return "还可能适合：\n" + "\n".join(parts)

    def missing_facts(self, profile: dict[str, Any]) -> list[str]:
        """The facts the profile questions still need, in the order of knowledge/facts.yml, only those that apply
        to the entity type; a skipped one is not asked again."""
        entity = profile.get("entity_type")
        return [k for k in form_facts(self.facts) if self.facts[k].applies(entity) and profile.get(k) is None]

    def _fact_name(self, key: str) -> str:
        fact = self.facts.get(key)
        return fact.name if fact is not None else key


def _without(text: str, words: Sequence[str]) -> str:
    for word in words:
        text = text.replace(word, "")
    return text


def asks_again(text: str) -> bool:
    """"X呢", "X呢 也这么快吗": the last question again, about X."""
    text = text.strip()
    return bool(_ELLIPTIC.search(text) or _ANOTHER_ONE.search(text))


def _inform_payload(key: str, value: Any) -> str:
    return "/inform" + json.dumps({key: value}, ensure_ascii=False)


__all__ = ["Conversation", "Reply", "State", "UNKNOWN"]
