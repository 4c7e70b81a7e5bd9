"""Which entries fit an enterprise: decided from the curated audience of each entry (knowledge/annotations.yml).

- An entry matches when no known fact contradicts its restrictions (a 个体工商户 is not offered an entry for
  企业 only) and, if it is meant for a group (veterans, those hiring graduates, firms on the 经营异常名录 …), the
  profile is known to belong to one of its groups.
- It ranks higher the more known facts support it, weighed by how much each says: being in the group it is for
  counts most (a group of one kind more than a broad one), a restriction that admits almost everyone little.
- Facts it restricts but the profile leaves unknown are its `missing_facts`: what would settle it.
- An entry meant for a group the profile says nothing about is not a match but `possible`, with the group
  facts that would make it one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

from knowledge.records import Record

from knowledge.vocab import facts as shared_facts

from .profile import describe, known



BROAD = 0.3  # what meeting a restriction that admits more than half of a fact's values counts


@dataclass
class Match:
    policy: int
    title: str
    reasons: list[str]
    missing_facts: list[str]
    score: float = 0.0
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class MatchResult:
    matches: list[Match] = field(default_factory=list)
    possible: list[Match] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"matches": [m.to_dict() for m in self.matches], "possible": [m.to_dict() for m in self.possible]}


def _target_holds(fact: str, accepted: Any, value: Any) -> bool | None:
    """True/False when the profile settles the target, None when it does not."""
    if not known(value):
        return None
    if isinstance(accepted, bool):
        return value is accepted
    if isinstance(value, (list, tuple)):
        return bool(set(value) & set(accepted))
    return value in accepted


def _selectivity(spec, accepted: Any) -> float:
    """What a restriction the profile meets says: 1 for a restriction to a few of a fact's values, little for one
    that lets most in (中型/小型/微型 of four sizes; a loan for 6 of the 7 sectors is not an industry policy)."""
    if spec is None or not spec.values or isinstance(accepted, bool):
        return 1.0
    return 1.0 if len(accepted) <= len(spec.values) / 2 else BROAD


def assess(record: Record, profile: dict[str, Any]) -> tuple[str, Match]:
    """("match" | "possible" | "excluded", details) of one entry for one profile."""
    aud = record.audience
    reasons: list[str] = []
    missing: list[str] = []
    score = 0.0
    entity = profile.get("entity_type")
    for fact, accepted in aud.restrict.items():
        spec = shared_facts().get(fact)
        if spec is not None and known(entity) and not spec.applies(entity):
            continue  # a restriction on a fact the user's entity type does not have (a 个体户's size)
        value = profile.get(fact)
        if not known(value):
            missing.append(fact)
            continue
        if value not in accepted:
            return "excluded", Match(record.id, record.title, [f"不符合：{describe(fact, value)}"], [], 0.0)
        reasons.append(describe(fact, value))
        score += _selectivity(spec, accepted)
    for fact, preferred in aud.prefer.items():
        value = profile.get(fact)
        if known(value) and value in preferred:
            reasons.append(describe(fact, value))
            score += 0.5
    if aud.targets:
        results = [(t, _target_holds(*next(iter(t.items())), profile.get(next(iter(t))))) for t in aud.targets]
        held = [t for t, ok in results if ok]
        if held:
            # being in the group an entry is for says most; a group of one kind (招用退役士兵) more than a broad one
            fact, accepted = max((next(iter(t.items())) for t in held),
                                 key=lambda fa: _selectivity(shared_facts().get(fa[0]), fa[1]))
            reasons.insert(0, describe(fact, profile[fact]))
            score += 2.0 + _selectivity(shared_facts().get(fact), accepted)
        elif all(ok is False for _, ok in results):
            return "excluded", Match(record.id, record.title, ["不属于本项面向的人群"], [], 0.0)
        else:
            unknown = list(dict.fromkeys(next(iter(t)) for t, ok in results if ok is None))
            return "possible", Match(record.id, record.title, reasons, unknown + missing, score, aud.note)
    return "match", Match(record.id, record.title, reasons, missing, score, aud.note)


def match(records: Sequence[Record], profile: dict[str, Any]) -> MatchResult:
    result = MatchResult()
    for r in records:
        if not r.matchable:
            continue
        verdict, m = assess(r, profile)
        if verdict == "match":
            result.matches.append(m)
        elif verdict == "possible":
            result.possible.append(m)
    result.matches.sort(key=lambda m: (-m.score, len(m.missing_facts), m.policy))
    result.possible.sort(key=lambda m: (-m.score, m.policy))
    return result
