"""A question about two or three things at once ("个人和小微企业分别最多能贷多少", "……，这俩分别能拿多少") cut
into one question per thing, each keeping the words they share. Only a word that says "each" (分别, 各自 …) makes
a question plural: "营业执照和身份证要带吗" asks one thing about two documents."""

from __future__ import annotations

import re

_EACH = re.compile(r"分别|各自|各(?=[能可有是给补奖贷拿享多要])")
_BOTH = re.compile(r"这俩|这两个|这两项|这两样|这两种|两者|二者|两个都|两样")
_JOINER = re.compile(r"以及|和|与|跟|及|、|还有")
_CLAUSE = re.compile(r"[，,；;。！!？?\s]+")
_LEADING = re.compile(r"^(?:另外|还有|并且|而且|同时|然后|再就是|还|再)+")
MAX_PARTS = 3
MIN_PART = 2  # characters a part needs to name anything


def split_parts(text: str) -> list[str]:
    """One question per thing asked about, or [] when the question asks about one thing."""
    each = _EACH.search(text)
    if each is None:
        return []
    clauses = [c for c in _CLAUSE.split(text) if c]
    asking_at = next((i for i, c in enumerate(clauses) if _EACH.search(c)), None)
    if asking_at is None:
        return []
    asking = _EACH.sub("", clauses[asking_at], count=1)
    if _BOTH.search(asking):
        # "饲料厂加工2.5万吨，另外新建了屠宰场，这俩分别能拿多少": the things are the clauses before
        things = [_LEADING.sub("", c) for c in clauses[:asking_at]]
        things = [t for t in things if len(t) >= MIN_PART][-MAX_PARTS:]
        rest = _BOTH.sub("", asking)
        if len(things) < 2:
            return []
        return [f"{t}，{rest}" for t in things]
    # "个人和小微企业分别…": the joined words in the clause that says 分别, or else in the clause before it
    for at in (asking_at, asking_at - 1):
        if at < 0:
            continue
        clause = asking if at == asking_at else clauses[at]
        head = clause[:_EACH.search(clauses[at]).start()] if at == asking_at else clause
        pieces = _JOINER.split(head)
        if len(pieces) < 2 or any(len(p) < MIN_PART and not re.search(r"[\u4e00-\u9fffA-Za-z]", p) for p in pieces):
            continue
        pieces = [p for p in pieces if p][:MAX_PARTS]
        if len(pieces) < 2:
            continue
        if "的" in pieces[-1][1:]:
            # "国家级和自治区级的专精特新": what follows 的 is said of each
            own, shared = pieces[-1].split("的", 1)
            pieces = [p + "的" + shared for p in pieces[:-1]] + [own + "的" + shared]
        tail = clause[len(head):]
        before = "，".join(clauses[:at])
        after = "，".join(([asking] if at != asking_at else []) + clauses[asking_at + 1:])
        out = []
        for p in pieces:
            q = p + tail
            q = (before + "，" + q if before else q) + ("，" + after if after else "")
            out.append(q)
        return out
    return []
