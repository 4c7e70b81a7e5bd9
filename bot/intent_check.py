"""A check on the intent classifier's guess, from the words of the message. Plain Python, no Rasa import (the
Rasa component in bot/components.py is a thin adapter).

The classifier is good at what it was trained on and guesses on the rest: "养了30只鸵鸟能补多少" looks like a
menu choice to it (a digit), "用不用申请" like a "no", "找谁" like a request for a person. An intent whose
defining words are missing is replaced by the next one in the ranking that has them, and a question is the
default: the answer action lets retrieval decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from knowledge.vocab import QUESTION_WORD, Dialogue, Fields

SMALLTALK = ("greet", "goodbye", "thank", "bot_challenge", "affirm", "deny", "skip", "stop")
# A yes, a no, thanks or goodbye asks nothing; with a question word (QUESTION_WORD) it is a question ("下面分几个组").
# "要抵押不" is a question, not a "no"; "国家级的呢" is no greeting
_PLAIN = ("affirm", "deny", "thank", "goodbye", "greet", "skip", "stop")
QUESTION = "ask_policy"
# Essentially a choice from a numbered list: "2", "第二个", "选3", "就第4个", "点开第五个看看", "选项二" — a number
# and words that only point at it.
_POINTING = re.compile(r"就|我|选项|选|要|看看|看下|看|点开|打开|详细说说|说说|详细|吧|吗|呢|的|这个|那个|[\s。.!！,，]")
_CHOICE = re.compile(r"^第?(?:\d{1,2}|[一二两三四五六七八九十]|最后一?)(?:个|项|条|号|种)?$")
_GUIDE_NUMBER = re.compile(r"^\s*(?:看看?|查查?|问问?)?\s*第\s*\d{1,2}\s*项\s*[。.!！]?\s*$")
_DIGIT = re.compile(r"\d")
_ASK_TO_LOOK = re.compile(r"[，,。\s]*(?:你|麻烦|请)?(?:直接)?(?:帮我|给我|帮忙|帮着)?(?:看看|看一下|查查|查一下|找找|瞧瞧|匹配一下|推荐一下|推荐)"
                          r"(?:吧|呗|啊)?[。.!！~～ ]*$")


def is_choice(text: str) -> bool:
    """A message that is essentially a number picked from a list (or a guide entry number: 第46项)."""
    return bool(_CHOICE.match(_POINTING.sub("", text)) or _GUIDE_NUMBER.match(text))


@dataclass(frozen=True)
class IntentCheck:
    dialogue: Dialogue
    fields: Fields

    def __post_init__(self) -> None:
        cues = sorted({c for f in self.fields.fields.values() for c in f.cues}, key=len, reverse=True)
        object.__setattr__(self, "_cue", re.compile("|".join(map(re.escape, cues))) if cues else None)

    def asks_something(self, text: str, entities: Sequence[str]) -> bool:
        """Does the message carry a question about the guide: a field cue, an entry's name, a 旗区, a number?"""
        if "policy" in entities or "region" in entities:
            return True
        if _DIGIT.search(text):
            return True
        return bool(self._cue is not None and self._cue.search(text))

    def holds(self, intent: str, text: str, entities: Sequence[str]) -> bool:
        """Does the message have what `intent` needs?"""
        t = text.strip()
        if t.startswith("/"):
            return True  # a button payload names its intent
        d = self.dialogue
        if intent == "choose_option":
            return is_choice(t)
        if intent == "human_handoff":
            return any(w in t for w in d.handoff)
        if intent == "more_alternatives":
            return any(w in t for w in d.more) and len(t) <= 2 * d.smalltalk_max_chars \
                and not self.asks_something(t, entities)
        if intent == "start_matching":
            return any(w in t for w in d.matching) and "policy" not in entities
        if intent == "bot_challenge":
            return any(w in t for w in d.bot)
        if intent == "inform":
            # "对了，鸵鸟这些补贴一年最多多少" names a sector but asks about the guide
            return not (QUESTION_WORD.search(t) and self.asks_something(t, entities))
        if intent in SMALLTALK:
            if intent in _PLAIN and QUESTION_WORD.search(t):
                return False
            return not self.asks_something(t, entities)
        return True

    def checked(self, intent: str, ranking: Sequence[tuple[str, float]], text: str,
                entities: Sequence[str]) -> str:
        """The intent to act on: `intent` when the message has what it needs, else the best-ranked one that
        does, else a question."""
        t = text.strip()
        said = len(t) <= 2 * self.dialogue.smalltalk_max_chars and any(w in t for w in self.dialogue.stop)
        # "…种了300亩苜蓿，别的没了": said at the end of facts, however long, unless what comes before asks
        body = _ASK_TO_LOOK.sub("", t.rstrip("。.!！~～ "))  # "…就这些，你帮我看看": the stop, then a request to look
        ending = next((w for w in self.dialogue.stop if body.endswith(w)), None)
        ends = ending is not None and not QUESTION_WORD.search(body[: -len(ending)])
        if intent != "stop" and (said and not self.asks_something(t, entities) or ends):
            return "stop"  # "算了，不填了": whatever the classifier thought
        if intent == "nlu_fallback" or self.holds(intent, text, entities):
            return intent
        for name, _ in ranking:
            if name in (intent, "nlu_fallback") or (name in SMALLTALK and intent not in SMALLTALK):
                continue  # a message that was not small talk does not become a "no" or a "thanks"
            if self.holds(name, text, entities):
                return name
        return QUESTION
