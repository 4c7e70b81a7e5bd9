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
from index.segment import Segmenter

from .scope import ScopeDecision

GUIDE_SHORT = "《涉企政策服务指南（二）》"
SECTION_LIMIT = 500  # characters of one quoted section before it is excerpted
OVERVIEW_LIMIT = 160  # characters of each part of an overview card
CLOSE_CALL = 0.2  # a runner-up within this score of the top entry is named beside it
SIBLING_CALL = 0.8  # … or within this, when its title reads almost the same (企业/个体工商户 versions)
SIBLING_TITLES = 0.6  # title similarity (difflib ratio) that makes two entries siblings
_DEADLINE_LINE = re.compile(r"\d{1,2}月\d{1,2}日(?:之)?前|截止|截至|之前|以前")
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
        }


_SUB = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
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


def contact_lines(contacts: Sequence[Contact]) -> list[str]:
    lines = []
    for c in contacts:
        if c.label == DEFAULT_LABEL and not c.person:
            lines.append(c.phone)
            continue
        who = c.label + (f"（{c.person}）" if c.person else "")
        lines.append(f"{who}：{c.phone}")
    return lines


class Composer:
    def __init__(self, records: Sequence[Record], fields: Fields, segmenter: Segmenter, idf):
        self.records = {r.id: r for r in records}
        self.fields = fields
        self.segmenter = segmenter
        self.idf = idf
        # The guide's lines are few and fixed: segment each once, not on every question.
        self.terms_of = lru_cache(maxsize=50_000)(lambda text: frozenset(segmenter.terms(text)))

    # -- pieces ---------------------------------------------------------------------------------------------

    def excerpt(self, text: str, terms: set[str], limit: int = SECTION_LIMIT) -> str:
        """The text, or where it is long, the parts that share most with the question, in their order: whole
        sub-parts ((一)(二)…) or items (1. 2. …) where they fit, single lines otherwise."""
        if len(text) <= limit:
            return text
        blocks = split_blocks(text)
        scores = [self._overlap("\n".join(b), terms) + self._overlap(b[0], terms) for b in blocks]
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
        specific = set(terms) - self.terms_of(r.title)
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
        lines.append(WHERE_TO_TURN)
        alternatives = []
        if result.hits and result.hits[0].score > 0 and scope.topic is None:
            top = self.records[result.hits[0].entry]
            if scope.unknown_words:
                lines.append(f"（指南中没有“{'、'.join(scope.unknown_words[:3])}”的相关内容。）")
            lines.append(f"如果您想了解的是“{top.title}”，可以直接问我这一项。")
            alternatives = [Alternative(top.id, top.title, top.audience.note)]
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
    ) -> Answer:
        """The answer from the chosen entry (the top hit unless `entry` is given, e.g. a follow-up)."""
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
        return Answer(question, r.id, r.title, field_key, "\n\n".join(lines), contacts, citation, alternatives,
                      region, scope.reason, [h.entry for h in result.hits])

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
            hits = [l for l in s.text.split("\n") if _DEADLINE_LINE.search(l)]
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
