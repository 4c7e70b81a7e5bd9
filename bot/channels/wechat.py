"""The WeChat official-account channel: WeChat's servers call GET/POST /webhooks/wechat/webhook.

A thin adapter: bot/wechat/ checks, parses and renders; this class ties a request to a bot turn under WeChat's
5-second rule. Each message is answered once (retries wait on the same turn); a turn not done within
`reply_budget` seconds is answered with "success" and pushed through the customer-service API, or — when the
account cannot push (48001, 45015, no AppSecret) — WeChat's retries wait for it and the last one says the answer
will come with the user's next message. Secrets come from the environment (WECHAT_TOKEN, WECHAT_AES_KEY,
WECHAT_APPID, WECHAT_APPSECRET, WECHAT_API_BASE), never from credentials.yml.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.turn import once_for, run_turn
from bot.input_check import UNAVAILABLE_REPLY, BadRequest as BadInput, OfferedPayloads, check_message, check_sender
from bot.wechat import protocol
from bot.wechat.customer_service import CustomerService, CustomerServiceError
from bot.wechat.inflight import ATTEMPTS, InFlight, message_key
from bot.wechat.messages import action_for
from bot.wechat.render import MAX_REPLY_BYTES, render, split_bytes
from ops import logs

log = logging.getLogger(__name__)
READY_LATER = "您的问题还在查询中，答案准备好后，会在您发下一条消息时一起发给您。"
CONTINUE_WORDS = {"继续", "下一条", "更多"}
RETRY_HOLD = 5.5  # seconds: a reply later than WeChat's 5-second limit is dropped, and WeChat retries


def short_id(openid: str) -> str:
    """An OpenID in logs: enough to follow one user, not the whole identifier."""
    return openid[:6] + "…"


class WeChatInput(InputChannel):
    def __init__(self, turn_timeout: float = 8.0, reply_budget: float = 4.0, menu: Optional[dict] = None,
                 max_users: int = 10_000) -> None:
        self.config = protocol.Config.from_env()
        self.service = CustomerService.from_env()
        self.turn_timeout, self.reply_budget = float(turn_timeout), float(reply_budget)
        self.menu = {str(k): str(v) for k, v in (menu or {}).items()}
        self.offered = OfferedPayloads(max_users)
        self.max_users = max_users
        self.choices: OrderedDict[str, dict[str, str]] = OrderedDict()  # sender → digit → payload
        self.pending: OrderedDict[str, list[str]] = OrderedDict()  # openid → answer parts not yet delivered
        self.inflight: InFlight[list[str]] = InFlight()
        self._background: set[asyncio.Task] = set()  # strong references to pushes in progress
        logs.install()

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "WeChatInput":
        return cls(**(credentials or {}))

    # -- per-user memory, bounded --------------------------------------------------------------------------

    def _keep(self, table: OrderedDict, key: str, value: Any) -> None:
        table.pop(key, None)
        table[key] = value
        while len(table) > self.max_users:
            table.popitem(last=False)

    def _queue(self, openid: str, parts: list[str]) -> None:
        self._keep(self.pending, openid, [*self.pending.get(openid, []), *parts][-20:])

    # -- one turn -------------------------------------------------------------------------------------------

    async def _answer(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], openid: str, sender: str,
                      text: str | None, fixed: str | None = None) -> list[str]:
        """The parts to send for one message: what was still pending for the user, then this turn's reply."""
        earlier = self.pending.pop(openid, [])
        if fixed is None and text is not None:
            reply = await run_turn(on_new_message, text, sender, self.name(), self.turn_timeout)
            self.offered.remember(sender, reply)
            shown = render(reply[0])
            self._keep(self.choices, sender, shown.choices)
            fixed = shown.text
        joined = "\n\n".join([*earlier, fixed or ""]).strip()
        return split_bytes(joined, MAX_REPLY_BYTES)

    def _bot_text(self, sender: str, typed: str) -> str:
        """What the dialogue reads: a digit answering a numbered button is that button's payload; a "/…" the bot
        did not offer is plain text (bot/input_check.py)."""
        payload = self.choices.get(sender, {}).get(typed.strip())
        text = payload if payload is not None else typed
        return self.offered.admit(sender, text)

    def _push_later(self, task: "asyncio.Future[list[str]]", openid: str) -> None:
        """When the turn is done, push its answer (or keep it for the user's next message)."""
        def done(t: "asyncio.Future[list[str]]") -> None:
            parts = [] if t.cancelled() or t.exception() else t.result()
            self._spawn(self._push(openid, parts))

        task.add_done_callback(done)

    def _spawn(self, coro: Awaitable[None]) -> None:
        job = asyncio.ensure_future(coro)
        self._background.add(job)
        job.add_done_callback(self._background.discard)

    def _continue(self, openid: str, parts: list[str]) -> None:
        """The rest of a reply too long for one message: pushed a second later, so that it does not overtake the
        passive part on the way to WeChat, or kept at once for the next message when pushing is not possible."""
        if self.service is None or self.service.denied:
            self._queue(openid, parts)
        else:
            self._spawn(self._push(openid, parts, after=1.0))

    async def _push(self, openid: str, parts: list[str], after: float = 0.0) -> None:
        await asyncio.sleep(after)
        for n, part in enumerate(parts):
            if self.service is None or self.service.denied:
                self._queue(openid, parts[n:])
                return
            try:
                await self.service.send_text(openid, part)
            except CustomerServiceError as exc:
                log.warning("wechat: customer-service push to %s refused (%d); kept for the next message",
                            short_id(openid), exc.code)
                self._queue(openid, parts[n:])
                return
            except Exception as exc:  # network: the answer is not lost, it waits for the next message
                log.warning("wechat: customer-service push to %s failed (%s); kept for the next message",
                            short_id(openid), type(exc).__name__)
                self._queue(openid, parts[n:])
                return

    # -- the request ----------------------------------------------------------------------------------------

    def _xml(self, req: protocol.Request, text: str) -> response.HTTPResponse:
        return response.text(protocol.reply_xml(self.config, req, text), content_type="application/xml")

    async def receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
                      ) -> response.HTTPResponse:
        arrived = time.monotonic()
        query = {k: v[0] for k, v in request.args.items() if v}
        try:
            req = protocol.read_request(self.config, query, request.body or b"")
            openid = req.fields["FromUserName"]
            sender = f"wx:{openid}"
            check_sender(sender)
        except protocol.Forbidden:
            log.info("wechat: forged or unsigned POST refused")
            return response.text("forbidden", status=403)
        except (protocol.BadRequest, BadInput) as exc:
            log.info("wechat: bad request (%d bytes): %s", len(request.body or b""), exc)
            return response.text("bad request", status=400)
        except Exception as exc:  # a request nothing above foresaw is still the client's fault, not a 500
            log.warning("wechat: unreadable request (%d bytes): %s", len(request.body or b""), type(exc).__name__)
            return response.text("bad request", status=400)
        action = action_for(req.message, self.menu)
        if action.kind == "ignore":
            return response.text("success")
        key = message_key(req.fields.get("MsgId"), openid, req.fields.get("CreateTime"))
        # a retry that reaches another Rasa server of the set waits for the turn there and gets its answer
        once = once_for(getattr(request.app.ctx, "agent", None), re.sub(r"[^A-Za-z0-9_.:@-]", "_", key)[:64],
                        on_new_message)
        flight = self.inflight.attend(key, lambda: self._safely(self._start(once, openid, sender, action), openid))
        if flight.handled:
            return response.text("success")  # answered already: this retry has nothing to add
        remaining = self.reply_budget - (time.monotonic() - arrived)
        try:
            parts = await asyncio.wait_for(asyncio.shield(flight.task), max(0.0, remaining))
        except asyncio.TimeoutError:
            return await self._late(flight, req, openid, arrived)
        flight.handled = True
        if len(parts) > 1:
            self._continue(openid, parts[1:])
        return self._xml(req, parts[0])

    async def _safely(self, answer: Awaitable[list[str]], openid: str) -> list[str]:
        """The answer, or the apology: a retry waiting on this turn must never see an exception."""
        try:
            return await answer
        except Exception:
            log.exception("wechat: answering %s failed", short_id(openid))
            return [UNAVAILABLE_REPLY]

    def _start(self, on_new_message, openid: str, sender: str, action) -> Awaitable[list[str]]:
        if action.kind == "reply":
            return self._answer(on_new_message, openid, sender, None, fixed=action.text)
        if action.kind == "command":
            return self._answer(on_new_message, openid, sender, action.text)
        if self.pending.get(openid) and action.text.strip() in CONTINUE_WORDS:
            return self._answer(on_new_message, openid, sender, None, fixed="")
        checked = check_message({"sender": sender, "message": action.text})
        if checked.reply is not None:
            return self._answer(on_new_message, openid, sender, None, fixed=checked.reply)
        return self._answer(on_new_message, openid, sender, self._bot_text(sender, checked.text))

    async def _late(self, flight, req: protocol.Request, openid: str, arrived: float) -> response.HTTPResponse:
        """The turn missed the budget of this attempt."""
        if self.service is not None and not self.service.denied:
            flight.handled = True
            self._push_later(flight.task, openid)
            return response.text("success")
        if flight.attempts >= ATTEMPTS:
            flight.handled = True
            self._push_later(flight.task, openid)  # no service: _push keeps it for the next message
            return self._xml(req, READY_LATER)
        # answer nothing in time, so that WeChat retries and the retry can take the finished answer
        await asyncio.sleep(max(0.0, RETRY_HOLD - (time.monotonic() - arrived)))
        return response.text("success")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> response.HTTPResponse:
            try:
                return response.text(protocol.verify_url(self.config, {k: v[0] for k, v in request.args.items()}))
            except protocol.Forbidden:
                return response.text("forbidden", status=403)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            return await self.receive(request, on_new_message)

        return hook


__all__ = ["WeChatInput"]
