"""The website chat widget's channel, `webchat`: the checked REST channel under /webhooks/webchat/, with sender
ids the server issues and signs, and the widget's files.

    POST /webhooks/webchat/session   → {"sender": "w1.…"}: a new signed id (the widget keeps it in localStorage)
    POST /webhooks/webchat/webhook   {"sender": "w1.…", "message": "…"} → [{"text", "buttons"}], one per turn;
                                     an id this server did not sign → 403 {"error": …}
    GET  /webhooks/webchat/widget.js the widget (CSS inlined); GET /webhooks/webchat/demo: a sample page with it

Signing and verifying live in bot/webchat/ids.py; the secret comes from POLICYBOT_WEBCHAT_SECRET, or is generated
once into var/webchat-secret (0600). Browsers on other sites may call it only from POLICYBOT_CORS_ORIGINS (Rasa's
--cors, set by ops/services.py).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.rest import MAX_BODY_BYTES, CheckedRestInput, error
from bot.webchat.assets import HEADERS, assets
from bot.webchat.ids import DEFAULT_SECRET_FILE, SenderIds, load_secret

log = logging.getLogger(__name__)


class WebchatInput(CheckedRestInput):
    def __init__(self, turn_timeout: float = 8.0, secret_file: Optional[str] = None) -> None:
        super().__init__(turn_timeout)
        self.ids = SenderIds(load_secret(os.environ, Path(secret_file) if secret_file else DEFAULT_SECRET_FILE))

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    def conversation_of(self, sender: str) -> str:
        return self.ids.conversation(sender)  # ForgedSender (a 403) for an id this server did not sign

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        files = assets()

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/session", methods=["POST"])
        async def session(request: Request) -> response.HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return error(400, f"the body is larger than {MAX_BODY_BYTES} bytes")
            return response.json({"sender": self.ids.issue()}, headers={"Cache-Control": "no-store"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            return await self.handle(request, on_new_message)

        def serve(name: str) -> None:
            async def static(_: Request) -> response.HTTPResponse:
                asset = files[name]
                return response.raw(asset.body, content_type=asset.content_type, headers=HEADERS)

            hook.add_route(static, f"/{name}", methods=["GET"], name=f"static_{name.replace('.', '_')}")

        for name in files:
            serve(name)

        return hook


__all__ = ["WebchatInput"]
