"""The conversation service the actions share, built once per process on first use (never at import time)."""

from __future__ import annotations

import threading

from knowledge.vocab import facts as load_facts
from policybot.assistant import get_assistant
from policybot.conversation import Conversation

_lock = threading.Lock()
_conversation: Conversation | None = None


def conversation() -> Conversation:
    global _conversation
    with _lock:
        if _conversation is None:
            _conversation = Conversation(get_assistant(), load_facts())
        return _conversation
