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

from knowledge.vocab import Fact

from .answers import Answer, contact_lines, order_contacts, split_blocks
from .assistant import Assistant
from .matcher import match as match_profile
from .profile import PROFILE_FACTS, UNKNOWN, describe, known, options
from .scope import FUNCTION_CHARS

HANDOFF_ENTRY = 56  # 关于建立民营企业诉求解决帮办代办工作机制的通知
MAX_MATCHES_SHOWN = 6
MAX_OPTIONS = 5
# The field an NLU intent asks for, used when the words alone name none.
INTENT_FIELDS = {
    "ask_materials": "materials", "ask_contact": "contact", "ask_amount": "amount",
    "ask_conditions": "conditions", "ask_deadline": "deadline", "ask_timelimit": "timelimit",
    "ask_process": "process", "ask_agency": "agency", "ask_fee": "fee", "ask_scope": "scope",
    "ask_result": "result", "ask_basis": "basis",
}
FACT_NAMES = {"entity_type": "经营主体类型", "enterprise_size": "企业规模", "sector": "所属行业",
              "is_veteran": "是否退役军人", "owner_groups": "本人身份", "hires": "招用人员", "credit_issue": "信用情况",
              "region": "所在旗区"}
_GENERIC = {"政策", "这项", "该项", "项目", "这个", "那个", "它", "其", "还有", "别的", "呢", "的"}
_CHINESE_ORDINALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}


@dataclass
class State:
    """What the conversation remembers between turns (Rasa slots)."""

    policy: int | None = None  # the entry under discussion
    field: str | None = None  # the field last asked about
    region: str | None = None
    options: list[int] = dc_field(default_factory=list)  # entries offered to choose from, in order
    profile: dict[str, Any] = dc_field(default_factory=dict)


@dataclass
class Reply:
    text: str
    buttons: list[dict[str, str]] = dc_field(default_factory=list)
    updates: dict[str, Any] = dc_field(default_factory=dict)
    answer: Answer | None = None


