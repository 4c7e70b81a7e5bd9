"""Load the curated word lists that the index and the scope decision read: synonyms (knowledge/synonyms.yml) and
the neighbouring topics the guide does not cover (knowledge/not_covered.yml). They live beside the other curated
files so that no layer above reads knowledge/ by path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import AnnotationError
from .vocab import _load_yaml

HERE = Path(__file__).resolve().parent
SYNONYMS_FILE = HERE / "synonyms.yml"
NOT_COVERED_FILE = HERE / "not_covered.yml"


def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, str]:
    """variant → canonical word."""
    data = _load_yaml(path)
    mapping: dict[str, str] = {}
    for canonical, variants in (data or {}).get("groups", {}).items():
        for v in variants or ():
            if v in mapping and mapping[v] != canonical:
                raise AnnotationError(str(path), f"{v!r} is a synonym of both {mapping[v]!r} and {canonical!r}")
            mapping[str(v)] = str(canonical)
    return mapping


@dataclass(frozen=True)
class Topic:
    """A neighbouring topic the guide does not cover (knowledge/not_covered.yml)."""

    name: str
    keywords: tuple[str, ...]
    turn_to: str


def load_topics(path: Path = NOT_COVERED_FILE) -> list[Topic]:
    data = _load_yaml(path)
    topics = []
    for name, spec in (data or {}).get("topics", {}).items():
        if not spec or not spec.get("keywords") or not spec.get("turn_to"):
            raise AnnotationError(str(path), f"topic {name!r} needs keywords and turn_to")
        topics.append(Topic(str(name), tuple(str(k) for k in spec["keywords"]), str(spec["turn_to"])))
    return topics
