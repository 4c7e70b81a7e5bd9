"""Who may use the hotline console and /api: the agent token, and the signed cookie its login sets.

Two tokens, two roles:

- POLICYBOT_ACTION_TOKEN is the Rasa server's: it guards /webhook and /actions, the calls that run actions.
- POLICYBOT_AGENT_TOKEN is the people's (hotline agents, web channels): it guards /api/ and /console/.

On loopback both may be absent (nothing beyond the machine can reach the server). On any other address the server
refuses to start without both (`missing_tokens`). The agent token is accepted as `Authorization: Bearer …`, as an
`X-Agent-Token` header, or through the console's login form, which sets a cookie holding an expiry time signed with
a key derived from the token (HMAC-SHA256): changing the token signs every cookie out. Plain functions over header
values, so they are tested without a server.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from typing import Callable, Mapping

COOKIE = "policybot_agent"
COOKIE_TTL = 12 * 3600  # seconds: one shift; the agent logs in again after it
MIN_TOKEN = 16  # characters: the login form can be guessed at, the rate limit slows it, a long token stops it
_COOKIE_KEY_LABEL = b"policybot console cookie v1"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def missing_tokens(host: str, action_token: str | None, agent_token: str | None) -> list[str]:
    """The settings a server listening on `host` lacks, with what each guards (empty: it may start)."""
    problems = []
    if agent_token is not None and len(agent_token) < MIN_TOKEN:
        problems.append(f"POLICYBOT_AGENT_TOKEN is shorter than {MIN_TOKEN} characters")
    if agent_token and action_token and hmac.compare_digest(agent_token.encode(), action_token.encode()):
        problems.append("POLICYBOT_AGENT_TOKEN must differ from POLICYBOT_ACTION_TOKEN (two roles, two secrets)")
    if is_loopback(host):
        return problems
    if not action_token:
        problems.append("POLICYBOT_ACTION_TOKEN (Rasa's calls to /webhook: anyone could run the actions)")
    if not agent_token:
        problems.append("POLICYBOT_AGENT_TOKEN (the console and /api: anyone could use them)")
    return problems


def same_secret(given: str, secret: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode("utf-8"))


def bearer(authorization: str) -> str | None:
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    return None


class AgentAccess:
    """The agent token's checks; `token=None` means open (a loopback server without a token)."""

    def __init__(self, token: str | None, ttl: int = COOKIE_TTL, clock: Callable[[], float] = time.time):
        self.token = token or None
        self.ttl = ttl
        self.clock = clock
        self._key = hmac.new(self.token.encode(), _COOKIE_KEY_LABEL, hashlib.sha256).digest() if self.token else b""

    @property
    def required(self) -> bool:
        return self.token is not None

    def token_ok(self, given: str) -> bool:
        return self.token is not None and bool(given) and same_secret(given, self.token)

    def headers_ok(self, headers: Mapping[str, str]) -> bool:
        given = bearer(headers.get("authorization", "")) or headers.get("x-agent-token", "")
        return self.token_ok(given)

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()

    def issue_cookie(self) -> str:
        """A cookie value: its expiry time, a random nonce, and their signature."""
        payload = f"{int(self.clock()) + self.ttl}.{secrets.token_hex(8)}"
        return f"{payload}.{self._sign(payload)}"

    def cookie_ok(self, value: str | None) -> bool:
        if not self.token or not value or len(value) > 200:
            return False
        payload, _, signature = value.rpartition(".")
        expiry = payload.split(".", 1)[0]
        if not (expiry.isascii() and expiry.isdigit()) or not hmac.compare_digest(signature, self._sign(payload)):
            return False
        return self.clock() < int(expiry)

    def allowed(self, headers: Mapping[str, str], cookie: str | None) -> bool:
        return not self.required or self.headers_ok(headers) or self.cookie_ok(cookie)
