"""Load and check knowledge/annotations.yml (aliases and audience of every entry)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable

from .errors import AnnotationError
from .records import Audience, Record
from .vocab import Fact, _load_yaml

ANNOTATIONS_FILE = Path(__file__).resolve().parent / "annotations.yml"
RESTRICT_FACTS = ("entity_type", "enterprise_size", "sector", "region", "credit_issue")
TARGET_FACTS = ("is_veteran", "owner_groups", "hires", "credit_issue")


@dataclass(frozen=True)
class Annotation:
    aliases: tuple[str, ...]
    audience: Audience
    match: bool


def load_annotations(facts: dict[str, Fact], path: Path = ANNOTATIONS_FILE) -> dict[int, Annotation]:
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        raise AnnotationError(str(path), "expected a mapping with an `entries` mapping")
    result: dict[int, Annotation] = {}
    for key, spec in data["entries"].items():
        if not isinstance(key, int):
            raise AnnotationError(str(path), f"entry key {key!r} is not an entry number")
        spec = spec or {}
        where = f"entry {key}"
        aliases = tuple(str(a) for a in spec.get("aliases") or ())
        aud = spec.get("audience") or {}
        restrict = {
            fact: tuple(_check_values(path, where, facts, fact, values))
            for fact, values in (aud.get("restrict") or {}).items()
            if _check_fact(path, where, fact, RESTRICT_FACTS)
        }
        prefer = {
            fact: tuple(_check_values(path, where, facts, fact, values))
            for fact, values in (aud.get("prefer") or {}).items()
            if _check_fact(path, where, fact, RESTRICT_FACTS)
        }
        targets = []
        for target in aud.get("targets") or ():
            if not isinstance(target, dict) or len(target) != 1:
                raise AnnotationError(str(path), f"{where}: each target names exactly one fact")
            (fact, values), = target.items()
            _check_fact(path, where, fact, TARGET_FACTS)
            if facts[fact].kind == "bool":
                if not isinstance(values, bool):
                    raise AnnotationError(str(path), f"{where}: target {fact} takes true or false")
                targets.append({fact: values})
            else:
                targets.append({fact: list(_check_values(path, where, facts, fact, values))})
        audience = Audience(
            restrict=restrict, targets=tuple(targets), prefer=prefer, note=str(aud.get("note", ""))
        )
        result[key] = Annotation(aliases=aliases, audience=audience, match=bool(spec.get("match", True)))
    return result


def _check_fact(path: Path, where: str, fact: str, allowed: Iterable[str]) -> bool:
    if fact not in allowed:
        raise AnnotationError(str(path), f"{where}: unknown fact {fact!r}; expected one of {', '.join(allowed)}")
    return True


def _check_values(path: Path, where: str, facts: dict[str, Fact], fact: str, values: Any) -> list[Any]:
    if not isinstance(values, list) or not values:
        raise AnnotationError(str(path), f"{where}: {fact} takes a non-empty list of values")
    known = facts[fact].canonical_values()
    for v in values:
        if v not in known:
            raise AnnotationError(
                str(path), f"{where}: {v!r} is not a value of {fact}; accepted: {', '.join(map(str, known))}"
            )
    return values


def annotate(records: list[Record], annotations: dict[int, Annotation], path: Path = ANNOTATIONS_FILE) -> list[Record]:
    """Attach aliases and audience to the records; every entry must be annotated, and nothing else."""
    ids = {r.id for r in records}
    missing = sorted(ids - set(annotations))
    extra = sorted(set(annotations) - ids)
    if missing:
        raise AnnotationError(str(path), f"entries {missing} have no annotation")
    if extra:
        raise AnnotationError(str(path), f"annotations name entries {extra} that the guide does not have")
    out = []
    for r in records:
        a = annotations[r.id]
        audience = a.audience if a.match else Audience(note=a.audience.note)
        out.append(replace(r, aliases=a.aliases, audience=audience, matchable=a.match))
    return out
