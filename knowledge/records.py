"""The structured records the guide is parsed into, and their JSON form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

# Section kinds, in the order a service guide lists them. `part` and `preamble` are the headed parts of the
# policy documents (entries 50–56); `other` is anything the guide heads in a way no kind covers.
SECTION_KINDS = (
    "basis",
    "agency",
    "scope",
    "conditions",
    "amount",
    "materials",
    "process",
    "deadline",
    "timelimit",
    "fee",
    "result",
    "contact",
    "preamble",
    "part",
    "other",
)


@dataclass(frozen=True)
class Contact:
    """One phone number with what the guide says about it."""

    label: str
    phone: str
    person: str | None = None
    region: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Section:
    """One headed part of an entry, its text cleaned but verbatim."""

    kind: str
    kinds: tuple[str, ...]
    heading: str
    text: str
    first_line: int
    last_line: int
    number: int | None = None  # 十三 → 13 for the numbered parts of a policy document

    def covers(self, kind: str) -> bool:
        return kind in self.kinds


@dataclass(frozen=True)
class Audience:
    """Who an entry is for, from knowledge/annotations.yml (the text does not state it in a fixed place).

    `restrict` maps a fact (entity_type, enterprise_size, sector, region) to the values the entry accepts; a fact
    it does not name is no restriction. `targets` lists alternative groups the entry is meant for (each a fact
    and its accepted values, such as is_veteran: true or hires: [退役士兵]); empty means it is for everyone the
    restrictions let in. `prefer` names values that make the entry more relevant without ruling anyone out.
    """

    restrict: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    targets: tuple[dict[str, Any], ...] = ()
    prefer: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Record:
    """One table-of-contents entry of the guide."""

    id: int
    title: str
    category: str
    category_no: int
    kind: str  # "service" (entries with numbered service sections) or "document" (full policy texts)
    sections: tuple[Section, ...]
    contacts: tuple[Contact, ...]
    first_line: int
    last_line: int
    source: str
    aliases: tuple[str, ...] = ()
    audience: Audience = field(default_factory=Audience)
    matchable: bool = True  # False for documents that are read, not applied for

    def sections_of(self, kind: str) -> list[Section]:
        return [s for s in self.sections if s.covers(kind)]

    def text_of(self, kind: str) -> str:
        return "\n".join(s.text for s in self.sections_of(kind))

    def has(self, kind: str) -> bool:
        return any(s.text for s in self.sections_of(kind))

    @property
    def citation(self) -> str:
        return f"《涉企政策服务指南（二）》第{self.id}项“{self.title}”（{self.category}）"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sections"] = [
            {**asdict(s), "kinds": list(s.kinds)} for s in self.sections
        ]
        data["aliases"] = list(self.aliases)
        data["audience"] = {
            "restrict": {k: list(v) for k, v in self.audience.restrict.items()},
            "targets": list(self.audience.targets),
            "prefer": {k: list(v) for k, v in self.audience.prefer.items()},
            "note": self.audience.note,
        }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        sections = tuple(
            Section(
                kind=s["kind"],
                kinds=tuple(s["kinds"]),
                heading=s["heading"],
                text=s["text"],
                first_line=s["first_line"],
                last_line=s["last_line"],
                number=s.get("number"),
            )
            for s in data["sections"]
        )
        contacts = tuple(Contact(**c) for c in data["contacts"])
        aud = data.get("audience") or {}
        audience = Audience(
            restrict={k: tuple(v) for k, v in (aud.get("restrict") or {}).items()},
            targets=tuple(aud.get("targets") or ()),
            prefer={k: tuple(v) for k, v in (aud.get("prefer") or {}).items()},
            note=aud.get("note", ""),
        )
        return cls(
            id=data["id"],
            title=data["title"],
            category=data["category"],
            category_no=data["category_no"],
            kind=data["kind"],
            sections=sections,
            contacts=contacts,
            first_line=data["first_line"],
            last_line=data["last_line"],
            source=data["source"],
            aliases=tuple(data.get("aliases") or ()),
            audience=audience,
            matchable=data.get("matchable", True),
        )


def by_id(records: Iterable[Record]) -> dict[int, Record]:
    return {r.id: r for r in records}
