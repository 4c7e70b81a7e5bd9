"""Load the shared vocabularies: fields (knowledge/fields.yml) and enterprise facts (knowledge/facts.yml)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import AnnotationError
from .records import SECTION_KINDS

HERE = Path(__file__).resolve().parent
FIELDS_FILE = HERE / "fields.yml"
FACTS_FILE = HERE / "facts.yml"

FACT_KINDS = ("one", "many", "bool")


@dataclass(frozen=True)
class Field:
    key: str
    name: str
    labels: tuple[str, ...]
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Fields:
    fields: dict[str, Field]
    compound: dict[str, tuple[str, ...]]
    split: tuple[str, ...]
    not_cues: tuple[str, ...] = ()  # words that hold a cue without asking for its field (新材料)
    double_cues: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # 什么标准: conditions, amount

    def kinds_of_label(self, label: str) -> tuple[str, ...] | None:
        """The field(s) a section heading's label holds, or None when it is no known label."""
        label = _bare_label(label)
        if label in self.compound:
            return self.compound[label]
        for key, f in self.fields.items():
            if label in f.labels:
                return (key,)
        return None

    def is_split(self, label: str) -> bool:
        return _bare_label(label) in self.split

    def name(self, key: str) -> str:
        f = self.fields.get(key)
        return f.name if f else key


@dataclass(frozen=True)
class Fact:
    """One enterprise fact of knowledge/facts.yml (its header says what each part means)."""

    key: str
    kind: str
    ask: str
    values: dict[Any, tuple[str, ...]]  # canonical value → colloquial forms
    name: str = ""
    asks: tuple[tuple[str, str], ...] = ()  # (entity type, question) where it differs from `ask`
    applies_to: tuple[str, ...] = ()  # entity types it is asked of; empty: everyone
    form: bool = True  # asked by the profile questions
    about: tuple[str, ...] = ()
    none: Any = None  # the value a negated mention gives ([] / false / 无)
    entity: str = ""  # the NLU entity that marks it (several facts may share one: 大学生 is an owner or a hire)

    def question(self, entity_type: Any = None) -> str:
        return dict(self.asks).get(entity_type, self.ask) if isinstance(entity_type, str) else self.ask

    def applies(self, entity_type: Any) -> bool:
        """Is the fact asked of (and does it restrict) this entity type? Unknown types: yes."""
        return not self.applies_to or not isinstance(entity_type, str) or entity_type not in self.values_of_entity \
            or entity_type in self.applies_to

    values_of_entity: tuple[str, ...] = ()  # the canonical entity types, to tell a known type from a skipped one

    def canonical_values(self) -> list[Any]:
        return list(self.values)

    def surface_forms(self) -> dict[str, Any]:
        """Every spelling (canonical and colloquial) → canonical value."""
        forms: dict[str, Any] = {}
        for value, synonyms in self.values.items():
            if isinstance(value, str):
                forms[value] = value
            for s in synonyms:
                forms[s] = value
        return forms


def _bare_label(label: str) -> str:
    label = re.sub(r"\s+", "", label)
    return label.rstrip("：:")


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise AnnotationError(str(path), "file is missing") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AnnotationError(str(path), f"cannot be read: {exc}") from exc


def load_fields(path: Path = FIELDS_FILE) -> Fields:
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise AnnotationError(str(path), "expected a mapping with a `fields` mapping")
    fields: dict[str, Field] = {}
    for key, spec in data["fields"].items():
        if key not in SECTION_KINDS:
            raise AnnotationError(str(path), f"unknown field {key!r}; known: {', '.join(SECTION_KINDS)}")
        fields[key] = Field(
            key=key,
            name=str(spec.get("name", key)),
            labels=tuple(str(x) for x in spec.get("labels") or ()),
            cues=tuple(str(x) for x in spec.get("cues") or ()),
        )
    compound = {}
    for label, kinds in (data.get("compound") or {}).items():
        unknown = [k for k in kinds if k not in fields]
        if unknown:
            raise AnnotationError(str(path), f"compound heading {label!r} names unknown fields {unknown}")
        compound[_bare_label(str(label))] = tuple(kinds)
    split = tuple(_bare_label(str(x)) for x in data.get("split") or ())
    not_cues = tuple(str(x) for x in data.get("not_cues") or ())
    double_cues = {}
    for cue, kinds in (data.get("double_cues") or {}).items():
        if not isinstance(kinds, list) or len(kinds) < 2 or any(k not in fields for k in kinds):
            raise AnnotationError(str(path), f"double cue {cue!r} needs two or more known fields")
        double_cues[str(cue)] = tuple(kinds)
    return Fields(fields=fields, compound=compound, split=split, not_cues=not_cues, double_cues=double_cues)


