"""What every public entry point checks before anything expensive: the sender id and the message. Plain Python,
no Rasa import; the channels in bot/channels/ turn a refusal into a 4xx or a polite reply."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_MESSAGE_CHARS = 500  # a longer "question" is not one; the NLU's cost grows with the square of its length
MAX_SENDER_CHARS = 64
TOO_LONG_REPLY = "您的消息太长了（超过500字），请把问题说得简短一些，例如“创业担保贷款需要什么材料”。"
EMPTY_REPLY = "请输入您想咨询的问题，例如“高新技术企业认定有什么奖励”。"
# A turn that produced nothing or took too long (the action server down or hung): the user still hears back, with a
# number that does not depend on the knowledge base (the guide has no general hotline; 12345 is the national one).
UNAVAILABLE_REPLY = ("抱歉，系统暂时忙，没能回答您的问题，请稍后再试。着急的话，可以拨打12345政务服务便民热线，"
                     "或通过“蒙企通”平台提出诉求。")
_SENDER = re.compile(r"^[A-Za-z0-9_.:@\-]{1,%d}$" % MAX_SENDER_CHARS)


class BadRequest(ValueError):
    """The request itself is wrong (a 4xx): its shape, the sender id."""


@dataclass(frozen=True)
class Checked:
    sender: str
    text: str
    reply: str | None = None  # set when the message is answered without the bot (too long, empty)
    message_id: str | None = None  # the client's id of this message: a resend with it is answered, not re-run


def check_sender(sender: object) -> str:
    if not isinstance(sender, str) or not _SENDER.match(sender):
        raise BadRequest(f"sender must be 1–{MAX_SENDER_CHARS} characters of A–Z a–z 0–9 _ . : @ -")
    return sender


def clean_text(text: str) -> str:
    """The message as the bot reads it: no lone surrogates or control characters, white space collapsed."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    text = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def check_message(body: object) -> Checked:
    """A REST-style body {"sender": ..., "message": ...} checked; raises BadRequest for a malformed one."""
    if not isinstance(body, dict):
        raise BadRequest('the body must be a JSON object {"sender": "...", "message": "..."}')
    sender = check_sender(body.get("sender"))
    message = body.get("message")
    if not isinstance(message, str):
        raise BadRequest("message must be a string")
    message_id = body.get("message_id")
    if message_id is not None and (not isinstance(message_id, str) or not _SENDER.match(message_id)):
        raise BadRequest(f"message_id, when given, must be 1–{MAX_SENDER_CHARS} characters of A–Z a–z 0–9 _ . : @ -")
    if len(message) > MAX_MESSAGE_CHARS:
        return Checked(sender, "", TOO_LONG_REPLY, message_id)
    text = clean_text(message)
    if not text:
        return Checked(sender, "", EMPTY_REPLY, message_id)
    return Checked(sender, text, None, message_id)


def merge_turn(messages: list[dict], recipient: str | None = None) -> list[dict]:
    """A turn's messages as one: texts joined by a blank line, buttons kept in order (WeChat and the widget show
    one reply per turn). A turn with nothing to say (the action server could not be reached) gets the apology."""
    if not messages:
        return [{"recipient_id": recipient, "text": UNAVAILABLE_REPLY}]
    if len(messages) == 1:
        return messages
    texts = [m["text"] for m in messages if m.get("text")]
    buttons = [b for m in messages for b in m.get("buttons") or []]
    merged: dict = {"recipient_id": messages[0].get("recipient_id"), "text": "\n\n".join(texts)}
    if buttons:
        merged["buttons"] = buttons
    return [merged]


class OfferedPayloads:
    """The button payloads ("/choose_option{…}", "/inform{…}") each sender was last offered. A message starting
    with "/" is an internal command only when it is one of those (or always safe); anything else a user types is
    text, so nobody can send /restart or /inform{"entity_type": "<img …>"}. Kept in memory for the most recent
    senders: after a restart an old button is read as its text."""

    ALWAYS = frozenset({"/start_matching"})

    def __init__(self, max_senders: int = 10_000):
        self.max_senders = max_senders
        self._offered: dict[str, frozenset[str]] = {}

    def remember(self, sender: str, messages: list[dict]) -> None:
        payloads = frozenset(b.get("payload") for m in messages for b in m.get("buttons") or []
                             if isinstance(b.get("payload"), str) and b["payload"].startswith("/"))
        self._offered.pop(sender, None)
        self._offered[sender] = payloads
        while len(self._offered) > self.max_senders:
            self._offered.pop(next(iter(self._offered)))

    def admit(self, sender: str, text: str) -> str:
        """The text the bot should read: an offered payload as it is, any other "/…" as plain text."""
        if not text.startswith("/") or text in self.ALWAYS or text in self._offered.get(sender, ()):
            return text
        return text.lstrip("/").strip() or "？"