class Conversation:
    def __init__(self, assistant: Assistant, facts: dict[str, Fact]):
        self.assistant = assistant
        self.facts = facts
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

    # -- questions ------------------------------------------------------------------------------------------

    def topic_terms(self, terms: Sequence[str]) -> list[str]:
        """Terms that name a subject; colloquial fillers (那要, 咋办) are not subjects."""
        return [t for t in terms if t not in self._non_topic and not set(t) & FUNCTION_CHARS]

    def answer(self, text: str, state: State, intent: str | None = None) -> Reply:
        """Answer a question: about the entry under discussion when it only asks a field or names a 旗区,
        about whatever it names otherwise."""
        understood = self.assistant.understand(text)
        fields = understood.fields or ([INTENT_FIELDS[intent]] if intent in INTENT_FIELDS else [])
        region = understood.region or state.region
        result = self.assistant.search(text, k=10, fields=fields)
        top = result.hits[0] if result.hits else None
        names_other = top is not None and top.named is not None and top.entry != state.policy
        follow_up = state.policy is not None and not names_other and not self.topic_terms(result.terms)
        if follow_up:
            if not fields and understood.region and state.field:
                fields = [state.field]  # "额济纳旗的呢" asks the last question again for another 旗区
            answer = self.assistant.ask(text, entry=state.policy, fields=fields, region=region)
            return self._reply(answer, state, region, keep_options=True)
        answer = self.assistant.ask(text, fields=fields, region=region)
        return self._reply(answer, state, region)

    def wants_answer(self, text: str, state: State) -> bool:
        """Does a message that states facts also ask something (a field, a topic, another 旗区's phone)?"""
        understood = self.assistant.understand(text)
        if understood.fields:
            return True
        if self.topic_terms(self.assistant.index.segmenter.terms(text)):
            return True
        return state.policy is not None and understood.region is not None

    def acknowledge(self, facts: dict[str, Any]) -> Reply:
        said = "；".join(describe(k, v) for k, v in facts.items())
        return Reply(f"好的，记下了（{said}）。\n要我根据您的情况看看哪些政策适合您吗？",
                     [{"title": "看看适合我的政策", "payload": "/start_matching"}])

    def _reply(self, answer: Answer, state: State, region: str | None, keep_options: bool = False) -> Reply:
        updates: dict[str, Any] = {"region": region}
        buttons: list[dict[str, str]] = []
        if answer.policy is None:
            # Not covered: keep the entry under discussion, offer the nearest entry if there was one.
            updates["options"] = [a.policy for a in answer.alternatives]
            buttons = [self._choice_button(a.policy) for a in answer.alternatives]
            return Reply(answer.answer, buttons, updates, answer)
        updates.update(policy=answer.policy, field=answer.field if answer.field != "overview" else None)
        if not keep_options:
            offered = [a.policy for a in answer.alternatives] or [e for e in answer.ranked if e != answer.policy][:3]
            updates["options"] = offered[:MAX_OPTIONS]
        buttons = [self._choice_button(e) for e in [a.policy for a in answer.alternatives]]
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
        return Reply("\n".join(lines), [self._choice_button(e) for e in state.options[:MAX_OPTIONS]])

    def choose(self, state: State, text: str = "", option: str | None = None) -> Reply:
        """An entry picked by button (`option` holds its number in the guide), by its place in the offered list
        ("2", "第二个"), or by its number in the guide ("第46项")."""
        entry = self.resolve_choice(text, state.options, option)
        if entry is None:
            return Reply("没有找到您选的这一项。请回复列表里的序号，或者直接告诉我政策名称。")
        fields = [state.field] if state.field else []
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
                lines.append(f"“{r.title}”的工作人员可以直接为您解答，请拨打：\n" + "\n".join(contact_lines(contacts)))
        route = self.assistant.records[HANDOFF_ENTRY]
        first_part = route.sections_of("part")[0] if route.sections_of("part") else None
        lines.append(
            "如果问题涉及多个部门、或办理中遇到困难，可以按“民营企业诉求解决帮办代办”机制提出诉求（指南第56项）："
        )
        if first_part is not None:
            intake = next((b for b in split_blocks(first_part.text) if "诉求受理" in b[0]), None)
            if intake:
                lines.append("\n".join(intake))
            lines.append(f"出处：《涉企政策服务指南（二）》第56项·{first_part.heading}"
                         f"（原文第{first_part.first_line}–{first_part.last_line}行）")
        if state.policy is None:
            lines.insert(0, "请告诉我您想咨询哪项政策，我把对应部门的咨询电话给您。")
        return Reply("\n\n".join(lines))

    # -- profile and matches --------------------------------------------------------------------------------

    def ask_fact(self, key: str) -> Reply:
        """The question for one enterprise fact, with its choices as buttons and as numbers to type."""
        fact = self.facts[key]
        choices = options(fact)
        numbered = "　".join(f"{n}.{label}" for n, (label, _) in enumerate(choices, start=1))
        hint = "可多选，如“1、3”；都没有请回复“没有”" if fact.kind == "many" else "回复序号或直接说"
        text = f"{fact.ask}\n{numbered}\n（{hint}；不清楚可以回复“不清楚”，不想继续可以回复“算了”。）"
        buttons = [{"title": label, "payload": _inform_payload(key, value)} for label, value in choices]
        buttons.append({"title": "不清楚", "payload": "不清楚"})
        return Reply(text, buttons)

    def match(self, profile: dict[str, Any], stopped: bool = False) -> Reply:
        known_facts = [describe(k, v) for k, v in profile.items() if known(v) and k in PROFILE_FACTS]
        if stopped and not known_facts:
            return Reply("好的，不再提问了。您随时可以直接问我某项政策，或者再说“有什么政策适合我”。")
        result = match_profile(list(self.assistant.records.values()), profile)
        head = "根据您提供的情况（" + "；".join(known_facts) + "）" if known_facts else "根据目前的信息"
        if not result.matches:
            text = head + "，指南中暂时没有找到明确适合的政策。"
            if result.possible:
                text += "\n" + self._possible_lines(result.possible)
            return Reply(text, updates={"options": [m.policy for m in result.possible][:MAX_OPTIONS]})
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
                lines.append("   还需确认：" + "、".join(FACT_NAMES.get(f, f) for f in m.missing_facts))
        if result.possible:
            lines.append(self._possible_lines(result.possible))
        lines.append("回复序号查看某项的详细规定、材料和电话。")
        return Reply("\n".join(lines), [self._choice_button(m.policy) for m in shown],
                     updates={"options": [m.policy for m in shown]})

    def _possible_lines(self, possible: Sequence) -> str:
        parts = []
        for m in possible[:4]:
            facts = "、".join(FACT_NAMES.get(f, f) for f in m.missing_facts)
            note = f"（{m.note}）" if m.note else ""
            parts.append(f"第{m.policy}项 {m.title}{note}——需确认：{facts}")
        return "还可能适合：\n" + "\n".join(parts)

    def missing_facts(self, profile: dict[str, Any]) -> list[str]:
        """The facts the profile questions still need, in order; a skipped one is not asked again."""
        entity = profile.get("entity_type")
        wanted = ["entity_type", "enterprise_size", "sector", "is_veteran", "owner_groups", "hires", "credit_issue"]
        if known(entity) and entity not in ("企业", "农民专业合作社"):
            wanted.remove("enterprise_size")
        if entity == "未注册创业者":
            wanted.remove("hires")
        return [k for k in wanted if profile.get(k) is None]


def _inform_payload(key: str, value: Any) -> str:
    return "/inform" + json.dumps({key: value}, ensure_ascii=False)


__all__ = ["Conversation", "Reply", "State", "UNKNOWN", "INTENT_FIELDS"]
