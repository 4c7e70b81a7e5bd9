"""A turn's reply as WeChat shows it: plain text, quick-reply buttons as numbered choices the user answers with a
digit, at most 2,047 UTF-8 bytes per message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_REPLY_BYTES = 2047  # WeChat refuses a text reply of 2,048 bytes or more
MORE = "（未完，见下一条）"


@dataclass(frozen=True)
class Rendered:
    text: str
    choices: dict[str, str] = field(default_factory=dict)  # the digit typed → the button's payload


def _numbered_in_text(text: str, n: int, title: str) -> bool:
    """The reply already shows this button as item n of its own numbered list ("1. 第46项 …", "1.企业")."""
    return re.search(rf"(?<!\d){n}[.、．]\s*{re.escape(title)}", text) is not None


def render(message: dict) -> Rendered:
    """One turn's message ({"text", "buttons"}) as WeChat text. Buttons the text already numbers keep their
    numbers; a button the text quotes (“不清楚”) can be typed as it is; the others (详细内容, 全部电话 …) are
    listed after the text with the next numbers. A digit answers with the payload of the button it numbers."""
    text = (message.get("text") or "").strip()
    buttons = [b for b in message.get("buttons") or [] if isinstance(b.get("title"), str) and b.get("payload")]
    choices: dict[str, str] = {}
    extra: list[tuple[int, str]] = []
    for n, b in enumerate(buttons, start=1):
        if _numbered_in_text(text, n, b["title"]):
            choices[str(n)] = b["payload"]
    number = max(map(int, choices), default=0)
    for b in buttons:
        if b["payload"] in choices.values() or f"“{b['title']}”" in text:
            continue
        number += 1
        choices[str(number)] = b["payload"]
        extra.append((number, b["title"]))
    if extra:
        text += "\n\n回复数字：" + "　".join(f"{n} {title}" for n, title in extra)
    return Rendered(text, choices)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_bytes(text: str, limit: int = MAX_REPLY_BYTES) -> list[str]:
    """Text in parts of at most `limit` UTF-8 bytes each, cut at line ends where possible (a part that continues
    says so); never splits a character."""
    if utf8_len(text) <= limit:
        return [text]
    budget = limit - utf8_len("\n" + MORE)
    parts, rest = [], text
    while utf8_len(rest) > limit:
        cut = _cut(rest, budget)
        parts.append(rest[:cut].rstrip("\n") + "\n" + MORE)
        rest = rest[cut:].lstrip("\n")
    parts.append(rest)
    return parts


def _cut(text: str, budget: int) -> int:
    """The longest prefix within `budget` bytes, ending at a line end when one is in its second half."""
    size, end = 0, 0
    for i, ch in enumerate(text):
        size += utf8_len(ch)
        if size > budget:
            break
        end = i + 1
    line_end = text.rfind("\n", 0, end)
    return line_end + 1 if line_end > end // 2 else max(end, 1)
