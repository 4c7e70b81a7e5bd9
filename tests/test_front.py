"""The front on the public REST port (ops/front.py): passes requests through, answers for a Rasa server that
is down, refuses oversized bodies before anyone reads them."""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.input_check import UNAVAILABLE_REPLY
from ops.front import Front
from ops.services import free_port

from .robust_client import Client


class Upstream(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        data = json.dumps([{"text": "echo-length", "n": len(body)}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "https://ok.example")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_requests_pass_through(upstream):
    front = Front("127.0.0.1", free_port(), upstream).start()
    try:
        status, data, headers = Client(f"http://127.0.0.1:{front.server.server_address[1]}").request(
            "POST", "/webhooks/rest/webhook", b'{"sender": "u", "message": "hi"}')
        assert status == 200 and json.loads(data) == [{"text": "echo-length", "n": 32}]
        assert headers["access-control-allow-origin"] == "https://ok.example"
    finally:
        front.stop()


def test_a_down_rasa_gets_the_apology_and_big_bodies_are_refused():
    front = Front("127.0.0.1", free_port(), free_port(), timeout=2).start()  # nothing listens upstream
    try:
        client = Client(f"http://127.0.0.1:{front.server.server_address[1]}")
        status, data, _ = client.request("POST", "/webhooks/rest/webhook", b'{"sender": "u-1", "message": "hi"}')
        assert status == 200 and json.loads(data) == [{"recipient_id": "u-1", "text": UNAVAILABLE_REPLY}]
        status, data, _ = client.request("POST", "/webhooks/rest/webhook", b"[not json")
        assert status == 200 and json.loads(data)[0]["recipient_id"] is None
        status, _, _ = client.request("GET", "/status")
        assert status == 503
        status, data, _ = client.request("POST", "/webhooks/rest/webhook", b"x" * 20_000)
        assert status == 413 and "16384" in json.loads(data)["error"]
    finally:
        front.stop()


def test_the_widget_channel_is_answered_while_rasa_is_down():
    """The widget's webhook gets the apology in the REST reply shape, and its files come from disk, so that a page
    opened during a restart still gets a widget that answers."""
    from bot.webchat.assets import assets

    front = Front("127.0.0.1", free_port(), free_port(), timeout=2).start()  # nothing listens upstream
    try:
        client = Client(f"http://127.0.0.1:{front.server.server_address[1]}")
        status, data, _ = client.request("POST", "/webhooks/webchat/webhook", b'{"sender": "w1.x", "message": "hi"}')
        assert status == 200 and json.loads(data) == [{"recipient_id": "w1.x", "text": UNAVAILABLE_REPLY}]
        status, data, headers = client.request("GET", "/webhooks/webchat/widget.js")
        assert status == 200 and data == assets()["widget.js"].body
        assert headers["content-type"].startswith("application/javascript")
        assert headers["x-content-type-options"] == "nosniff"
        status, data, headers = client.request("GET", "/webhooks/webchat/demo")
        assert status == 200 and b"/webhooks/webchat/widget.js" in data and headers["content-type"].startswith("text/html")
        status, _, _ = client.request("POST", "/webhooks/webchat/session", b"{}")
        assert status == 503  # no id without the channel's secret: the widget shows it cannot connect
        status, _, _ = client.request("GET", "/webhooks/webchat/other.js")
        assert status == 503
        status, _, _ = client.request("POST", "/webhooks/webchat/webhook", b"x" * 20_000)
        assert status == 413
    finally:
        front.stop()


def test_a_stopped_front_closes_the_connections_it_kept_alive(upstream):
    port = free_port()
    front = Front("127.0.0.1", port, upstream).start()
    client = Client(f"http://127.0.0.1:{port}")
    try:
        status, _, _ = client.request("POST", "/webhooks/rest/webhook", b"{}")
        assert status == 200 and client.conn is not None  # kept alive
    finally:
        front.stop()
    with pytest.raises((OSError, http.client.HTTPException)):  # the server is gone for it too, not still answering
        client.conn.request("POST", "/webhooks/rest/webhook", body=b"{}", headers={"Content-Length": "2"})
        client.conn.getresponse().read()


def test_a_client_still_sending_a_refused_body_gets_the_refusal():
    """The front answers 413 as soon as it reads the headers; the client is still writing its 600 KB. Closing with
    those bytes unread would reset the connection and lose the answer: the front drains them first."""
    front = Front("127.0.0.1", free_port(), free_port(), timeout=2).start()
    body = json.dumps({"sender": "big", "message": "中" * 100_000}).encode()
    try:
        for _ in range(5):  # a reset depends on timing: a few tries make one likely where the bytes are not drained
            conn = http.client.HTTPConnection("127.0.0.1", front.server.server_address[1], timeout=10)
            conn.request("POST", "/webhooks/rest/webhook", body=body, headers={"Content-Type": "application/json"})
            answer = conn.getresponse()
            assert answer.status == 413 and "16384" in json.loads(answer.read())["error"]
            conn.close()
    finally:
        front.stop()
