"""Check that the table of contents matches the body, and name the entry where it stops matching.

The guide's bodies lost their headings, so titles and bodies are paired by order. To catch a table of contents
that lists an entry the body lacks (or the reverse), titles and bodies are aligned like two sequences: each
title–body pair scores how much of the title's rarer character pairs the body contains, and skipping a title or
a body costs a fixed gap. On the real guide the best alignment pairs every title with the body in the same
place; anything else points at the first entry that does not fit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

GAP = 0.3
_TITLE_NOISE = re.compile(r"[\s“”\"《》（）()·\-—]")
_TITLE_SUFFIX = re.compile(r"(服务指南|政策服务指南|业务服务指南)$")


def title_bigrams(title: str) -> set[str]:
    core = _TITLE_NOISE.sub("", _TITLE_SUFFIX.sub("", title))
    return {core[i : i + 2] for i in range(len(core) - 1)}


def similarity_matrix(titles: Sequence[str], bodies: Sequence[str]) -> list[list[float]]:
    """IDF-weighted share of each title's character pairs found in each body."""
    compact = [re.sub(r"\s", "", b) for b in bodies]
    n = len(compact)
    df_cache: dict[str, int] = {}

    def weight(gram: str) -> float:
        if gram not in df_cache:
            df_cache[gram] = sum(1 for body in compact if gram in body)
        return math.log((n + 1) / (df_cache[gram] + 0.5))

    matrix = []
    for title in titles:
        grams = {g: weight(g) for g in title_bigrams(title)}
        total = sum(grams.values()) or 1.0
        matrix.append([sum(w for g, w in grams.items() if g in body) / total for body in compact])
    return matrix


@dataclass(frozen=True)
class Misalignment:
    """The first place titles and bodies part ways."""

    title_index: int | None  # a title with no body of its own (None when the deviation is an extra body)
    body_index: int | None  # a body no title claims (None when the deviation is a title without body)


def first_misalignment(matrix: list[list[float]], gap: float = GAP) -> Misalignment | None:
    """None when the best alignment pairs title i with body i for every i; else where it first differs."""
    n = len(matrix)
    m = len(matrix[0]) if matrix else 0
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        score[i][0], back[i][0] = -gap * i, "T"
    for j in range(1, m + 1):
        score[0][j], back[0][j] = -gap * j, "B"
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            score[i][j], back[i][j] = max(
                (score[i - 1][j - 1] + matrix[i - 1][j - 1], "M"),
                (score[i - 1][j] - gap, "T"),
                (score[i][j - 1] - gap, "B"),
            )
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        step = back[i][j]
        path.append((step, i - 1, j - 1))
        if step == "M":
            i, j = i - 1, j - 1
        elif step == "T":
            i -= 1
        else:
            j -= 1
    for step, ti, bj in reversed(path):
        if step == "M" and ti == bj:
            continue
        if step == "T":
            return Misalignment(title_index=ti, body_index=None)
        if step == "B":
            return Misalignment(title_index=None, body_index=bj)
        return Misalignment(title_index=ti, body_index=bj)
    return None
