"""Enterprise facts read from what people type: "我是退伍军人，开了个饭馆，个体户" → is_veteran, sector,
entity_type. The words for each value come from knowledge/facts.yml; nothing here is typed twice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from knowledge.errors import InvalidInput
from knowledge.vocab import Fact, facts as shared_facts

UNKNOWN = "不清楚"  # a question the user chose to skip: known to be unknown, not asked again
def profile_facts() -> tuple[str, ...]:
    """Every fact of knowledge/facts.yml, in its order (read when asked: the file is the one schema)."""
    return tuple(shared_facts())
_NEGATION = re.compile(r"没|无|不|未|非|木有")
_CLAUSE = re.compile(r"[，,。.;；!！?？\s]+")
SKIP_WORDS = ("不清楚", "不知道", "不确定", "说不好", "不好说", "跳过", "略过", "不想说", "下一个", "没想好", "不了解")
NONE_WORDS = ("没有", "都没有", "都不是", "没招", "没雇", "无", "一个都没有", "不是", "都没")
YES_WORDS = ("是的", "是", "对", "对的", "嗯", "有", "当过", "是啊")
NO_WORDS = ("不是", "没有", "否", "没当过", "不", "没")
# Words before a group that make it people the business hires, not the owner.
_HIRING = re.compile(r"(招|雇|聘|吸纳|员工|职工|用了|招用|招收)[^，。,.;；]{0,10}$")
_DENIED = re.compile(r"(?:不是|不算|并非|没有|不属于)[^，。,.;；\s]{0,3}$")
# how far before a group the words that say it is hired may stand ("招了几个今年毕业的大学生")
HIRING_REACH = 12
_OWNER = re.compile(r"(我是|本人是|本人|我们是|老板是|自己是)[^，。,.;；]{0,4}$")
_OPTION_NUMBERS = re.compile(r"^\s*(\d+(?:\s*[,，、和及 ]\s*\d+)*)\s*$")


@dataclass(frozen=True)
class Mention:
    fact: str
    value: Any
    start: int
    end: int


def without_facts(text: str, facts: dict[str, Fact]) -> str:
    """The text with every mention of a fact value taken out: what it says beyond who the user is."""
    for m in reversed(mentions(text, facts)):
        text = text[:m.start] + "，" + text[m.end:]
    return text


def mentions(text: str, facts: dict[str, Fact]) -> list[Mention]:
    """Every spelling of every fact value in the text, longest first and without overlaps."""
    forms = []
    for key, fact in facts.items():
        for form, value in fact.surface_forms().items():
            forms.append((form, key, value))
        if fact.kind == "bool":
            for value, synonyms in fact.values.items():
                for s in synonyms:
                    forms.append((s, key, value))
    forms.sort(key=lambda f: -len(f[0]))
    taken = [False] * len(text)
    found: list[Mention] = []
    for form, key, value in forms:
        start = text.find(form)
        while start != -1:
            end = start + len(form)
            if not any(taken[start:end]):
                for i in range(start, end):
                    taken[i] = True
                found.append(Mention(key, value, start, end))
            start = text.find(form, start + 1)
    return sorted(found, key=lambda m: m.start)


_JOINED_ON = re.compile(r"还有|和|跟|以及|、|加上|另外")


_REST_WORDS = {"其他", "其它", "别的"}
_THE_REST = re.compile(r"的?[都也还]?(?:不清楚|不知道|不太清楚|没有|没了|没啥|都没|不详)")


def the_rest_unknown(text: str, start: int, end: int) -> bool:
    """Is text[start:end] the 其他 of "其他的不清楚" (the rest is unknown) rather than a value?"""
    return text[start:end] in _REST_WORDS and bool(_THE_REST.match(text, end))


def extract_facts(text: str, facts: dict[str, Fact], requested: str | None = None) -> dict[str, Any]:
    """The facts a message states. `requested` is the fact the bot just asked for: a bare 是/没有/2 answers it,
    and a group named without saying whose it is goes to it."""
    text = text.strip()
    if requested and any(text.startswith(w) for w in SKIP_WORDS):
        return {requested: UNKNOWN}
    out: dict[str, Any] = {}
    hires_values = set(facts["hires"].values)
    owner_values = set(facts["owner_groups"].values)

    def add(key: str, value: Any) -> None:
        if facts[key].kind == "many":
            values = out.setdefault(key, [])
            if value not in values:
                values.append(value)
        else:
            out.setdefault(key, value)

    found = mentions(text, facts)
    negated = _negated(text, found, facts)
    for key, value in negated.items():
        out[key] = value
    previous_hired: int | None = None
    for m in found:
        veteran = (m.fact == "is_veteran" and m.value is True) or (m.fact == "hires" and m.value == "退役士兵")
        if m.fact in negated and not veteran:
            continue
        if the_rest_unknown(text, m.start, m.end):
            continue  # "其他的不清楚": the rest is unknown, not the sector 其他
        if m.fact in ("owner_groups", "hires") or veteran:
            # A group (大学生, 退伍军人 …) is the owner unless the words before it say it is hired —
            # or the bot just asked whom the business hires.
            before = text[max(0, m.start - HIRING_REACH) : m.start]
            if _DENIED.search(before):
                # "也不是贫困户": a group denied is nobody's; of the owner's groups, none so far
                if not veteran and not _HIRING.search(before) and m.value in owner_values:
                    out.setdefault("owner_groups", [])
                continue
            # (the owner's words right before the group outweigh hiring words further back: "招了3个脱贫户 老板是大学生")
            hired = (bool(_HIRING.search(before)) or requested == "hires") and not _OWNER.search(before)
            if not hired and previous_hired is not None and _JOINED_ON.search(text[previous_hired:m.start]) \
                    and not _OWNER.search(text[previous_hired:m.start]):
                hired = True  # "招了2个脱贫户，还有个应届大学生": the group goes on the list it joins
            if not hired and (m.fact in negated or veteran and "is_veteran" in negated):
                continue  # "老板不是退役士兵": the denial, not a hire ("…还有两个退役士兵" after 招了 is one)
            if hired:
                previous_hired = m.end
            group = "退役士兵" if veteran else m.value
            if hired and group in hires_values:
                add("hires", group)
            elif veteran:
                add("is_veteran", True)
            elif group in owner_values:
                add("owner_groups", group)
            continue
        add(m.fact, m.value)
    if "enterprise_size" in out and "entity_type" not in out and re.search(r"企业|公司", text):
        out["entity_type"] = "企业"  # 小型企业 states both
    if requested and requested not in out:
        bare = _bare_answer(text, facts[requested])
        if bare is not None:
            out[requested] = bare
    return out


def _negated(text: str, mentions: list[Mention], facts: dict[str, Fact]) -> dict[str, Any]:
    """Facts a clause denies: a negation (没, 不是 …) and the fact's words in one clause, outside any spelling of a
    value that itself carries the negation (没报年报 is a value of credit_issue, not a denial)."""
    out: dict[str, Any] = {}
    position = 0
    for clause in _CLAUSE.split(text):
        start = text.find(clause, position) if clause else position
        position = start + len(clause)
        if not clause:
            continue
        end = start + len(clause)
        inside = [m for m in mentions if start <= m.start < end]
        masked = list(clause)
        for m in inside:
            for i in range(m.start - start, min(m.end, end) - start):
                masked[i] = "＿"
        plain = "".join(masked)
        if not _NEGATION.search(plain):
            continue
        for key, fact in facts.items():
            if fact.none is None or key in out:
                continue
            talks = any(w in clause for w in fact.about) or any(m.fact == key for m in inside)
            positive = [m for m in inside if m.fact == key and m.value != fact.none]
            # "信用没问题" denies; "被列入经营异常名录" names a value; "招了3个大学生，没招别的" keeps the group
            if talks and not (positive and fact.kind != "bool" and key != "credit_issue"):
                out[key] = list(fact.none) if isinstance(fact.none, list) else fact.none
    return out


def _bare_answer(text: str, fact: Fact) -> Any:
    """是 / 不是 / 没有 / an option number, read as the answer to the fact just asked."""
    t = re.sub(r"[。！!？?，,\s]", "", text)
    options = list(fact.values)
    numbers = _OPTION_NUMBERS.match(text)
    if numbers:
        picked = [int(n) for n in re.findall(r"\d+", numbers.group(1))]
        chosen = [options[n - 1] for n in picked if 1 <= n <= len(options)]
        if chosen:
            return chosen if fact.kind == "many" else chosen[0]
    if fact.kind == "bool":
        if t in NO_WORDS or t.startswith(("不是", "没")):
            return False
        if t in YES_WORDS:
            return True
    if fact.kind == "many" and (t in NONE_WORDS or t.startswith(("没", "都不"))):
        return []
    if fact.key == "credit_issue" and (t in NONE_WORDS or t.startswith("没")):
        return "无"
    return None


def known(value: Any) -> bool:
    """A fact value that says something (not absent, not skipped)."""
    return value is not None and value != UNKNOWN


def describe(key: str, value: Any) -> str:
    """A fact in words, for reasons: 经营主体：个体工商户."""
    fact = shared_facts().get(key)
    name = fact.name if fact is not None else key
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, (list, tuple)):
        value = "、".join(map(str, value)) or "无"
    return f"{name}：{value}"


def merge(profile: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """New facts over old ones; lists are replaced, since an answer states the whole group."""
    merged = dict(profile)
    merged.update({k: v for k, v in new.items() if v is not None})
    return merged


def valid_value(fact: Fact, value: Any) -> Any:
    """A slot value checked against knowledge/facts.yml: the canonical value, or None when it is not one (a value
    typed into a payload, "<img src=x>", never reaches a slot)."""
    allowed = list(fact.values)
    if value == UNKNOWN:
        return UNKNOWN
    if fact.kind == "many":
        values = value if isinstance(value, list) else [value]
        kept = [v for v in values if v in allowed]
        return kept if len(kept) == len(values) else None
    if fact.kind == "bool":
        return value if isinstance(value, bool) else None
    return value if value in allowed else None


def canonical_profile(raw: dict[str, Any], facts: dict[str, Fact]) -> dict[str, Any]:
    """Check a profile given as JSON (`policybot match --profile`): canonical names and values only."""
    # The messages name the fact and the accepted values, never the value given (an API returns them).
    if not isinstance(raw, dict):
        raise InvalidInput(f"a profile is an object of facts: {', '.join(facts)}")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in facts:
            raise InvalidInput(f"unknown fact; facts are {', '.join(facts)}")
        fact = facts[key]
        allowed = list(fact.values)
        if value == UNKNOWN or value is None:
            continue
        if fact.kind == "many":
            if not isinstance(value, list) or any(v not in allowed for v in value):
                raise InvalidInput(f"{key} takes a list of {', '.join(map(str, allowed))}")
        elif fact.kind == "bool":
            if not isinstance(value, bool):
                raise InvalidInput(f"{key} takes true or false")
        elif value not in allowed:
            raise InvalidInput(f"{key} takes one of {', '.join(map(str, allowed))}")
        out[key] = value
    return out


def options(fact: Fact) -> list[tuple[str, Any]]:
    """Choices to offer for a fact, as (label, value)."""
    if fact.kind == "bool":
        return [("是", True), ("不是", False)]
    return [(str(v), v) for v in fact.values]
