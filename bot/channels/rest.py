"""The REST channel the bot exposes: Rasa's, with the input checked first and each turn's reply as one message.

Keeps the name `rest`, so the route stays POST /webhooks/rest/webhook. A malformed body or sender is a 400 with
a short JSON error; a message too long or empty is answered politely without reaching the NLU.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.input_check import BadRequest, OfferedPayloads, check_message, merge_turn

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 16 * 1024


class OneMessageOutput(CollectingOutputChannel):
    """Collects a turn's replies without splitting texts at blank lines (Rasa's default)."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text))


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
    def __init__(self) -> None:
        self.offered = OfferedPayloads()

    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def handle(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                     metadata: Optional[dict] = None) -> response.HTTPResponse:
        try:
            checked = check_message(read_body(request))
        except BadRequest as exc:
            log.info("rest: bad request from %s: %s", request.ip, exc)
            return error(400, str(exc))
        if checked.reply is not None:
            return response.json([{"recipient_id": checked.sender, "text": checked.reply}])
        collector = OneMessageOutput()
        text = self.offered.admit(checked.sender, checked.text)
        try:
            await on_new_message(UserMessage(text, collector, checked.sender, input_channel=self.name(),
                                             metadata=metadata))
        except Exception:  # the user still gets a reply; the log keeps the error, not the message
            log.exception("rest: the turn of sender %s (%d characters) failed", checked.sender, len(checked.text))
            return response.json([{"recipient_id": checked.sender,
                                   "text": "抱歉，系统暂时出了点问题，请稍后再试。"}])
        reply = merge_turn(collector.messages)
        self.offered.remember(checked.sender, reply)
        return response.json(reply)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            return await self.handle(request, on_new_message)

        return hook
