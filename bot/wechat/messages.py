"""What the bot does with each kind of WeChat message: text (and voice with Recognition) goes to the dialogue,
subscribing and menu clicks start a turn of their own, everything else gets a short hint, never silence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

WELCOME_COMMAND = "/greet"  # utter_greet: what the bot can do and how to start the profile questions
MEDIA_HINT = "目前只能看懂文字消息。请用文字（或语音转文字）直接提问，例如“创业担保贷款需要什么材料”。"
VOICE_HINT = "没有听清这段语音。请用文字提问，例如“高新技术企业认定有什么奖励”。"


@dataclass(frozen=True)
class Action:
    kind: str  # "say" (text a user typed or spoke), "command" (an intent the channel itself sends), "reply"
    # (a fixed answer without the bot) or "ignore" (answer "success": nothing to say)
    text: str = ""


def action_for(message: object, menu: Mapping[str, str]) -> Action:
    """`message` is a wechatpy message or event; `menu` maps CLICK keys to a question or a "/intent"."""
    kind = str(getattr(message, "type", "unknown")).lower()
    if kind == "text":
        return Action("say", str(getattr(message, "content", "") or ""))
    if kind == "voice":
        heard = getattr(message, "recognition", None)
        return Action("say", str(heard)) if heard else Action("reply", VOICE_HINT)
    if kind == "event":
        event = str(getattr(message, "event", "")).lower()
        if event in ("subscribe", "subscribe_scan"):
            return Action("command", WELCOME_COMMAND)
        if event == "click":
            target = menu.get(str(getattr(message, "key", "") or ""), WELCOME_COMMAND)
            return Action("command", target) if target.startswith("/") else Action("say", target)
        return Action("ignore")  # VIEW (a link opened), unsubscribe, location reports, …: nothing to answer
    return Action("reply", MEDIA_HINT)  # image, location, link, video, file, unknown
