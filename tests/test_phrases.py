"""The phrase index (index/phrases.py) gives exactly what the table of every 4–10-character substring it replaced
gave, on every question the project has and on long quotes of the guide."""

from __future__ import annotations

import random

import pytest

from index.passages import entry_document
from index.phrases import PHRASE_MAX, PHRASE_MIN, PhraseIndex, phrase_text

from .conftest import DATA, load_jsonl

QUESTION_FILES = sorted(DATA.glob("*.jsonl"))  # tests/data holds a copy of the dev questions


class SubstringTable:
    """The method it replaces, verbatim: every 4–10-character substring of every entry → the entries."""

    def __init__(self, texts: dict[int, str]):
        self._phrases: dict[str, set[int]] = {}
        for e, text in texts.items():
            for n in range(PHRASE_MIN, PHRASE_MAX + 1):
                for i in range(len(text) - n + 1):
                    self._phrases.setdefault(text[i: i + n], set()).add(e)

    def quoted(self, query: str) -> dict[int, int]:
        q = phrase_text(query)
        best: dict[int, int] = {}
        for n in range(min(PHRASE_MAX, len(q)), PHRASE_MIN - 1, -1):
            for i in range(len(q) - n + 1):
                for e in self._phrases.get(q[i: i + n], ()):
                    if n > best.get(e, 0):
                        best[e] = n
        return best


def questions() -> list[str]:
    out: list[str] = []
    for path in QUESTION_FILES:
        if not path.exists():
            continue
        for row in load_jsonl(path):
            if isinstance(row.get("q"), str):
                out.append(row["q"])
            out.extend(t["user"] for t in row.get("turns", ()) if isinstance(t.get("user"), str))
    return out


@pytest.fixture(scope="module")
def texts(records) -> dict[int, str]:
    return {r.id: phrase_text(entry_document(r)) for r in records}


@pytest.fixture(scope="module")
def both(texts):
    return PhraseIndex(texts), SubstringTable(texts)


def test_same_as_the_substring_table_on_every_question(both):
    new, old = both
    asked = questions()
    assert len(asked) > 500  # tests/data alone (CI clones have no ../shared)
    differ = [q for q in asked if new.quoted(q) != old.quoted(q)]
    assert not differ, differ[:5]
    assert sum(bool(new.quoted(q)) for q in asked) > 300  # most questions quote something: the check has teeth


def test_same_on_quotes_and_pieces_of_the_guide(both, records):
    new, old = both
    rng = random.Random(7)
    for r in records:
        for s in r.sections:
            a = rng.randrange(max(len(s.text) - 8, 1))
            for piece in (s.text[:300], s.text[a: a + 3 + rng.randrange(12)], r.title + "一二三" + s.text[-20:]):
                assert new.quoted(piece) == old.quoted(piece), piece


def test_a_phrase_never_runs_across_two_entries():
    index = PhraseIndex({1: "甲乙丙丁戊", 2: "己庚辛壬癸"})
    assert index.quoted("丙丁戊己庚") == {}
    assert index.quoted("问甲乙丙丁戊呢") == {1: 5}
    assert index.quoted("乙丙丁戊") == {1: 4} and index.quoted("乙丙丁") == {}
