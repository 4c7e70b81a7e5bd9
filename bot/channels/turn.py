"""One bot turn for any channel: the message goes to Rasa, the turn's replies come back as one message, and a turn
that fails or takes longer than `timeout` seconds ends with the apology (the user always hears back)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.input_check import UNAVAILABLE_REPLY, merge_turn

log = logging.getLogger(__name__)


class OneMessageOutput(CollectingOutputChannel):
    """Collects a turn's replies without splitting texts at blank lines (Rasa's default)."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text))


async def run_turn(on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str, sender: str, channel: str,
                   timeout: float, metadata: Optional[dict] = None) -> list[dict]:
    """The turn's reply as a one-element list [{"recipient_id", "text", "buttons"?}]."""
    collector = OneMessageOutput()
    try:
        await asyncio.wait_for(on_new_message(UserMessage(text, collector, sender, input_channel=channel,
                                                          metadata=metadata)), timeout)
    except asyncio.TimeoutError:
        log.error("%s: the turn of sender %s took over %.0f s; cancelled", channel, sender, timeout)
        return [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]
    except Exception:  # the user still gets a reply; the log keeps the error, not the message
        log.exception("%s: the turn of sender %s (%d characters) failed", channel, sender, len(text))
        return [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]
    return merge_turn(collector.messages, sender)
