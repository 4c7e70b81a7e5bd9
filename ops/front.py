"""The front door on the public REST port: passes requests to the Rasa server, and answers for it while it is down
or hung (restarting takes ~25 s), so a user always hears back within `timeout` seconds.

Run by the supervisor (`make run`) in a thread; standard library (and the widget's files from bot/webchat/) only.
A body over MAX_BODY_BYTES is refused here, before Rasa reads it.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.input_check import UNAVAILABLE_REPLY
from bot.webchat.assets import HEADERS as ASSET_HEADERS, assets

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 16 * 1024
WEBHOOK = "/webhooks/rest/webhook"
# The website widget's channel: its webhook gets the same apology as REST (the widget shows it as a reply), and its
# files are served from disk while Rasa is away, so that a page opened during a restart still gets the widget.
WEBCHAT = "/webhooks/webchat"
APOLOGISING = {WEBHOOK, f"{WEBCHAT}/webhook"}
# WeChat's callbacks: XML bodies up to 64 KB (the channel's own limit). While Rasa is away the front answers WeChat
# "success" (an empty reply it does not retry) rather than an error that makes WeChat tell the user the account
# cannot serve; the front holds no keys, so it cannot write an encrypted apology.
WECHAT_WEBHOOK = "/webhooks/wechat/webhook"
WECHAT_MAX_BODY_BYTES = 64 * 1024
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "server", "date", "expect"}


def unavailable(body: bytes) -> bytes:
    """The apology in the REST channel's reply shape, to the sender named in the body when there is one."""
    try:
        sender = json.loads(body).get("sender")
    except (ValueError, AttributeError, UnicodeDecodeError):
        sender = None
    return json.dumps([{"recipient_id": sender if isinstance(sender, str) else None, "text": UNAVAILABLE_REPLY}],
                      ensure_ascii=False).encode()


class FrontHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # the reply goes out as two writes (headers, body): with Nagle's algorithm on, a kept-alive client's delayed ACK
    # held the body back ~40 ms per request
    disable_nagle_algorithm = True
    timeout = 15  # seconds a client may take to send its request (a slow client holds only its own thread)
    upstream: tuple[str, int]
    timeout_s: float

    def log_message(self, format, *args):  # no access log: paths may carry queries
        pass

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None,
               content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drain(self, max_bytes: int = 1 << 20, seconds: float = 2.0) -> None:
        """Read and drop what the client is still sending after a refusal, for a moment (nginx's lingering close):
        a socket closed with unread bytes resets the connection, and the client, still writing its body, loses the
        answer it was sent. Bounded in bytes and time, so a refused client holds its thread for at most `seconds`."""
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(seconds)
            deadline, left = time.monotonic() + seconds, max_bytes
            while left > 0 and time.monotonic() < deadline:
                chunk = self.connection.recv(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    def _proxy(self) -> None:
        route = self.path.split("?")[0].rstrip("/")
        limit = WECHAT_MAX_BODY_BYTES if route == WECHAT_WEBHOOK else MAX_BODY_BYTES
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > limit or self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._reply(413 if length > limit else 400,
                        b'{"error": "send a body of at most %d bytes with Content-Length"}' % limit)
            return self._drain()
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        conn = http.client.HTTPConnection(*self.upstream, timeout=self.timeout_s)
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            log.warning("front: Rasa did not answer %s %s (%s)", self.command, self.path.split("?")[0],
                        type(exc).__name__)
            if route in APOLOGISING:
                return self._reply(200, unavailable(body))
            asset = assets().get(route[len(WEBCHAT) + 1:]) if route.startswith(f"{WEBCHAT}/") else None
            if asset is not None and self.command == "GET":
                return self._reply(200, asset.body, ASSET_HEADERS, content_type=asset.content_type)
            if route == WECHAT_WEBHOOK and self.command == "POST":
                return self._reply(200, b"success", content_type="text/plain; charset=utf-8")
            return self._reply(503, b'{"error": "the assistant is restarting; try again in a minute"}')
        finally:
            conn.close()
        if answer.status >= 500 and route in APOLOGISING:
            return self._reply(200, unavailable(body))
        if answer.status >= 500 and route == WECHAT_WEBHOOK and self.command == "POST":
            return self._reply(200, b"success", content_type="text/plain; charset=utf-8")
        self._reply(answer.status, data, {k: v for k, v in answer.getheaders()
                                          if k.lower() not in HOP_HEADERS and k.lower() != "content-type"},
                    content_type=answer.getheader("Content-Type") or "application/json")

    do_GET = do_POST = do_OPTIONS = do_PUT = do_DELETE = _proxy


class FrontServer(ThreadingHTTPServer):
    """Keeps its open connections, so that stopping the front also ends the kept-alive ones (a stopped front
    must not go on answering a browser over a connection it opened before); a client that hung up is not logged
    as an error."""

    def server_activate(self) -> None:
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()
        super().server_activate()

    def process_request(self, request, client_address) -> None:
        with self.lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self.lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.lock:
            open_now = list(self.connections)
        for conn in open_now:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        # a client that hung up before its reply (a load generator stopping, a closed browser tab) is no error
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class Front:
    """A threaded HTTP front on (host, port) for the Rasa server at upstream_port."""

    def __init__(self, host: str, port: int, upstream_port: int, timeout: float = 9.0):
        handler = type("Handler", (FrontHandler,), {"upstream": ("127.0.0.1", upstream_port), "timeout_s": timeout})
        self.server = FrontServer((host, port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="front", daemon=True)

    def start(self) -> "Front":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.server.close_connections()
