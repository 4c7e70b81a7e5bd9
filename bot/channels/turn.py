"""One bot turn for any channel: the message goes to Rasa, the turn's replies come back as one message, and a turn
that fails or takes longer than `timeout` seconds ends with the apology (the user always hears back).

A message may carry the client's id (`message_id`). Then the turn runs at most once per conversation: under the
conversation's lock (Redis when several Rasa servers share the conversations), a message whose id the tracker
already holds is not run again, and its replies are read back from the tracker. So a client that got the apology
(its server was killed mid-turn, or it waited past the timeout) can send the same message again without the turn
being lost or doubled.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Iterable, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered

from bot.input_check import UNAVAILABLE_REPLY, merge_turn

log = logging.getLogger(__name__)


class OneMessageOutput(CollectingOutputChannel):
    """Collects a turn's replies without splitting texts at blank lines (Rasa's default)."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text))


def replies_to(events: Iterable[Any], message_id: str) -> Optional[list[dict]]:
    """The bot's messages that answered the user message with this id, from a tracker's events; None when the
    conversation has no such message."""
    replies: Optional[list[dict]] = None
    for event in events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break
            if event.message_id == message_id:
                replies = []
        elif isinstance(event, BotUttered) and replies is not None:
            extra = {k: v for k, v in (event.data or {}).items() if v is not None}
            replies.append({"text": event.text, **extra} if event.text else extra)
    return replies


def last_turn_messages(events: Iterable[Any]) -> list[dict]:
    """The bot's messages since the user's last message (what the user sees now, buttons included)."""
    messages: list[dict] = []
    for event in events:
        if isinstance(event, UserUttered):
            messages = []
        elif isinstance(event, BotUttered):
            messages.append({"text": event.text, **{k: v for k, v in (event.data or {}).items() if v is not None}})
    return messages


async def offered_messages(agent: Any, sender: str) -> list[dict]:
    """The last turn's messages from the tracker store: with several Rasa servers, the server that offered a
    button may not be the one that receives its payload."""
    tracker = await agent.tracker_store.retrieve(sender) if agent is not None and agent.is_ready() else None
    return last_turn_messages(tracker.events) if tracker is not None else []


async def handle_once(agent: Any, message: UserMessage) -> None:
    """Rasa's Agent.handle_message, except that a message whose id the conversation already holds is answered from
    the tracker instead of being run again (checked under the conversation's lock)."""
    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.tracker_store.retrieve(message.sender_id)
        replies = replies_to(tracker.events, message.message_id) if tracker is not None else None
        if replies is None:
            await agent.processor.handle_message(message)
            return
        log.info("sender %s: message %s was answered before; its replies are sent again", message.sender_id,
                 message.message_id)
        for reply in replies:
            await message.output_channel.send_response(message.sender_id, reply)


def once_for(agent: Any, message_id: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]
             ) -> Callable[[UserMessage], Awaitable[Any]]:
    """`on_new_message` for a channel whose platform names each message (WeChat's MsgId): the turn runs at most once
    for that id, whichever Rasa server of the set the platform's retry reaches."""
    if agent is None:
        return on_new_message

    async def handle(message: UserMessage) -> None:
        message.message_id = message_id
        if not agent.is_ready():
            await on_new_message(message)
            return
        await handle_once(agent, message)

    return handle


async def run_turn(on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str, sender: str, channel: str,
                   timeout: float, metadata: Optional[dict] = None, *, message_id: Optional[str] = None,
                   agent: Any = None) -> list[dict]:
    """The turn's reply as a one-element list [{"recipient_id", "text", "buttons"?}]. With a `message_id` and the
    `agent`, the turn runs at most once (`handle_once`)."""
    collector = OneMessageOutput()
    message = UserMessage(text, collector, sender, input_channel=channel, metadata=metadata, message_id=message_id)
    once = message_id is not None and agent is not None and agent.is_ready()
    try:
        await asyncio.wait_for(handle_once(agent, message) if once else on_new_message(message), timeout)
    except asyncio.TimeoutError:
        log.error("%s: the turn of sender %s took over %.0f s; cancelled", channel, sender, timeout)
        return [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]
    except Exception:  # the user still gets a reply; the log keeps the error, not the message
        log.exception("%s: the turn of sender %s (%d characters) failed", channel, sender, len(text))
        return [{"recipient_id": sender, "text": UNAVAILABLE_REPLY}]
    return merge_turn(collector.messages, sender)
