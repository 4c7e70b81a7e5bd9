"""What a question asks, read from its words: the fields it wants (材料? 电话? 多少钱?), the 旗区 it names, the
entries it names by title or alias. Plain rules over the curated vocabularies; no model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from knowledge.curated import ContextWord
from knowledge.parser import chinese_numeral
from knowledge.records import Record
from knowledge.vocab import Fact, Fields

from .segment import normalise_text, title_core

# Fields whose cues, when several match, say more about what is asked than the others: a question with
# 电话 wants the phone even if it also says 申报; one with 材料 wants materials even if it also says 条件.
_PRIORITY = ("contact", "fee", "deadline", "timelimit", "materials", "result", "basis", "agency", "process",
             "amount", "conditions", "scope")


def occurrences(text: str, sub: str):
    """Start positions of `sub` in `text` (str.find is far cheaper than a regex per word)."""
    start = text.find(sub)
    while start != -1:
        yield start
        start = text.find(sub, start + 1)


@dataclass(frozen=True)
class FieldCue:
    fields: tuple[str, ...]  # one field; two for a double cue ("什么标准": the criteria and the rate)
    cue: str
    start: int


_DONE = re.compile(r"(?:交|递|提交|报|送|准备|带|办)(?:了|完了|好了)$")
# … but a question word right after it asks about what was done ("提交了多久有结果")
_QUESTION_WORD = re.compile(r"多|几|什么|怎么|哪")
_DONE_AFTER = re.compile(r"(?:都|也|已经|已)?(?:交|递|提交|报|送|准备|带|办)(?:了|完了|好了|齐了|上了)")


_HANDING_IN = re.compile(r"(?:递|交|报|送|提交|报送|上交)(?:申报|申请)?(?:材料|资料)|(?:材料|资料)(?:递|交|报|送|提交|报送)(?:到|给)")
_CLAUSE_END = re.compile(r"$|[，。？！?!,；;、\s]")


def detect_fields(text: str, fields: Fields) -> list[str]:
    """The fields a question asks for, most specific first; [] when it names none (an overview question).

    Cues are matched longest first and may not overlap, so 办理时限 is read as timelimit, not as the process cue
    办理 inside it.
    """
    q = colloquial(normalise_text(text))
    for word in fields.not_cues:  # 新材料 is a trade, not 材料 to hand in
        q = q.replace(word, "＿" * len(word))
    written = [*((cue, (key,)) for key, f in fields.fields.items() for cue in f.cues), *fields.double_cues.items()]
    # "要申请不", "能免不": a yes/no question ending in 不 asks what the one ending in 吗 asks
    ending = {cue[:-1] + "不": keys for cue, keys in written if cue.endswith("吗")}
    for cue, _ in written:
        ending.pop(cue, None)
    cues = sorted([*written, *ending.items()], key=lambda c: -len(c[0]))
    taken = [False] * len(q)
    found: list[FieldCue] = []
    for cue, keys in cues:
        for start in occurrences(q, cue):
            end = start + len(cue)
            if any(taken[start:end]) or cue in ending and not _CLAUSE_END.match(q[end:]):
                continue
            if (_DONE.search(q[:start]) and not _QUESTION_WORD.match(cue)) or _DONE_AFTER.match(q[end:]):
                continue  # "交了材料，审核要几天": what was done already is not what is asked
            for i in range(start, end):
                taken[i] = True
            found.append(FieldCue(keys, cue, start))
    if not found:
        return []
    if any(set(c.fields) & {"agency", "process"} for c in found):
        # "先找哪个部门递材料", "材料交到哪": where the materials go is asked, not what they are
        handed = [m.span() for m in _HANDING_IN.finditer(q)]
        found = [c for c in found if c.fields != ("materials",)
                 or not any(a <= c.start < b for a, b in handed)] or found
    # Rank: longest cue first (most specific wording), then the field priority.
    found.sort(key=lambda c: (-len(c.cue), _PRIORITY.index(c.fields[0]) if c.fields[0] in _PRIORITY else 99))
    return list(dict.fromkeys(f for c in found for f in c.fields))


# Colloquial spellings of question words, read as the standard ones before field cues are matched.
_COLLOQUIAL = (("咋", "怎么"), ("啥", "什么"), ("木有", "没有"), ("多会儿", "什么时候"), ("哪儿", "哪"), ("上哪", "去哪"),
               # "在哪里可以申请": where, and the 可以 of it asks nothing about who may
               ("哪里可以", "哪里"), ("哪可以", "哪"), ("哪里能", "哪里"),
               # the 标准 one must meet is a condition, not the 补贴标准 of an amount
               ("认定标准", "认定条件"), ("评定标准", "评定条件"), ("划型标准", "划型条件"), ("界定标准", "界定条件"),
               # going through the 手续 is the procedure; the 手续 one must have is a condition
               ("走什么手续", "走什么流程"), ("走哪些手续", "走哪些流程"), ("走手续", "走流程"),
               # going somewhere to be recognised first is applying: "要去人社那认定不", "要不要先去哪认定"
               ("去哪认定", "去哪办"), ("认定不", "认定，要不要申请"))


def colloquial(text: str) -> str:
    for said, meant in _COLLOQUIAL:
        text = text.replace(said, meant)
    return text


_COUNTED_PEOPLE = re.compile(r"(?<=[\d一二两三四五六七八九十几多百千万])\s*个人")


def counted_people(text: str) -> str:
    """"我们就8个人": a count of people, not 个人 (an individual) — written "8人" before segmenting."""
    return _COUNTED_PEOPLE.sub("人", text)


def with_context_words(text: str, context: Sequence[ContextWord]) -> str:
    """The question with the guide's words written after a word that stands for them in this context: "被税务局罚了"
    → "被税务局（其他部门作出的行政处罚）罚了" (synonyms.yml, in_context)."""
    for cw in context:
        if cw.means in text or not any(b in text for b in cw.beside):
            continue
        found = [(text.find(w), w) for w in cw.words if w in text]
        if found:
            at, word = min(found, key=lambda f: (f[0], -len(f[1])))
            end = at + len(word)
            text = f"{text[:end]}（{cw.means}）{text[end:]}"
    return text


def detect_region(text: str, region: Fact) -> str | None:
    """The 旗区 a question names, by its canonical name or a colloquial one (longest spelling wins)."""
    q = normalise_text(text)
    best: tuple[int, str] | None = None
    for form, value in region.surface_forms().items():
        if form and form.lower() in q and (best is None or len(form) > best[0]):
            best = (len(form), value)
    return best[1] if best else None


def entry_names(record: Record, spoken: dict[str, Sequence[str]] | None = None) -> list[str]:
    """The names an entry goes by: its title without 服务指南, and its aliases — with the other spellings of a name
    that is a synonym group's word (`spoken`: canonical → variants; 个转企 is also said 转成企业)."""
    core = title_core(record.title)
    names = [core, *record.aliases]
    names += [v for n in names for v in (spoken or {}).get(n, ())]
    # "增值税税收优惠政策" goes by the tax's name alone
    bare = re.sub(r"税收优惠政策$", "", core)
    if bare != core and len(bare) >= 3:
        names.append(bare)
    return [n for n in dict.fromkeys(normalise_text(n) for n in names) if len(n) >= 2]


