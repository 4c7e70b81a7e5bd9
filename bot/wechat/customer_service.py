"""WeChat's customer-service message API (客服消息), for answers that missed the 5-second passive reply: an access
token from `cgi-bin/stable_token` (one holder refreshes it, the others wait; refreshed before it expires and when
WeChat says it is invalid) and `cgi-bin/message/custom/send`. aiohttp, so nothing blocks the event loop."""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Mapping

import aiohttp

DEFAULT_BASE = "https://api.weixin.qq.com"
NO_PERMISSION = 48001  # the account may not use this API (unverified subscription accounts)
OUT_OF_WINDOW = 45015  # the user has not written in the last 48 hours
TOKEN_INVALID = {40001, 40014, 42001}


class CustomerServiceError(RuntimeError):
    def __init__(self, code: int, message: str = ""):
        super().__init__(f"WeChat error {code}: {message}")
        self.code = code

    @property
    def undeliverable(self) -> bool:
        """The answer cannot be pushed now: keep it for the user's next message."""
        return self.code in (NO_PERMISSION, OUT_OF_WINDOW)


class CustomerService:
    def __init__(self, appid: str, secret: str, base: str = DEFAULT_BASE, timeout: float = 5.0):
        self.appid, self.secret, self.base = appid, secret, base.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._token: str | None = None
        self._expires = 0.0
        self._lock: asyncio.Lock | None = None
        self.denied = False  # 48001 seen: the account has no permission; do not rely on pushes

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "CustomerService | None":
        env = os.environ if env is None else env
        if not (env.get("WECHAT_APPID") and env.get("WECHAT_APPSECRET")):
            return None
        return cls(env["WECHAT_APPID"], env["WECHAT_APPSECRET"], env.get("WECHAT_API_BASE") or DEFAULT_BASE)

    async def _post(self, path: str, payload: dict, params: dict | None = None) -> dict:
        async with aiohttp.ClientSession(timeout=self.timeout) as session:
            # Chinese as UTF-8, not \u escapes (which the API shows to the user as they are)
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            async with session.post(self.base + path, data=body, params=params,
                                    headers={"Content-Type": "application/json; charset=utf-8"}) as r:
                data = await r.json(content_type=None)
        if not isinstance(data, dict):
            raise CustomerServiceError(-1, "not a JSON object")
        code = int(data.get("errcode") or 0)
        if code:
            raise CustomerServiceError(code, str(data.get("errmsg", ""))[:200])
        return data

    async def token(self, refresh: bool = False) -> str:
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:  # one holder: concurrent pushes share one request for the token
            if refresh or self._token is None or time.monotonic() > self._expires:
                data = await self._post("/cgi-bin/stable_token", {
                    "grant_type": "client_credential", "appid": self.appid, "secret": self.secret,
                    "force_refresh": bool(refresh)})
                self._token = str(data["access_token"])
                # refreshed five minutes early, so a token is never used at the moment it expires
                self._expires = time.monotonic() + max(60, int(data.get("expires_in", 7200)) - 300)
            return self._token

    async def send_text(self, openid: str, text: str) -> None:
        payload = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        for attempt in (0, 1):
            token = await self.token(refresh=attempt > 0)
            try:
                await self._post("/cgi-bin/message/custom/send", payload, {"access_token": token})
                return
            except CustomerServiceError as exc:
                if exc.code == NO_PERMISSION:
                    self.denied = True
                if exc.code not in TOKEN_INVALID or attempt:
                    raise
