"""The front relays WeChat's callbacks: GET and POST with their query, XML bodies up to 64 KB with their content
type both ways, and "success" (not an error WeChat would show the user) while Rasa is away."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ops.front import Front
from ops.services import free_port

from .robust_client import Client

WECHAT = "/webhooks/wechat/webhook"


class XmlUpstream(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, body: bytes):
        data = b"<xml><Path><![CDATA[" + self.path.encode() + b"]]></Path><Got>%d</Got></xml>" % len(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._answer(b"")

    def do_POST(self):
        self._answer(self.rfile.read(int(self.headers["Content-Length"])))


@pytest.fixture
def front():
    server = ThreadingHTTPServer(("127.0.0.1", 0), XmlUpstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    f = Front("127.0.0.1", free_port(), server.server_address[1]).start()
    yield Client(f"http://127.0.0.1:{f.server.server_address[1]}")
    f.stop()
    server.shutdown()
    server.server_close()


def test_get_and_post_pass_with_query_body_and_content_type(front):
    status, data, headers = front.request("GET", WECHAT + "?signature=s&timestamp=1&nonce=n&echostr=e")
    assert status == 200 and b"echostr=e" in data and headers["content-type"] == "application/xml"
    body = b"<xml>" + b"x" * 40_000 + b"</xml>"  # over the REST limit, within WeChat's
    status, data, headers = front.request("POST", WECHAT + "?signature=s", body, {"Content-Type": "text/xml"})
    assert status == 200 and b"<Got>%d</Got>" % len(body) in data and headers["content-type"] == "application/xml"


def test_bodies_over_64_kb_are_refused_and_rest_keeps_its_16_kb(front):
    assert front.request("POST", WECHAT, b"x" * (64 * 1024 + 1))[0] == 413
    assert front.request("POST", "/webhooks/rest/webhook", b"x" * 20_000)[0] == 413


def test_a_down_rasa_answers_wechat_success():
    f = Front("127.0.0.1", free_port(), free_port(), timeout=2).start()  # nothing listens upstream
    try:
        client = Client(f"http://127.0.0.1:{f.server.server_address[1]}")
        status, data, _ = client.request("POST", WECHAT + "?signature=s", b"<xml/>", {"Content-Type": "text/xml"})
        assert (status, data) == (200, b"success")
        assert client.request("GET", WECHAT + "?echostr=e")[0] == 503
    finally:
        f.stop()
