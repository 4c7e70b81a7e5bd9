"""Passages: the retrievable pieces of the guide, one per entry section (long ones split with overlap), each
prefixed with its entry's title and keeping its entry id, section kind and source lines."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Sequence

from knowledge.records import Record, Section

MAX_CHARS = 260  # a passage's text beyond its title; longer sections are split at line breaks
OVERLAP_LINES = 1


@dataclass(frozen=True)
class Passage:
    id: int
    entry: int
    kind: str  # section kind, or "title" for the entry's name card
    kinds: tuple[str, ...]
    heading: str
    text: str  # the section text this passage holds (no title prefix)
    first_line: int
    last_line: int
    number: int | None = None

    def indexed_text(self, title: str) -> str:
        """What lexical and dense retrieval see: the title, the heading, the text."""
        return f"{title}\n{self.heading}\n{self.text}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kinds"] = list(self.kinds)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Passage":
        return cls(**{**d, "kinds": tuple(d["kinds"])})


def _chunks(section: Section) -> list[tuple[str, int, int]]:
    """Split a section's lines into pieces of at most MAX_CHARS, overlapping by one line."""
    lines = section.text.split("\n")
    if len(section.text) <= MAX_CHARS or len(lines) == 1:
        return [(section.text, section.first_line, section.last_line)]
    pieces: list[tuple[str, int, int]] = []
    start = 0
    span = max(section.last_line - section.first_line, 1)
    while start < len(lines):
        size, end = 0, start
        while end < len(lines) and (end == start or size + len(lines[end]) <= MAX_CHARS):
            size += len(lines[end])
            end += 1
        # Source lines are interpolated: cleaning joined lines, so the exact line of a piece is approximate.
        first = section.first_line + span * start // len(lines)
        last = section.first_line + span * end // len(lines)
        pieces.append(("\n".join(lines[start:end]), first, max(first, last)))
        if end >= len(lines):
            break
        start = max(end - OVERLAP_LINES, start + 1)
    return pieces


def make_passages(records: Sequence[Record]) -> list[Passage]:
    passages: list[Passage] = []
    for r in records:
        card = [r.title]
        if r.aliases:
            card.append("又称：" + "、".join(r.aliases))
        card.append("类别：" + r.category)
        if r.audience.note:
            card.append("适用：" + r.audience.note)
        passages.append(
            Passage(len(passages), r.id, "title", ("title",), "名称", "\n".join(card), r.first_line, r.first_line)
        )
        for s in r.sections:
            if not s.text.strip():
                continue
            for text, first, last in _chunks(s):
                passages.append(
                    Passage(len(passages), r.id, s.kind, s.kinds, s.heading, text, first, last, s.number)
                )
    return passages


def entry_document(record: Record) -> str:
    """The whole entry as one text (its name card and every section), for entry-level BM25."""
    parts = [record.title, *record.aliases]
    parts += [f"{s.heading}\n{s.text}" for s in record.sections]
    return "\n".join(parts)
