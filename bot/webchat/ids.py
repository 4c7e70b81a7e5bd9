"""Sender ids for the website widget: issued by the server, random, HMAC-signed; a browser keeps its id and sends
it back with every message. Without the secret nobody can make an id that verifies, so nobody can read or continue
another person's conversation by guessing one.

A token is ``w1.<random>.<mac>``: 16 random bytes and the first 16 bytes of HMAC-SHA256(secret, "w1." + random),
both base64url without padding (48 characters, inside the REST channel's sender alphabet). The conversation is kept
under ``web:<random>``, so the tracker store and the logs never hold a token a reader could use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Callable, Mapping

from knowledge.errors import InvalidInput

VERSION = "w1"
RANDOM_BYTES = 16
MAC_BYTES = 16
SECRET_ENV = "POLICYBOT_WEBCHAT_SECRET"
MIN_SECRET_CHARS = 32
DEFAULT_SECRET_FILE = Path(__file__).resolve().parents[2] / "var" / "webchat-secret"
_TOKEN = re.compile(r"^w1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$")


class ForgedSender(InvalidInput):
    """A sender id this server did not issue (unsigned, malformed, or signed with another secret): a 403."""


class WeakSecret(InvalidInput):
    """The configured secret is too short to sign with."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _mac(secret: bytes, random_part: str) -> str:
    digest = hmac.new(secret, f"{VERSION}.{random_part}".encode("ascii"), hashlib.sha256).digest()
    return _b64(digest[:MAC_BYTES])


class SenderIds:
    """Issues and verifies tokens with one secret. `randbytes` is injectable for known-answer tests."""

    def __init__(self, secret: bytes, randbytes: Callable[[int], bytes] = secrets.token_bytes):
        if len(secret) < MIN_SECRET_CHARS:
            raise WeakSecret(f"the webchat secret must be at least {MIN_SECRET_CHARS} characters")
        self._secret = secret
        self._randbytes = randbytes

    def issue(self) -> str:
        random_part = _b64(self._randbytes(RANDOM_BYTES))
        return f"{VERSION}.{random_part}.{_mac(self._secret, random_part)}"

    def conversation(self, token: object) -> str:
        """The conversation id (``web:<random>``) of a token this server issued; ForgedSender for anything else."""
        match = _TOKEN.match(token) if isinstance(token, str) else None
        if match is None:
            raise ForgedSender("unknown sender id: ask /webhooks/webchat/session for a new one")
        random_part, mac = match.groups()
        if not hmac.compare_digest(mac, _mac(self._secret, random_part)):
            raise ForgedSender("unknown sender id: ask /webhooks/webchat/session for a new one")
        return f"web:{random_part}"


def load_secret(env: Mapping[str, str], path: Path) -> bytes:
    """The signing secret: POLICYBOT_WEBCHAT_SECRET when set (at least 32 characters), else a random one kept in
    `path` (created 0600 on first use), so that a fresh machine works and ids survive restarts."""
    configured = env.get(SECRET_ENV)
    if configured:
        if len(configured) < MIN_SECRET_CHARS:
            raise WeakSecret(f"{SECRET_ENV} must be at least {MIN_SECRET_CHARS} characters "
                             "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
        return configured.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass  # made earlier, or by a process starting at the same time: read it
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < MIN_SECRET_CHARS:  # a half-written file of a concurrent start, or truncated by hand
        raise WeakSecret(f"{path} holds no usable secret; delete it and start again")
    return secret.encode("ascii")
