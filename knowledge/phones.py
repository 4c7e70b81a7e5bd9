"""Phone numbers: normalisation and the structured contacts of an entry's 咨询电话 section."""

from __future__ import annotations

import re
from typing import Callable, Iterable

from .cleaning import PHONE, Line
from .records import Contact

_DASHES = re.compile(r"\s*[-—–－]\s*")
_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
DEFAULT_LABEL = "咨询电话"


def normalise_phone(raw: str) -> str:
    """`0483—8331872` → `0483-8331872`; spaces dropped; mobiles and short numbers unchanged."""
    return _DASHES.sub("-", raw.strip())


def find_phones(text: str) -> list[str]:
    """Every phone number in a text, normalised, in order."""
    return [normalise_phone(m.group(1)) for m in PHONE.finditer(text)]


def parse_contacts(
    lines: Iterable[Line], region_of: Callable[[str], str | None] = lambda _: None
) -> list[Contact]:
    """Structured contacts from the lines of a contact section.

    Lines look like `阿拉善左旗：0483-8229456`, `内蒙古自治区水利厅：杨燕0471-5259599`,
    `中国银行巴彦浩特分行：0483-8351691 18504830377` (two numbers, one label), `0483-8332222、12366` (no label),
    or a label alone (`…政务服务中心：`) whose number follows on the next line; a number alone after a labelled
    line belongs to that label.
    """
    contacts: list[Contact] = []
    label: str | None = None
    person: str | None = None
    for line in lines:
        text = line.text.strip()
        matches = list(PHONE.finditer(text))
        if not matches:
            # A label waiting for its number on the next line.
            label = text.rstrip("：:").strip() or None
            person = None
            continue
        head = text[: matches[0].start()].strip()
        if head:
            if "：" in head or ":" in head:
                label_part, _, rest = re.split(r"([：:])", head, maxsplit=1)
                label, person = label_part.strip() or None, (rest.strip() or None)
            else:
                label, person = head, None
            if person is not None and not _PERSON.match(person):
                # Not a name: the whole head is the label (e.g. "盟科技局 盟科技创新发展中心").
                label, person = head.rstrip("：:").strip(), None
        # A line with no head keeps the label (and person) of the line before it.
        for m in matches:
            name = label or DEFAULT_LABEL
            contacts.append(
                Contact(
                    label=name,
                    phone=normalise_phone(m.group(1)),
                    person=person,
                    region=region_of(name),
                    line=line.first,
                )
            )
    return contacts