def named_entries(text: str, records: Sequence[Record], names: dict[int, list[str]] | None = None
                  ) -> dict[int, str]:
    """Entries whose title or alias appears in the question, with the longest such name.

    A name inside a longer name that also matched (专精特新 inside 专精特新小巨人) does not count. `names` may
    hold entry_names() of every record, computed once.
    """
    # "个人创业的话 担保贷款…": the 的话 of a condition stands inside the name it splits
    q = re.sub(r"的话\s*", "", normalise_text(text))
    hits: list[tuple[int, str, int]] = []
    for r in records:
        for name in (names[r.id] if names is not None else entry_names(r)):
            for start in occurrences(q, name):
                hits.append((r.id, name, start))
    by_id = {r.id: r for r in records}
    result: dict[int, str] = {}
    for entry, name, start in hits:
        end = start + len(name)
        shadowed = any(
            (s <= start and end <= s + len(n)) and len(n) > len(name) for _, n, s in hits
        ) or any(
            # "节水技术改造项目": 技术改造项目 (entry 3) overlaps 节水技术改造 (entry 2), and entry 2 says the whole
            e != entry and s < end and start < s + len(n) and len(n) >= len(name)
            and q[min(s, start):max(end, s + len(n))] in _joined(by_id[e])
            for e, n, s in hits
        )
        if shadowed:
            continue
        if entry not in result or len(name) > len(result[entry]):
            result[entry] = name
    return result


def _joined(record: Record) -> str:
    # (only for two names that overlap, which is rare: not worth a cache)
    return normalise_text("".join(s.text for s in record.sections))


def ordinal_part(text: str) -> int | None:
    """第十三条 / 第13条 / 第十三部分 → 13."""
    m = re.search(r"第\s*([一二三四五六七八九十]+|\d+)\s*(?:条|项|部分|点)", text)
    if not m:
        return None
    token = m.group(1)
    return int(token) if token.isdigit() else chinese_numeral(token)
