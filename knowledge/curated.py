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


def _specs(path: Path, section: str, required: tuple[str, ...]):
    """(name, spec) of each item of a curated file's section, each holding the required keys."""
    for name, spec in (_load_yaml(path) or {}).get(section, {}).items():
        if not spec or not all(spec.get(k) for k in required):
            raise AnnotationError(str(path), f"{section} {name!r} needs {' and '.join(required)}")
        yield str(name), spec


@dataclass(frozen=True)
class ContextWord:
    """Words that stand for one of the guide's words only beside another (synonyms.yml, in_context): 税务局 beside
    a penalty is one of the 其他部门 whose penalties the guide treats apart from 市场监管部门's."""

    means: str
    beside: tuple[str, ...]
    words: tuple[str, ...]


def load_context_words(path: Path = SYNONYMS_FILE) -> list[ContextWord]:
    return [ContextWord(means, tuple(map(str, spec["beside"])), tuple(map(str, spec["words"])))
            for means, spec in _specs(path, "in_context", ("beside", "words"))]


@dataclass(frozen=True)
class CategoryMark:
    """Characters that say a question is about one of the guide's categories (synonyms.yml, category)."""

    category: str
    marks: tuple[str, ...]
    not_in: tuple[str, ...]

    def said(self, text: str) -> bool:
        for word in self.not_in:
            text = text.replace(word, "")
        return any(m in text for m in self.marks)


def load_category_marks(path: Path = SYNONYMS_FILE) -> list[CategoryMark]:
    return [CategoryMark(category, tuple(map(str, spec["marks"])), tuple(map(str, spec.get("not") or ())))
            for category, spec in _specs(path, "category", ("marks",))]


@dataclass(frozen=True)
class Topic:
    """A neighbouring topic the guide does not cover (knowledge/not_covered.yml)."""

    name: str
    keywords: tuple[str, ...]
    turn_to: str
    # names of guide entries that do not make such a question one the guide covers ("个人所得税年度汇算":
    # 个人所得税 names entry 30, which is about a 个体工商户's business income, not a person's annual return)
    despite: tuple[str, ...] = ()


def load_topics(path: Path = NOT_COVERED_FILE) -> list[Topic]:
    return [Topic(name, tuple(str(k) for k in spec["keywords"]), str(spec["turn_to"]),
                  tuple(str(n) for n in spec.get("despite") or ()))
            for name, spec in _specs(path, "topics", ("keywords", "turn_to"))]
