"""The question-answering service every channel calls: search, decide scope, compose. Plain Python, no Rasa."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Sequence

from index.query import detect_fields, detect_region
from index.search import MODES, SearchResult, Weights
from index.store import Index
from knowledge.records import Record
from knowledge.vocab import Fact, Fields, load_facts, load_fields

from .answers import Answer, Composer
from .scope import ScopeDecision, ScopeRules, decide, load_topics

log = logging.getLogger(__name__)


@dataclass
class Understanding:
    """What the question asks, before any entry is chosen."""

    fields: list[str]
    region: str | None


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
        self.searcher = index.searcher(weights)
        self.composer = Composer(records, fields, index.segmenter, index.lexical.idf)

    def understand(self, question: str) -> Understanding:
        return Understanding(detect_fields(question, self.fields), detect_region(question, self.facts["region"]))

    def search(self, question: str, *, k: int = 5, mode: str = "hybrid", fields: Sequence[str] | None = None
               ) -> SearchResult:
        if fields is None:
            fields = detect_fields(question, self.fields)
        return self.searcher.search(question, fields=fields, mode=mode, k=k)

    def scope(self, result: SearchResult) -> ScopeDecision:
        quoted = result.hits[0].quoted if result.hits else 0
        return decide(result, self.searcher.known_terms, quoted, self.rules, self.topics)

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
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        understood = self.understand(question)
        wanted = list(fields) if fields is not None else understood.fields
        result = self.search(question, k=10, mode=mode, fields=wanted)
        scope = self.scope(result)
        return self.composer.compose(question, result, scope, wanted, region or understood.region, entry=entry)

    def record(self, entry: int) -> Record | None:
        return self.records.get(entry)


_lock = threading.Lock()
_assistant: Assistant | None = None


def get_assistant() -> Assistant:
    """The process-wide assistant, built on first use (never at import time)."""
    global _assistant
    with _lock:
        if _assistant is None:
            from .knowledge_base import build_all

            records, index, rebuilt = build_all()
            if rebuilt:
                log.info("index rebuilt at %s", index.directory)
            _assistant = Assistant(records, index, load_fields(), load_facts())
        return _assistant


def reset_assistant() -> None:
    global _assistant
    with _lock:
        _assistant = None
