"""The front on the public REST port (ops/front.py): passes requests through, answers for a Rasa server that
is down, refuses oversized bodies before anyone reads them."""

from __future__ import annotations

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
