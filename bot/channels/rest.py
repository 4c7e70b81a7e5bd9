"""The REST channel the bot exposes: Rasa's, with the input checked first and each turn's reply as one message.

Keeps the name `rest`, so the route stays POST /webhooks/rest/webhook. A malformed body or sender is a 400 with
a short JSON error; a message too long or empty is answered politely without reaching the NLU.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from ops import logs
from bot import rasa_speedups
from bot.channels.turn import offered_messages, run_turn
from bot.input_check import BadRequest, OfferedPayloads, check_message
from knowledge.errors import InvalidInput

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 16 * 1024


def error(status: int, message: str) -> response.HTTPResponse:
    return response.json({"error": message}, status=status)


def read_body(request: Request) -> Any:
    if len(request.body or b"") > MAX_BODY_BYTES:
        raise BadRequest(f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("the body is not JSON") from exc


class CheckedRestInput(RestInput):
    """`turn_timeout` (seconds, credentials.yml): the longest a user waits for a turn. Rasa's own wait for the action
    server is 300 s and not configurable; past this the turn is cancelled and the user gets the apology."""

    def __init__(self, turn_timeout: float = 8.0) -> None:
        self.offered = OfferedPayloads()
        self.turn_timeout = float(turn_timeout)
        logs.install()  # no log line of this process can be forged by what a user sends
        rasa_speedups.install()  # the Rasa costs profiled and cut (bot/rasa_speedups.py)

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "CheckedRestInput":
        return cls(**(credentials or {}))

    async def handle(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                     metadata: Optional[dict] = None) -> response.HTTPResponse:
        try:
            checked = check_message(read_body(request))
        except BadRequest as exc:
            log.info("%s: bad request from %s: %s", self.name(), request.ip, exc)
            return error(400, str(exc))
        try:
            sender = self.conversation_of(checked.sender)
        except InvalidInput as exc:
            log.info("%s: sender refused from %s", self.name(), request.ip)
            return error(403, str(exc))
        if checked.reply is not None:
            return response.json([{"recipient_id": sender, "text": checked.reply}])
        agent = getattr(request.app.ctx, "agent", None)
        if checked.text.startswith("/") and agent is not None:
            # a button's payload: whether it was offered is in the tracker store, shared by all Rasa servers
            try:
                self.offered.remember(sender, await offered_messages(agent, sender))
            except Exception:  # the store away: the memory of this server decides
                log.warning("%s: could not read the offered buttons of a sender", self.name())
        text = self.offered.admit(sender, checked.text)
        reply = await run_turn(on_new_message, text, sender, self.name(), self.turn_timeout, metadata,
                               message_id=checked.message_id, agent=agent)
        self.offered.remember(sender, reply)
        return response.json(reply)

    def conversation_of(self, sender: str) -> str:
        """The conversation a checked sender id stands for. The REST channel trusts its client (the id is the
        conversation); a subclass that issues ids raises InvalidInput (a 403) for one it did not issue."""
        return sender

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            return await self.handle(request, on_new_message)

        return hook
