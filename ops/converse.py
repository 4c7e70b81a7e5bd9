"""`policybot converse`: play conversation files (format of ../shared/eval/README.md, dev_conversations.jsonl)
over the REST channel of a running bot, one fresh sender per conversation, and measure them.

A turn passes when the reply's text messages, joined, with white space removed and dashes in numbers written as
'-', contain every `must` string and no `must_not` string.
"""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .evaluate import normalise_for_match, read_jsonl

Send = Callable[[str, str], list[dict]]


def load_conversations(path: Path) -> list[dict[str, Any]]:
    conversations = read_jsonl(path, ("turns",), "a conversation")
    for conv in conversations:
        if not isinstance(conv["turns"], list):
            raise ValueError(f"{path}: conversation {conv.get('id', '?')}: 'turns' must be a list")
    return conversations


@dataclass
class Turn:
    conversation: str
    index: int
    user: str
    must: list[str]
    must_not: list[str]
    messages: list[dict]
    seconds: float

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.messages)

    @property
    def missing(self) -> list[str]:
        t = normalise_for_match(self.text)
        return [m for m in self.must if normalise_for_match(m) not in t]

    @property
    def forbidden(self) -> list[str]:
        t = normalise_for_match(self.text)
        return [m for m in self.must_not if normalise_for_match(m) in t]

    @property
    def passed(self) -> bool:
        return not self.missing and not self.forbidden

    @property
    def in_scope(self) -> bool:
        """A turn about an entry of the guide: one whose reply must quote it."""
        return bool(self.must)


@dataclass
class Report:
    turns: list[Turn] = field(default_factory=list)

    def conversations(self) -> dict[str, list[Turn]]:
        out: dict[str, list[Turn]] = {}
        for t in self.turns:
            out.setdefault(t.conversation, []).append(t)
        return out

    def failures(self) -> list[str]:
        lines = []
        for t in self.turns:
            if t.passed:
                continue
            why = []
            if t.missing:
                why.append(f"lacks {t.missing}")
            if t.forbidden:
                why.append(f"contains {t.forbidden}")
            reply = t.text.replace("\n", " ⏎ ")
            lines.append(f"FAIL {t.conversation}#{t.index + 1} {t.user!r}: {'; '.join(why)}\n     reply: {reply[:300]}")
        return lines

    def metrics(self) -> dict[str, Any]:
        convs = self.conversations()
        chars = [len(t.text) for t in self.turns]
        in_scope = [len(t.text) for t in self.turns if t.in_scope]
        sizes = [len(t.text.encode("utf-8")) for t in self.turns]
        secs = np.array([t.seconds for t in self.turns]) if self.turns else np.zeros(1)
        return {
            "turns": len(self.turns),
            "turns_passed": sum(t.passed for t in self.turns),
            "turn_rate": _share(t.passed for t in self.turns),
            "conversations": len(convs),
            "conversations_passed": sum(all(t.passed for t in ts) for ts in convs.values()),
            "conversation_rate": _share(all(t.passed for t in ts) for ts in convs.values()),
            "median_chars": int(np.median(chars)) if chars else 0,
            "median_in_scope_chars": int(np.median(in_scope)) if in_scope else 0,
            "max_chars": max(chars, default=0),
            "max_bytes": max(sizes, default=0),
            "over_2000_bytes": sum(s > 2000 for s in sizes),
            "one_message_turns": _share(len(t.messages) == 1 for t in self.turns),
            "max_messages": max((len(t.messages) for t in self.turns), default=0),
            "p50_ms": round(float(np.percentile(secs, 50)) * 1000, 1),
            "p95_ms": round(float(np.percentile(secs, 95)) * 1000, 1),
        }


def _share(flags: Iterable[bool]) -> float:
    flags = list(flags)
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def rest_sender(url: str, timeout: float = 30) -> Send:
    """send(sender, message) → the bot's messages, over the REST channel at `url` (the Rasa server's base URL)."""
    endpoint = url.rstrip("/") + "/webhooks/rest/webhook"

    def send(sender: str, message: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": message}, ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(endpoint, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read())

    return send


def play(conversations: Sequence[dict[str, Any]], send: Send, prefix: str = "converse") -> Report:
    report = Report()
    run = uuid.uuid4().hex[:8]
    for conv in conversations:
        sender = f"{prefix}-{run}-{conv.get('id', 'c')}"
        for i, turn in enumerate(conv["turns"]):
            started = time.perf_counter()
            messages = send(sender, turn["user"])
            took = time.perf_counter() - started
            report.turns.append(Turn(str(conv.get("id", "?")), i, turn["user"], list(turn.get("must") or []),
                                     list(turn.get("must_not") or []), messages, took))
    return report
