"""The question-answering service every channel calls: search, decide scope, compose. Plain Python, no Rasa."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Sequence

from index.query import counted_people, detect_fields, detect_region, with_context_words
from index.segment import normalise_text
from index.search import MODES, SearchResult, Weights
from index.spelling import GeneralCounts, Speller, guide_vocabulary
from index.store import Index
from knowledge.errors import InvalidInput
from knowledge.curated import load_category_marks, load_context_words, load_topics
from knowledge.records import Record
from knowledge.vocab import Fact, Fields, load_facts, load_fields

from .answers import Answer, Composer
from .selection import per_units, states_same_quantity
from .scope import ScopeDecision, ScopeRules, decide

log = logging.getLogger(__name__)


@dataclass
class Understanding:
    """What the question asks, before any entry is chosen."""

    fields: list[str]
    region: str | None


@dataclass
class Reading:
    """One message read once: what it asks and what the one search of this turn found. The decision about the
    turn (follow-up or new topic, covered or not) and the answer are both made from this object."""

    question: str  # as the user wrote it
    text: str  # with near-spellings of the guide's words corrected
    fields: list[str]
    region: str | None
    result: SearchResult
    scope: ScopeDecision


class Assistant:
    def __init__(
        self,
        records: Sequence[Record],
        index: Index,
        fields: Fields,
        facts: dict[str, Fact],
        weights: Weights = Weights(),
        rules: ScopeRules = ScopeRules(),
    ):
        self.records = {r.id: r for r in records}
        self.index = index
        self.fields = fields
        self.facts = facts
        self.rules = rules
        self.topics = load_topics()
        self.context_words = load_context_words()
        self.category_marks = load_category_marks()
        self.searcher = index.searcher(weights)
        # Words the guide uses, and the words that ask for one of its fields (办完, 多久 …): neither is foreign.
        self.asking_terms = asking_terms(fields, index.segmenter)
        self._known = set(self.searcher.known_terms) | self.asking_terms
        # the words that say who the user is (kind of business, trade, groups — not 旗区 or credit trouble, which
        # questions are about)
        who = frozenset(t for key, fact in facts.items() if key not in ("region", "credit_issue")
                        for form in fact.surface_forms() if isinstance(form, str)
                        for t in index.segmenter.terms(form) if len(t) >= 2)
        self.composer = Composer(records, fields, index.segmenter, index.lexical.idf, index.embedder.encode,
                                 self.asking_terms, who)
        self.speller = make_speller(records, index.segmenter)
        self._texts: dict[int, str] = {}

    def correct(self, question: str) -> str:
        """The question with near-spellings of the guide's words corrected. A typo that jieba glued to the next
        word ("稳岗反还要" cut as 稳岗反/还要) is tried again with the characters after it."""
        if self.speller is None:
            return question
        text = self.speller.correct(question).text
        for word in self.index.segmenter.words(text):
            if len(word) < 2 or word in self._known or not _CJK_WORD.match(word):
                continue
            at = text.find(word)
            # … and one that jieba glued to the word before it ("能拿稳刚返还" cut as 拿稳/刚/返还)
            for start, extra in ((at, 1), (at, 2), (at + 1, 1), (at + 1, 2)):
                span = text[start: at + len(word) + extra]
                fixed = self.speller.correct(span)
                if start > at and not any(len(w) >= 3 and w in self._known
                                          for w in self.index.segmenter.words(
                                              fixed.text + text[start + len(span): start + len(span) + 3])):
                    continue  # (a shifted span must make a longer word of the guide: 稳岗返还, not 基金 of 公积金)
                if start == at and len(fixed.text) == len(span) and any(
                        a != b for a, b in zip(fixed.text[len(word):], span[len(word):])):
                    continue  # (the typo is in the word, not in the next one: "另外办食品…" keeps its 食品)
                if fixed.replacements and fixed.text != span:
                    text = text[:start] + fixed.text + text[start + len(span):]
                    break
        return text

    def read(self, question: str, *, fields: Sequence[str] | None = None, mode: str = "hybrid",
             corrected: str | None = None) -> Reading:
        """Understand and search a message once: every entry is scored, so a follow-up can compare the entry
        under discussion with the best one. `corrected` is the question already spell-corrected by the caller."""
        if mode not in MODES:
            raise InvalidInput(f"mode must be one of {MODES}")
        text = corrected if corrected is not None else self.correct(question)
        text = with_context_words(counted_people(text), self.context_words)
        understood = self.understand(text)
        wanted = list(fields) if fields is not None else understood.fields
        result = self._by_quantity(text, self.searcher.search(text, fields=wanted, mode=mode, k=len(self.records)))
        result = self._not_who_they_are(text, self._by_threshold(text, self._by_category(text, result)))
        return Reading(question, text, wanted, understood.region, result, self.scope(result))

    def _not_who_they_are(self, text: str, result: SearchResult) -> SearchResult:
        """The leading entry named as what the user's firm is ("我们是科技型中小企业 … 人才政策有补贴不"): the
        entry close behind is what the question asks about when it is named too, or when it holds clearly more of
        what the message says after ("… 新引进一个技术研发带头人 有生活补贴不")."""
        hits = result.hits
        if len(hits) < 2 or not hits[0].named or hits[0].score - hits[1].score > WHO_GAP:
            return result
        said = normalise_text(text)
        at = said.find(hits[0].named)
        if at < 0 or not _WHO_WE_ARE.search(said[:at]):
            return result
        if hits[1].named:
            if hits[1].named not in hits[0].named:
                result.hits = [hits[1], hits[0], *hits[2:]]
            return result
        rest = [t for t in self.index.segmenter.terms(said[at + len(hits[0].named):])
                if len(t) >= 2 and t in self.searcher.known_terms and t not in self.asking_terms]
        if self.searcher.share(rest, hits[1].entry) - self.searcher.share(rest, hits[0].entry) >= WHO_SHARE:
            result.hits = [hits[1], hits[0], *hits[2:]]
        return result

    def _by_category(self, text: str, result: SearchResult) -> SearchResult:
        """A question about tax ("退伍回来开了个小饭馆 税上有照顾不") is about the guide's tax entries: an unnamed
        entry of another category ahead of the best one in it by less than CATEGORY_GAP gives way."""
        hits = result.hits
        if not hits or hits[0].named:
            return result
        for mark in self.category_marks:
            if self.records[hits[0].entry].category == mark.category or not mark.said(text):
                continue
            inside = next((h for h in hits if self.records[h.entry].category == mark.category), None)
            if inside is not None and inside.score >= hits[0].score - CATEGORY_GAP:
                result.hits = [inside, *(h for h in hits if h is not inside)]
            break
        return result

    def _by_threshold(self, text: str, result: SearchResult) -> SearchResult:
        """The one entry the question names, a little below an unnamed one, comes first when its text sets a bound
        the question's figure meets and the unnamed one's does not ("个体户 一个月流水8万 增值税要交不": 增值税 names
        entry 28, whose 月销售额10万元以下 the 8万 meets; 个体工商户 had put 六税两费 ahead)."""
        hits = result.hits
        named = [h for h in hits if h.named]
        if not hits or hits[0].named or len({h.entry for h in named}) != 1 \
                or named[0].score < hits[0].score - NAMED_OVER_UNNAMED:
            return result
        if states_same_quantity(text, self._text(named[0].entry)) and not states_same_quantity(
                text, self._text(hits[0].entry)):
            result.hits = [named[0], *(h for h in hits if h is not named[0])]
        return result

    def _by_quantity(self, text: str, result: SearchResult) -> SearchResult:
        """Two entries the question names, scored alike ("种鸵鸟吃的苜蓿 一亩补多少"): the one that gives a rate
        per the question's unit (每亩, not 每只) comes first."""
        hits = result.hits
        if len(hits) < 2 or not (hits[0].named and hits[1].named) or hits[0].score - hits[1].score > NAMED_TIE:
            return result
        units = per_units(text)
        counts = [any(f"每{u}" in self._text(h.entry) for u in units) for h in hits[:2]]
        if counts == [False, True]:
            result.hits = [hits[1], hits[0], *hits[2:]]
        return result

    def _text(self, entry: int) -> str:
        """An entry's whole text, joined once."""
        if entry not in self._texts:
            self._texts[entry] = "\n".join(s.text for s in self.records[entry].sections)
        return self._texts[entry]

    def answer(self, reading: Reading, *, entry: int | None = None, fields: Sequence[str] | None = None,
               region: str | None = None, detail: bool = False, all_phones: bool = False,
               parts: Sequence[Reading] = ()) -> Answer:
        """The answer to a message already read; `entry` fixes the entry (a follow-up), `fields` the fields."""
        wanted = list(fields) if fields is not None else reading.fields
        region = region or reading.region
        if detail:
            return self.composer.detail(reading.text, reading.result, reading.scope, wanted, region, entry=entry)
        return self.composer.compose(reading.text, reading.result, reading.scope, wanted, region, entry=entry,
                                     all_phones=all_phones, parts=[(p.text, p.result, p.fields) for p in parts])

    def understand(self, question: str) -> Understanding:
        return Understanding(detect_fields(question, self.fields), detect_region(question, self.facts["region"]))

    def search(self, question: str, *, k: int = 5, mode: str = "hybrid", fields: Sequence[str] | None = None
               ) -> SearchResult:
        if fields is None:
            fields = detect_fields(question, self.fields)
        return self.searcher.search(question, fields=fields, mode=mode, k=k)

    def scope(self, result: SearchResult) -> ScopeDecision:
        quoted = result.hits[0].quoted if result.hits else 0
        return decide(result, self._known, quoted, self.rules, self.topics, self.index.lexical.idf, self.asking_terms)

    def ask(
        self,
        question: str,
        *,
        region: str | None = None,
        entry: int | None = None,
        fields: Sequence[str] | None = None,
        mode: str = "hybrid",
    ) -> Answer:
        """The answer a user would get. `entry` fixes the entry (a follow-up about the entry under discussion);
        `fields` overrides field detection; `region` overrides the region the question names."""
        reading = self.read(question, fields=fields, mode=mode)
        return self.answer(reading, entry=entry, region=region)

    def record(self, entry: int) -> Record | None:
        return self.records.get(entry)


