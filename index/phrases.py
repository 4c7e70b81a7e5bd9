"""Phrases of a question quoted verbatim in an entry: for each entry, the length of the longest run of
PHRASE_MIN..PHRASE_MAX characters of the question that the entry's text contains, both compared as phrase_text.

Every such run starts with PHRASE_MIN characters that occur in the entry, so an index of the entries'
PHRASE_MIN-grams (their positions in one joined text) and extending each occurrence character by character give
the exact answer. A table of every 4–10-character substring gave the same, at ~116 MB and ~0.9 s per process;
this takes ~14 MB and a few hundredths of a second."""

from __future__ import annotations

import re
from array import array
from typing import Mapping

from .segment import normalise_text

PHRASE_MIN, PHRASE_MAX = 4, 10  # verbatim phrases shorter than this say nothing; longer ones are capped
_PHRASE_CHARS = re.compile(r"[^\u3400-\u9fffa-z0-9]")
_NUMERALS = str.maketrans("一二三四五六七八九", "123456789")
_SEPARATOR = "|"  # phrase_text never keeps it, so no match runs across it into the next entry


def phrase_text(text: str) -> str:
    """Text as phrases are compared: letters and digits only, Chinese numerals as digits (近一年 = 近1年)."""
    return _PHRASE_CHARS.sub("", normalise_text(text)).translate(_NUMERALS)


class PhraseIndex:
    """The entries' texts (already phrase_text), joined, with the positions of every PHRASE_MIN-gram."""

    def __init__(self, texts: Mapping[int, str]):
        entries = sorted(texts)
        self._text = "".join(texts[e] + _SEPARATOR for e in entries)
        self._entry_at = array("i")  # position in the joined text → entry
        for e in entries:
            self._entry_at.extend([e] * (len(texts[e]) + 1))
        grams: dict[str, array] = {}
        position = 0
        for e in entries:
            text = texts[e]
            for i in range(len(text) - PHRASE_MIN + 1):
                grams.setdefault(text[i: i + PHRASE_MIN], array("i")).append(position + i)
            position += len(text) + 1
        self._grams = grams

    def quoted(self, query: str) -> dict[int, int]:
        """For each entry, the length of the longest phrase of the question found verbatim in it."""
        q = phrase_text(query)
        text, entry_at = self._text, self._entry_at
        best: dict[int, int] = {}
        for i in range(len(q) - PHRASE_MIN + 1):
            cap = min(PHRASE_MAX, len(q) - i)
            for p in self._grams.get(q[i: i + PHRASE_MIN], ()):
                n = PHRASE_MIN
                while n < cap and text[p + n] == q[i + n]:  # the separator after each entry ends the run
                    n += 1
                e = entry_at[p]
                if n > best.get(e, 0):
                    best[e] = n
        return best
