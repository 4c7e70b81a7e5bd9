"""Every action answers: an error becomes a polite reply and a log line, never a crash or silence."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

log = logging.getLogger("policybot.actions")

SORRY = ("抱歉，系统暂时出了点问题，没能回答您的问题。请稍后再试；着急的话，可以说“转人工”获取相关部门的电话。")


class SafeAction(Action, ABC):
    """Subclasses implement `name` and `act`; `run` turns any exception into an apology and a logged error."""

    @abstractmethod
    def name(self) -> str: ...

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except Exception:  # the user still gets an answer; the log keeps the details
            # the sender and the message's length, not its text (it may hold a name or a phone number)
            log.exception("action %s failed for sender %s on a message of %d characters", self.name(),
                          tracker.sender_id, len((tracker.latest_message or {}).get("text") or ""))
            dispatcher.utter_message(text=SORRY)
            return []