def asking_terms(fields: Fields, segmenter) -> frozenset[str]:
    """The terms of the field cues and labels. A cue word that a synonym maps onto another word does not make
    that word asking: 打给 asks for a phone, but 发放 (its synonym, 钱打给谁) says what the question is about."""
    words = [w for f in fields.fields.values() for w in (*f.cues, *f.labels)]
    said = {x for w in words for x in segmenter.words(w)}
    borrowed = {segmenter.synonyms[x] for x in said if segmenter.synonyms.get(x, x) not in said}
    return frozenset(t for w in words for t in segmenter.terms(w) if t not in borrowed)


def make_speller(records: Sequence[Record], segmenter) -> Speller:
    """Near-spellings and homophones of the guide's own words (index/spelling.py), from its titles, sections and
    contact labels."""
    texts: list[str] = []
    for r in records:
        texts.append(r.title)
        texts.extend(s.text for s in r.sections)
        texts.extend(c.label for c in r.contacts)
    # jieba's general dictionary is read through the segmenter's tokenizer, not loaded a second time (~66 MB)
    general = GeneralCounts(segmenter.tokenizer, segmenter.words_to_add)
    return Speller(guide_vocabulary(texts, segmenter, segmenter.words_to_add), general)


NAMED_TIE = 0.3  # two named entries this close in score are told apart by the unit of the question's quantity
CATEGORY_GAP = 0.6  # how far below another category's entry the best one of the category a question names may be
NAMED_OVER_UNNAMED = 0.5  # how far below an unnamed entry a named one may be put first on a threshold it sets
WHO_GAP = 1.0  # a named entry this far behind one named as what the user's firm is, is what the question asks about
WHO_SHARE = 0.25  # … or, unnamed, holds this much more (idf-weighted) of what the message says after who they are
# "我们是…", "我们公司是…": what follows is who the user is
_WHO_WE_ARE = re.compile(r"(?:我们|我|俺们|俺|咱们|咱|本公司|我们公司|我们单位|他们|他|来电人|客户)(?:公司|企业|单位|家)?(?:是|属于|算)(?:个|一家|家)?$")
_CJK_WORD = re.compile(r"^[\u3400-\u9fff]+$")
_lock = threading.Lock()
_assistant: Assistant | None = None


def get_assistant() -> Assistant:
    """The process-wide assistant, loaded on first use (never at import time) from what `policybot build` made;
    a missing or stale build is a BuildUnavailable error naming the command to run, never a build here."""
    global _assistant
    with _lock:
        if _assistant is None:
            from .knowledge_base import load_all

            records, index = load_all()
            _assistant = Assistant(records, index, load_fields(), load_facts())
        return _assistant


def reset_assistant() -> None:
    global _assistant
    with _lock:
        _assistant = None
