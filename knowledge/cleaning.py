"""Clean the extraction artefacts of the guide's plain text, keeping every line's source position.

The guide was extracted from a PDF. What that left behind (see knowledge/sources/README.md): stray `“ ”` lines
where a quoted title was lost, table rules, `- ` list prefixes, `**bold**` marks, spaces between Chinese and
digits, mixed full-width and half-width punctuation, `—` inside phone numbers, and paragraphs cut in two at a page
break. The words themselves are never changed.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉〔〕【】…—·「」"
_CJK_OR_PUNCT = f"[{CJK_CHARS}{re.escape(CJK_PUNCT)}]"

# Headings and list markers at the start of a line.
TOP_HEADING = re.compile(r"^([一二三四五六七八九十]+)、\s*(.*)$")
SUB_HEADING = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*(.*)$")
ITEM = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*(.*)$")
PAREN_ITEM = re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")
DATE_LINE = re.compile(r"^[（(]?\d{4}年\d{1,2}月\d{1,2}日[）)]?$")
# A phone as the guide writes it: area code and number with any dash, a mobile, or a short service number.
PHONE = re.compile(r"(?<!\d)(0\d{2,3}\s*[-—–－]\s*\d{7,8}|1[3-9]\d{9}|12\d{3})(?!\d)")

_TERMINAL = set("。；！？：;!?:")
_CLOSERS = set("）)》〉”」】〕")
_PAIRS = (("（(", "）)"), ("《", "》"), ("“", "”"))
# A line this long that stops mid-sentence was cut at the bottom of a page (a full printed line is ~30 chars).
_FULL_LINE = 25


class Line(NamedTuple):
    """One logical line of cleaned text and the source lines (1-based, inclusive) it came from."""

    text: str
    first: int
    last: int


def is_noise(text: str) -> bool:
    """True for lines that carry no content: blanks, lost-title quote pairs, table rules."""
    stripped = text.strip()
    if not stripped:
        return True
    if re.fullmatch(r"[“”\"'‘’\s]+", stripped):
        return True
    return bool(re.fullmatch(r"[-—–\s|]+", stripped)) and "-" in stripped


def normalise(text: str) -> str:
    """Clean one line's artefacts without changing its words."""
    s = text.replace("\u3000", " ").replace("\t", " ").strip()
    s = re.sub(r"^(?:[-•]\s+)+", "", s)  # `- ` list prefixes left by the extraction
    s = s.replace("**", "")
    s = re.sub(r"<((?:https?://)[^>\s]+)>", r"\1", s)  # markdown autolinks around URLs
    s = re.sub(r"(?<=\d)\s*[—–－]\s*(?=\d)", "-", s)  # 0483—8331872 → 0483-8331872
    s = _fix_spaces(s)
    if re.search(f"[{CJK_CHARS}]", s):
        s = _full_width_punctuation(s)
        s = _fix_spaces(s)
    return s


def _fix_spaces(s: str) -> str:
    # Drop spaces next to Chinese text or Chinese punctuation ("2025 年" → "2025年"), but keep one between two
    # Chinese words, where the guide uses it to separate names ("财政部 税务总局").
    s = re.sub(r"\s+", " ", s)
    out = []
    for i, ch in enumerate(s):
        if ch == " " and 0 < i < len(s) - 1:
            left, right = s[i - 1], s[i + 1]
            left_cjk = re.match(_CJK_OR_PUNCT, left) is not None
            right_cjk = re.match(_CJK_OR_PUNCT, right) is not None
            both_words = re.match(f"[{CJK_CHARS}]", left) and re.match(f"[{CJK_CHARS}]", right)
            if (left_cjk or right_cjk) and not both_words:
                continue
        out.append(ch)
    return "".join(out).strip()


def _full_width_punctuation(s: str) -> str:
    # Inside Chinese text the guide mixes "," and "，" etc.; write them the Chinese way, leaving URLs,
    # numbers such as 5,000 and host:port alone.
    urls: list[str] = []

    def keep_url(m: re.Match[str]) -> str:
        urls.append(m.group(0))
        return f"\x00{len(urls) - 1}\x00"

    s = re.sub(r"https?://[A-Za-z0-9./:_\-?=&%#~]+", keep_url, s)
    chars = list(s)
    for i, ch in enumerate(chars):
        left = chars[i - 1] if i > 0 else ""
        right = chars[i + 1] if i + 1 < len(chars) else ""
        if ch == "(":
            chars[i] = "（"
        elif ch == ")":
            chars[i] = "）"
        elif ch == "," and not (left.isdigit() and right.isdigit()):
            chars[i] = "，"
        elif ch == ";":
            chars[i] = "；"
        elif ch == ":" and (re.match(_CJK_OR_PUNCT, left or "a") or not right or right == " "):
            chars[i] = "："
        elif ch == "?" and re.match(_CJK_OR_PUNCT, left or "a"):
            chars[i] = "？"
    s = "".join(chars)
    return re.sub("\x00(\\d+)\x00", lambda m: urls[int(m.group(1))], s)


def starts_with_marker(text: str) -> bool:
    """True when the line opens a heading or a list item."""
    return bool(
        TOP_HEADING.match(text) or SUB_HEADING.match(text) or ITEM.match(text) or PAREN_ITEM.match(text)
    )


def _unbalanced(text: str) -> bool:
    for opens, closes in _PAIRS:
        if sum(text.count(c) for c in opens) > sum(text.count(c) for c in closes):
            return True
    return False


def _cut_at_page_break(prev: str, nxt: str) -> bool:
    """Was `prev` cut in two by a page break, `nxt` being its continuation?"""
    if PHONE.search(prev) or PHONE.search(nxt):
        return False  # contact lines stand alone however they end
    if starts_with_marker(nxt) or DATE_LINE.match(nxt):
        return False
    if _unbalanced(prev):
        return True
    last = prev[-1]
    if last in _TERMINAL:
        return False
    if last in _CLOSERS:
        # A title ending in a bracket is complete; a sentence ending in one (校（园）/长) was cut.
        return len(prev) >= _FULL_LINE and ("。" in prev or "，" in prev)
    return len(prev) >= _FULL_LINE


def clean_lines(raw_lines: Iterable[str], *, first_line: int = 1) -> list[Line]:
    """Normalise lines, drop noise and join page-break splits; each result keeps its source line range."""
    result: list[Line] = []
    for number, raw in enumerate(raw_lines, start=first_line):
        if is_noise(raw):
            continue
        text = normalise(raw)
        if not text or is_noise(text):
            continue
        if result and _cut_at_page_break(result[-1].text, text):
            prev = result[-1]
            result[-1] = Line(prev.text + text, prev.first, number)
        else:
            result.append(Line(text, number, number))
    return result
