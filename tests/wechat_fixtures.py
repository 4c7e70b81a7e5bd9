"""What the WeChat end-to-end tests share: the bot started with the channel enabled, the customer-service fake,
and a proxy in front of the action server that counts the actions each sender's turns call and delays the turns
of messages that contain SLOW (an action delayed on purpose, with no hook in the product)."""

from __future__ import annotations

import base64
import http.client
import json
import os
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ops import services
from ops.wechat_sim import FakeCustomerService, WeChatSim

TOKEN = "policybot-test-token"
AES_KEY = base64.b64encode(bytes(range(100, 132))).decode().rstrip("=")
APPID = "wxpolicybottest01"
SLOW = "慢慢说"
SLOW_SECONDS = 6.0


class ActionProxy:
    def __init__(self, upstream_port: int):
        self.calls: Counter = Counter()  # sender → custom actions called
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    tracker = json.loads(body).get("tracker") or {}
                except ValueError:
                    tracker = {}
                proxy.calls[tracker.get("sender_id")] += 1
                if SLOW in str((tracker.get("latest_message") or {}).get("text")):
                    time.sleep(SLOW_SECONDS)
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
                try:
                    conn.request("POST", self.path, body, {"Content-Type": "application/json"})
                    r = conn.getresponse()
                    data, status = r.read(), r.status
                finally:
                    conn.close()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class WeChatBot:
    """Services with the WeChat channel on, the fake API, the proxy, and a simulator for plain and safe mode."""

    def __init__(self, tracker_db, front: bool = False):
        self.fake = FakeCustomerService()
        action_port = services.free_port()
        self.proxy = ActionProxy(action_port)
        env = {**os.environ, "WECHAT_TOKEN": TOKEN, "WECHAT_AES_KEY": AES_KEY, "WECHAT_APPID": APPID,
               "WECHAT_APPSECRET": "test-secret", "WECHAT_API_BASE": self.fake.url,
               "ACTION_SERVER_URL": self.proxy.url}
        self.services = services.Services(action_port=action_port, tracker_db=tracker_db, quiet=True, env=env,
                                          front=front)
        self.sim = WeChatSim(self.services.rasa_url, TOKEN, AES_KEY, APPID)

    def start(self) -> "WeChatBot":
        services.train()
        try:
            self.services.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.services.stop()
        self.proxy.stop()
        self.fake.stop()
