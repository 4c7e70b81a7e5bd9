"""Parse the guide's plain text into one Record per table-of-contents entry.

The entries' own headings were lost in extraction, so the body is matched to the table of contents by order:
entries with numbered service sections each begin at a `一、` heading whose label is a known field (办理依据,
适用范围 …); the policy documents that follow them are told apart by how documents begin (a salutation, a
"为…" preamble, a date line closing the one before, or numbering that starts again at 一、 outside an annex).
Every entry's body is checked against its title, so a table of contents that does not match its body stops
the build with the entry named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .cleaning import DATE_LINE, ITEM, PHONE, SUB_HEADING, TOP_HEADING, Line, clean_lines
from .alignment import Misalignment, first_misalignment, similarity_matrix
from .errors import SourceError
from .phones import parse_contacts
from .records import Contact, Record, Section
from .vocab import Fields

_TOC_ENTRY = re.compile(r"^(\d{1,3})\s*[.．、]\s*(.+?)\s*[·…．.]{2,}\s*\d+$")
_ANNEX = re.compile(r"^附\s*件[：:]?\s*(.*)$")
# Below this share of its title's (weighted) character pairs, a body is not about its title; the lowest real
# entry scores about 0.29 (entry 35), an unrelated title near 0.
MIN_TITLE_SIMILARITY = 0.15
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class TocEntry:
    id: int
    title: str
    category: str
    category_no: int
    line: int


def chinese_numeral(text: str) -> int:
    """一 → 1, 十三 → 13, 二十 → 20 (the guide's numbering stays below 100)."""
    if not text or any(ch not in _NUMERALS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if "十" not in text:
        return _NUMERALS[text]
    tens, _, ones = text.partition("十")
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0)


def read_source(path: Path) -> list[str]:
    """The source's lines; a missing, unreadable or non-UTF-8 file is a SourceError naming it."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(str(path), "source file is missing") from exc
    except OSError as exc:
        raise SourceError(str(path), f"source file cannot be read: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(str(path), "source file is not UTF-8 text", line=line) from exc
    return text.lstrip("\ufeff").split("\n")


def _is_body_start(line: Line, fields: Fields) -> bool:
    m = TOP_HEADING.match(line.text)
    return bool(m and m.group(1) == "一" and fields.kinds_of_label(m.group(2)) is not None)


def parse_toc(lines: list[Line], path: str, fields: Fields) -> tuple[list[TocEntry], int]:
    """The table of contents and the index of the first body line."""
    body = next((i for i, line in enumerate(lines) if _is_body_start(line, fields)), None)
    if body is None:
        raise SourceError(path, "no entry body found (no 一、办理依据 or similar heading)")
    entries: list[TocEntry] = []
    category, category_no = "", 0
    for line in lines[:body]:
        m = _TOC_ENTRY.match(line.text)
        if m:
            if not category:
                raise SourceError(path, "table of contents entry before any category", line=line.first)
            entries.append(TocEntry(int(m.group(1)), m.group(2).strip(), category, category_no, line.first))
            continue
        h = TOP_HEADING.match(line.text)
        if h and len(h.group(2)) <= 20:
            category, category_no = h.group(2).strip(), chinese_numeral(h.group(1))
    if not entries:
        raise SourceError(path, "no table of contents found")
    for expected, entry in enumerate(entries, start=1):
        if entry.id != expected:
            raise SourceError(
                path, f"table of contents numbering jumps to {entry.id} after {expected - 1}", entry=entry.id,
                line=entry.line,
            )
    return entries, body


def _contact_run_end(lines: list[Line], start: int) -> int:
    """Index just past the contact lines that begin at `start` (numbers, or a label whose number follows)."""
    i = start
    while i < len(lines):
        text = lines[i].text
        if PHONE.search(text):
            i += 1
        elif text.endswith(("：", ":")) and i + 1 < len(lines) and PHONE.match(lines[i + 1].text):
            i += 1
        else:
            break
    return i


def _document_starts(lines: list[Line]) -> list[int]:
    """Where each policy document begins, in the run of lines after the last service entry."""
    starts = [0]
    parts = 0  # numbered parts seen in the current document
    last_part = 0
    in_annex = False
    previous_was_date = False
    for i, line in enumerate(lines):
        text = line.text
        if i > 0:
            top = TOP_HEADING.match(text)
            opens = (
                previous_was_date
                or (parts and text.startswith("为") and len(text) >= 30)
                or (parts and text.endswith("：") and "各" in text and len(text) <= 60)
                or (top is not None and top.group(1) == "一" and last_part > 1 and not in_annex)
            )
            if opens:
                starts.append(i)
                parts, last_part, in_annex = 0, 0, False
        previous_was_date = bool(DATE_LINE.match(text))
        if _ANNEX.match(text):
            in_annex = True
        top = TOP_HEADING.match(text)
        if top:
            parts += 1
            last_part = chinese_numeral(top.group(1))
    return starts


def _service_sections(lines: list[Line], fields: Fields) -> list[tuple[Section, list[Line]]]:
    sections: list[tuple[Section, list[Line]]] = []
    heading: Line | None = None
    kinds: tuple[str, ...] = ("other",)
    body: list[Line] = []
    in_split = False

    def close() -> None:
        if heading is None:
            return
        text = "\n".join(line.text for line in body)
        last = body[-1].last if body else heading.last
        sections.append(
            (
                Section(
                    kind=kinds[0],
                    kinds=kinds,
                    heading=_heading_text(heading.text),
                    text=text,
                    first_line=heading.first,
                    last_line=last,
                ),
                list(body),
            )
        )

    for line in lines:
        top = TOP_HEADING.match(line.text)
        sub = SUB_HEADING.match(line.text) or ITEM.match(line.text)
        if top:
            close()
            label = top.group(2)
            in_split = fields.is_split(label)
            heading, body = line, []
            kinds = fields.kinds_of_label(label) or ("other",)
            continue
        if in_split and sub and fields.kinds_of_label(sub.group(2)) is not None:
            # The container heading (四、补贴对象、标准及方式) is dropped unless text stands under it directly.
            if heading is not None and (body or not TOP_HEADING.match(heading.text)):
                close()
            heading, body = line, []
            kinds = fields.kinds_of_label(sub.group(2)) or ("other",)
            continue
        body.append(line)
    close()
    return sections


def _heading_text(text: str) -> str:
    return text.rstrip("：:").strip()


def _document_sections(lines: list[Line]) -> list[Section]:
    sections: list[Section] = []
    heading = "正文"
    kind = "preamble"
    number: int | None = None
    body: list[Line] = []
    annex_title: str | None = None

    def close() -> None:
        if body:
            sections.append(
                Section(
                    kind=kind,
                    kinds=(kind,),
                    heading=heading,
                    text="\n".join(line.text for line in body),
                    first_line=body[0].first,
                    last_line=body[-1].last,
                    number=number,
                )
            )

    for line in lines:
        annex = _ANNEX.match(line.text)
        if annex:
            close()
            annex_title = annex.group(1).strip() or annex_title or "附件"
            heading, kind, number, body = f"附件：{annex_title}", "part", None, []
            continue
        top = TOP_HEADING.match(line.text)
        if top:
            close()
            title = top.group(2)
            first_sentence = title.split("。", 1)[0]
            short = first_sentence if len(first_sentence) <= 30 else title[:30]
            label = f"{top.group(1)}、{short}"
            if annex_title:
                heading, number = f"附件《{annex_title}》{label}", None
            else:
                heading, number = label, chinese_numeral(top.group(1))
            kind, body = "part", [line]
            continue
        body.append(line)
    close()
    return sections


def _bodies(body: list[Line], fields: Fields, source: str) -> list[tuple[str, list[Line]]]:
    """The body cut into entries by structure alone: ("service", lines) …, then ("document", lines) …."""
    starts = [i for i, line in enumerate(body) if _is_body_start(line, fields)]
    spans = [(start, starts[k + 1] if k + 1 < len(starts) else len(body)) for k, start in enumerate(starts)]
    result: list[tuple[str, list[Line]]] = [("service", body[a:b]) for a, b in spans]
    if not spans:
        return result
    last_start, _ = spans[-1]
    contact_heading = None
    for i in range(last_start, len(body)):
        top = TOP_HEADING.match(body[i].text)
        if top and fields.kinds_of_label(top.group(2)) == ("contact",):
            contact_heading = i
    if contact_heading is None:
        raise SourceError(source, "the last service entry has no 咨询电话 section", line=body[last_start].first)
    doc_from = _contact_run_end(body, contact_heading + 1)
    result[-1] = ("service", body[last_start:doc_from])
    doc_lines = body[doc_from:]
    if doc_lines:
        doc_starts = _document_starts(doc_lines)
        for k, start in enumerate(doc_starts):
            end = doc_starts[k + 1] if k + 1 < len(doc_starts) else len(doc_lines)
            result.append(("document", doc_lines[start:end]))
    return result


def parse_guide(
    path: Path,
    fields: Fields,
    region_of: Callable[[str], str | None] = lambda _: None,
) -> list[Record]:
    """Parse one guide source file into its records (one per table-of-contents entry)."""
    source = str(path)
    lines = clean_lines(read_source(path))
    toc, body_start = parse_toc(lines, source, fields)
    bodies = _bodies(lines[body_start:], fields, source)
    texts = ["\n".join(line.text for line in chunk) for _, chunk in bodies]
    if not bodies:
        raise SourceError(source, "no entry body found after the table of contents")
    matrix = similarity_matrix([e.title for e in toc], texts)
    miss = first_misalignment(matrix)
    if miss is not None or len(bodies) != len(toc):
        _raise_mismatch(source, toc, bodies, miss)
    for i in range(len(toc)):
        if matrix[i][i] < MIN_TITLE_SIMILARITY:
            _raise_mismatch(source, toc, bodies, Misalignment(title_index=i, body_index=i))

    records: list[Record] = []
    for entry, (kind, chunk) in zip(toc, bodies):
        contacts: list[Contact] = []
        if kind == "service":
            pairs = _service_sections(chunk, fields)
            sections = [s for s, _ in pairs]
            for s, s_lines in pairs:
                if s.kind == "contact":
                    contacts.extend(parse_contacts(s_lines, region_of))
        else:
            sections = _document_sections(chunk)
        records.append(
            Record(
                id=entry.id,
                title=entry.title,
                category=entry.category,
                category_no=entry.category_no,
                kind=kind,
                sections=tuple(sections),
                contacts=tuple(contacts),
                first_line=chunk[0].first,
                last_line=chunk[-1].last,
                source=Path(path).name,
            )
        )
    return records


def _raise_mismatch(
    source: str, toc: list[TocEntry], bodies: list[tuple[str, list[Line]]], miss: Misalignment | None
) -> None:
    counts = f"the table of contents lists {len(toc)} entries and the body holds {len(bodies)}"
    if miss is None:
        raise SourceError(source, f"the table of contents does not match the body: {counts}", entry=toc[-1].id)
    if miss.body_index is None:
        entry = toc[miss.title_index]
        raise SourceError(
            source,
            f"the table of contents does not match the body: entry {entry.id} “{entry.title}” has no body "
            f"of its own ({counts})",
            entry=entry.id,
            line=entry.line,
        )
    chunk = bodies[miss.body_index][1]
    if miss.title_index is None:
        before = toc[min(miss.body_index, len(toc)) - 1] if miss.body_index else None
        near = f"after entry {before.id} “{before.title}”" if before else "before the first entry"
        raise SourceError(
            source,
            f"the table of contents does not match the body: lines {chunk[0].first}–{chunk[-1].last} "
            f"({near}) belong to no entry of the table of contents ({counts})",
            entry=before.id + 1 if before else 1,
            line=chunk[0].first,
        )
    entry = toc[miss.title_index]
    raise SourceError(
        source,
        f"the table of contents does not match the body: entry {entry.id} “{entry.title}” does not fit "
        f"lines {chunk[0].first}–{chunk[-1].last} ({counts})",
        entry=entry.id,
        line=chunk[0].first,
    )
