"""A stand-in for WeChat's servers, to hold a conversation with a running bot as a WeChat user would
(`policybot wechat-sim`), and for the tests.

`WeChatSim` signs (and in safe mode encrypts) real callback XML, POSTs it to /webhooks/wechat/webhook, retries a
request that got no answer within 5 s like WeChat (the same body, up to three requests in all), and decrypts the
reply. `FakeCustomerService` is the customer-service API (stable_token, message/custom/send) on a local port: it
records what the bot pushed, or answers with an error code (48001 …) to test the bot's fallback.
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
import string
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.wechat import protocol

WEBHOOK = "/webhooks/wechat/webhook"
WECHAT_TIMEOUT = 5.0  # WeChat gives up on a request after 5 s and retries
ATTEMPTS = 3


def cdata(text: str) -> str:
    return "<![CDATA[" + protocol.cdata_safe(text) + "]]>"


def message_xml(kind: str, openid: str, account: str = "gh_policybot", msg_id: int | None = None,
                create_time: int | None = None, **fields: str) -> str:
    """A callback message as WeChat sends it: text (Content), voice (Recognition), image, event (Event, EventKey)…"""
    parts = [f"<ToUserName>{cdata(account)}</ToUserName>", f"<FromUserName>{cdata(openid)}</FromUserName>",
             f"<CreateTime>{create_time or int(time.time())}</CreateTime>", f"<MsgType>{cdata(kind)}</MsgType>"]
    parts += [f"<{k}>{cdata(v)}</{k}>" for k, v in fields.items()]
    if kind != "event":
        parts.append(f"<MsgId>{msg_id or random.randrange(10**15, 10**16)}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


@dataclass
class Reply:
    status: int
    body: bytes
    attempts: int  # requests sent (1 + retries)
    seconds: float  # from the first request to the answer taken
    text: str | None = None  # the reply's Content, decrypted; None for "success" or an empty reply
    fields: dict = field(default_factory=dict)


class WeChatSim:
    def __init__(self, url: str, token: str, aes_key: str | None = None, appid: str | None = None,
                 timeout: float = WECHAT_TIMEOUT, attempts: int = ATTEMPTS):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.config = protocol.Config(token, aes_key, appid)
        self.timeout, self.attempts = timeout, attempts
        self._ids = itertools.count(int(time.time() * 1000))

    def _nonce(self) -> str:
        return "".join(random.choices(string.ascii_letters + string.digits, k=10))

    def signed_query(self, encrypt: str | None = None, timestamp: str | None = None, nonce: str | None = None,
                     **extra: str) -> dict[str, str]:
        timestamp, nonce = timestamp or str(int(time.time())), nonce or self._nonce()
        query = {"signature": protocol.sign(self.config.token, timestamp, nonce), "timestamp": timestamp,
                 "nonce": nonce, "openid": "sim", **extra}
        if encrypt is not None:
            query.update(encrypt_type="aes", msg_signature=protocol.sign(self.config.token, timestamp, nonce,
                                                                         encrypt))
        return query

    def request(self, method: str, query: dict[str, str], body: bytes = b"",
                timeout: float | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
        try:
            conn.request(method, WEBHOOK + "?" + urllib.parse.urlencode(query), body=body,
                         headers={"Content-Type": "text/xml"})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def verify(self, echostr: str = "echo-123", forged: bool = False) -> tuple[int, str]:
        query = self.signed_query(echostr=echostr)
        if forged:
            query["signature"] = "0" * 40
        status, body = self.request("GET", query)
        return status, body.decode("utf-8", "replace")

    def envelope(self, xml: str, encrypted: bool) -> tuple[bytes, dict[str, str]]:
        """The body and signed query WeChat would send for this message."""
        if not encrypted:
            return xml.encode("utf-8"), self.signed_query()
        encrypt = self.config.crypto().encrypt_text(xml)
        body = f"<xml><ToUserName>{cdata('gh_policybot')}</ToUserName><Encrypt>{cdata(encrypt)}</Encrypt></xml>"
        return body.encode("utf-8"), self.signed_query(encrypt=encrypt)

    def post(self, xml: str, encrypted: bool = False, retry: bool = True) -> Reply:
        """One message, with WeChat's retries: a request without an answer in 5 s is sent again unchanged."""
        body, query = self.envelope(xml, encrypted)
        started = time.monotonic()
        for attempt in range(1, (self.attempts if retry else 1) + 1):
            try:
                status, data = self.request("POST", query, body)
            except (TimeoutError, OSError):
                continue
            return self.read_reply(status, data, attempt, time.monotonic() - started)
        return Reply(0, b"", self.attempts if retry else 1, time.monotonic() - started)

    def read_reply(self, status: int, data: bytes, attempts: int, seconds: float) -> Reply:
        reply = Reply(status, data, attempts, seconds)
        if status != 200 or data.strip() in (b"", b"success"):
            return reply
        fields = protocol.parse_xml(data)
        if "Encrypt" in fields:
            signature = protocol.sign(self.config.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
            protocol.check_sign(signature, fields.get("MsgSignature"))
            fields = protocol.parse_xml(self.config.crypto().decrypt_text(fields["Encrypt"]).encode("utf-8"))
        reply.fields, reply.text = fields, fields.get("Content")
        return reply

    def say(self, openid: str, text: str, encrypted: bool = False, **kw) -> Reply:
        return self.post(message_xml("text", openid, msg_id=next(self._ids), Content=text, **kw), encrypted)


class FakeCustomerService:
    """WeChat's API host on a local port: `pushes` holds (openid, text) for every custom/send; `errcode` set to a
    WeChat error code (48001, 45015) makes custom/send fail with it."""

    def __init__(self, port: int = 0, errcode: int = 0):
        self.pushes: list[tuple[str, str]] = []
        self.errcode = errcode
        self.token_requests = 0
        self.changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                path = self.path.split("?")[0]
                if path == "/cgi-bin/stable_token":
                    fake.token_requests += 1
                    answer = {"access_token": "fake-token", "expires_in": 7200}
                elif path == "/cgi-bin/message/custom/send" and "access_token=fake-token" in self.path:
                    if fake.errcode:
                        answer = {"errcode": fake.errcode, "errmsg": "refused by the fake"}
                    else:
                        with fake.changed:
                            fake.pushes.append((body["touser"], body["text"]["content"]))
                            fake.changed.notify_all()
                        answer = {"errcode": 0, "errmsg": "ok"}
                else:
                    answer = {"errcode": 40001, "errmsg": "invalid credential"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, name="fake-wechat-api", daemon=True).start()

    def wait_for(self, count: int, timeout: float = 15.0) -> list[tuple[str, str]]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.pushes) >= count, timeout)
            return list(self.pushes)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def repl(sim: WeChatSim, openid: str, encrypted: bool, fake: FakeCustomerService | None) -> None:
    """Type messages as the WeChat user; `/voice 文字`, `/image`, `/subscribe`, `/click KEY` send those kinds."""
    print(f"WeChat user {openid} ({'safe mode' if encrypted else 'plain mode'}). Ctrl-D ends.")
    if fake is not None:
        print(f"customer-service fake on {fake.url} (start the bot with WECHAT_API_BASE={fake.url})")
    shown = 0
    while True:
        try:
            line = input("我> ").strip()
        except EOFError:
            return
        if not line:
            continue
        word, _, rest = line.partition(" ")
        if word == "/voice":
            xml = message_xml("voice", openid, MediaId="m1", Format="amr", Recognition=rest)
        elif word == "/image":
            xml = message_xml("image", openid, PicUrl="http://example.invalid/a.jpg", MediaId="m2")
        elif word == "/subscribe":
            xml = message_xml("event", openid, Event="subscribe")
        elif word == "/click":
            xml = message_xml("event", openid, Event="CLICK", EventKey=rest)
        else:
            xml = message_xml("text", openid, Content=line)
        reply = sim.post(xml, encrypted)
        note = f"{reply.seconds:.1f} s, {reply.attempts} request{'s' if reply.attempts > 1 else ''}"
        if reply.text is not None:
            print(f"公众号> {reply.text}\n  ({note}, {len(reply.text.encode())} bytes)")
        else:
            print(f"  (HTTP {reply.status} {reply.body[:40]!r}, {note})")
        if fake is not None:
            time.sleep(0.2)
            for _, text in fake.pushes[shown:]:
                print(f"公众号 (客服消息)> {text}")
            shown = len(fake.pushes)