def load_facts(path: Path | None = None) -> dict[str, Fact]:
    path = path or FACTS_FILE  # looked up when called: a test may point it at a copy
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        raise AnnotationError(str(path), "expected a mapping with a `facts` mapping")
    facts: dict[str, Fact] = {}
    for key, spec in data["facts"].items():
        kind = spec.get("kind")
        if kind not in FACT_KINDS:
            raise AnnotationError(str(path), f"fact {key!r}: kind must be one of {FACT_KINDS}, not {kind!r}")
        values = {}
        for value, synonyms in (spec.get("values") or {}).items():
            if kind == "bool" and not isinstance(value, bool):
                raise AnnotationError(str(path), f"fact {key!r}: values of a bool fact are true/false")
            values[value] = tuple(str(s) for s in synonyms or ())
        ask = spec.get("ask", "")
        asks: dict[str, str] = {}
        if isinstance(ask, dict):
            asks = {str(k): str(v) for k, v in ask.items()}
            ask = asks.pop("default", "")
        facts[key] = Fact(
            key=key, kind=kind, ask=str(ask), values=values, name=str(spec.get("name") or key),
            asks=tuple(asks.items()), applies_to=tuple(str(x) for x in spec.get("applies_to") or ()),
            form=bool(spec.get("form", True)), about=tuple(str(x) for x in spec.get("about") or ()),
            none=spec.get("none"), entity=str(spec.get("entity") or key),
        )
    entity = facts.get("entity_type")
    types = tuple(str(v) for v in entity.values) if entity is not None else ()
    for key, fact in list(facts.items()):
        unknown = [t for t in (*fact.applies_to, *dict(fact.asks)) if t not in types]
        if unknown:
            raise AnnotationError(str(path), f"fact {key!r} names entity types {unknown} that entity_type lacks")
        facts[key] = dataclasses.replace(fact, values_of_entity=types)
    return facts


def form_facts(facts: dict[str, Fact]) -> list[str]:
    """The facts the profile questions ask, in the file's order."""
    return [k for k, f in facts.items() if f.form]


@lru_cache(maxsize=1)
def fields() -> Fields:
    return load_fields()


@lru_cache(maxsize=1)
def facts() -> dict[str, Fact]:
    return load_facts()


def region_of(label: str, region_fact: Fact | None = None) -> str | None:
    """The 旗区 a text names (longest spelling wins), or None."""
    fact = region_fact or facts()["region"]
    best: tuple[int, str] | None = None
    for form, value in fact.surface_forms().items():
        if form and form in label and (best is None or len(form) > best[0]):
            best = (len(form), value)
    return best[1] if best else None


DIALOGUE_FILE = HERE / "dialogue.yml"


# A message phrased as a question: a question word, a question mark, or an A-not-A ending ("能报不", "有没有").
QUESTION_WORD = re.compile(r"几|多少|多[长久大高]|什么|啥|哪|谁|怎|咋|吗|么|呢|是否|能否|可否|有没有|要不要|是不是|用不用|能不能"
                           r"|[?？]|..(?:不|没|没有)[。！!]?$")


def is_question(text: str) -> bool:
    return bool(QUESTION_WORD.search(text.strip()))


@dataclass(frozen=True)
class Dialogue:
    """Words that say what kind of turn a message is (knowledge/dialogue.yml)."""

    bot: tuple[str, ...]
    handoff: tuple[str, ...]
    stop: tuple[str, ...]
    more: tuple[str, ...]
    switch: tuple[str, ...]
    aside: tuple[str, ...]
    matching: tuple[str, ...]
    detail: tuple[str, ...]
    all_materials: tuple[str, ...]
    all_phones: tuple[str, ...]
    in_doubt: tuple[str, ...]
    this_one: tuple[str, ...]
    here: tuple[str, ...]
    smalltalk_max_chars: int


def load_dialogue(path: Path = DIALOGUE_FILE) -> Dialogue:
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise AnnotationError(str(path), "expected a mapping")
    words = {}
    for key in ("bot", "handoff", "stop", "more", "switch", "aside", "matching", "detail", "all_materials",
                "all_phones", "in_doubt", "this_one", "here"):
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise AnnotationError(str(path), f"{key} must be a non-empty list of words")
        words[key] = tuple(str(w) for w in value)
    limit = data.get("smalltalk_max_chars")
    if not isinstance(limit, int) or limit <= 0:
        raise AnnotationError(str(path), "smalltalk_max_chars must be a positive whole number")
    return Dialogue(**words, smalltalk_max_chars=limit)


@lru_cache(maxsize=1)
def dialogue() -> Dialogue:
    return load_dialogue()
