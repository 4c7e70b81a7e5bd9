"""HTTP helpers for the robustness tests: raw requests with any body, on one kept-alive connection, and the
checks every response must pass (no 5xx, short JSON, no user markup)."""

from __future__ import annotations

import http.client
import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

MARKUP = re.compile(r"<\s*[A-Za-z/!]")  # a tag; the guide itself has "<" only before Chinese titles


class Client:
    """One persistent HTTP/1.1 connection; reconnects when the server closed it."""

    def __init__(self, base_url: str, timeout: float = 30):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Content-Type": "application/json", **(headers or {})}
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("connection", "").lower() == "close":
                    self.close()
                return r.status, data, {k.lower(): v for k, v in r.getheaders()}
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.ResponseNotReady):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def check_response(status: int, data: bytes, sent: str = "") -> object:
    """No 5xx, JSON, and no markup a client sent coming back; the decoded body."""
    assert status < 500, (status, data[:300])
    decoded = json.loads(data)
    text = json.dumps(decoded, ensure_ascii=False)
    if MARKUP.search(sent):
        assert not MARKUP.search(text), text[:300]
    if isinstance(decoded, dict) and "error" in decoded:
        assert len(text) < 400 and "Traceback" not in text and "request_body" not in text, text
    return decoded


def rss_peak_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def reply_text(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def wait_until(predicate, timeout: float, step: float = 1.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s")
        time.sleep(step)
