"""Property-based requests (hypothesis) to the WeChat endpoint of the real server: ≥ 10,000 generated requests —
query strings, signatures, XML shapes and sizes, encodings, entities, message types, safe-mode envelopes. Every
response is below 500; a 200 is "success" or reply XML that parses (and decrypts in safe mode); the Rasa process
is the same at the end and answers normally.

Most requests are refused before the bot runs (signature, size, XML), as an attacker's would be; about one in
ten is drawn as a well-signed text message meant to make a real turn (some of those are then spoiled)."""

from __future__ import annotations

import string
import time
from collections import Counter
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.wechat import protocol
from ops.wechat_sim import WEBHOOK, cdata

from .robust_client import Client

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

EXAMPLES = 10_000
COUNT: Counter = Counter()

any_char = st.characters(exclude_categories=())  # surrogates and control characters too
text = st.text(any_char, max_size=30)
openid = st.one_of(st.sampled_from([f"oFUZZ{n:023d}" for n in range(20)]), text)
kinds = st.sampled_from(["text", "voice", "image", "location", "link", "video", "shortvideo", "event", "file", "",
                         "TEXT", "<x>"])
events = st.sampled_from(["subscribe", "unsubscribe", "CLICK", "VIEW", "SCAN", "LOCATION", "", "weird"])
field_names = st.sampled_from(["Content", "Recognition", "Event", "EventKey", "MsgId", "CreateTime", "PicUrl",
                               "Location_X", "Encrypt", "Unknown"])
field_value = st.one_of(text, st.integers().map(str), st.sampled_from(
    ["高新技术企业认定有什么奖励", "]]>", "<b>x</b>", "&amp;", "1", "/restart", "qrscene_1", "MATCH", "999"]))


def encode(xml: str, encoding: str) -> bytes:
    if encoding == "utf-8":
        return xml.encode("utf-8", "surrogatepass")
    declared = f'<?xml version="1.0" encoding="{encoding}"?>' + xml
    return declared.encode(encoding if encoding != "bogus" else "utf-8", "replace")


@st.composite
def message(draw) -> str:
    kind = draw(kinds)
    parts = [f"<ToUserName>{cdata('gh_fuzz')}</ToUserName>"]
    if draw(st.integers(0, 9)):
        parts.append(f"<FromUserName>{cdata(draw(openid))}</FromUserName>")
    parts.append(f"<CreateTime>{draw(st.one_of(st.integers(0, 2**40).map(str), text))}</CreateTime>")
    parts.append(f"<MsgType>{cdata(kind)}</MsgType>")
    if kind == "event":
        parts.append(f"<Event>{cdata(draw(events))}</Event>")
    for name, value in draw(st.lists(st.tuples(field_names, field_value), max_size=4)):
        parts.append(f"<{name}>{cdata(value) if draw(st.booleans()) else value}</{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


def text_message(words: str, n: int) -> str:
    return (f"<xml><ToUserName>gh_fuzz</ToUserName><FromUserName>oFUZZ{n:023d}</FromUserName>"
            f"<CreateTime>{n}</CreateTime><MsgType>text</MsgType><Content>{cdata(words)}</Content>"
            f"<MsgId>{n}</MsgId></xml>")


class Encryptor(protocol.SafeCrypto):
    def get_random_string(self):  # hypothesis draws must not use the random module
        return "0123456789abcdef"


body = st.one_of(
    st.builds(encode, message(), st.sampled_from(["utf-8", "utf-8", "gbk", "utf-16", "latin-1", "bogus"])),
    st.binary(max_size=300),
    st.builds(lambda n: b"<xml>" + b"<Content>x</Content>" * n + b"</xml>", st.sampled_from([10, 3300, 4000])),
    st.just(b'<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><xml><Content>&b;</Content>'
            b"<MsgType>text</MsgType><FromUserName>oFUZZ</FromUserName></xml>"),
    st.just(b'<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>'),
)


@st.composite
def request(draw, config: protocol.Config):
    """(query, body, whether it reaches the bot as a signed, readable text message)."""
    mode = draw(st.sampled_from(["signed", "signed", "aes", "forged", "random", "none"]))
    # st.text over the alphabet rather than st.from_regex: the same strings, drawn at a fraction of the cost
    timestamp = draw(st.integers(0, 2**33).map(str))
    nonce = draw(st.text(string.digits + string.ascii_lowercase, min_size=1, max_size=12))
    turn = mode in ("signed", "aes") and draw(st.integers(0, 12)) == 0
    if turn:
        raw = encode(text_message(draw(field_value), draw(st.integers(1, 10**9))), "utf-8")
    else:
        raw = draw(body)
    query = {"timestamp": timestamp, "nonce": nonce, "signature": protocol.sign(config.token, timestamp, nonce)}
    if mode == "aes":
        inner = raw.decode("utf-8", "replace") if draw(st.integers(0, 4)) else draw(text)
        inner = inner.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be encrypted
        encrypt = Encryptor(config.aes_key, config.appid).encrypt_text(inner) if draw(st.integers(0, 5)) else draw(
            st.one_of(text, st.binary(max_size=64).map(lambda b: __import__("base64").b64encode(b).decode())))
        raw = f"<xml><ToUserName>gh</ToUserName><Encrypt>{cdata(encrypt)}</Encrypt></xml>".encode(
            "utf-8", "surrogatepass")
        query.update(encrypt_type="aes", msg_signature=protocol.sign(config.token, timestamp, nonce, encrypt)
                     if draw(st.integers(0, 5)) else draw(text))
    elif mode == "forged":
        query["signature"] = draw(st.one_of(st.text(string.hexdigits[:16], min_size=40, max_size=40), text))
    elif mode == "random":
        query = draw(st.dictionaries(st.sampled_from(["signature", "timestamp", "nonce", "echostr", "encrypt_type",
                                                      "msg_signature", "x"]), text, max_size=5))
    elif mode == "none":
        query = {}
    method = draw(st.sampled_from(["POST"] * 8 + ["GET", "PUT"]))
    return method, query, raw, turn


def test_the_wechat_endpoint_under_generated_requests(wechat_bot):
    bot, sim = wechat_bot, wechat_bot.sim
    client = Client(bot.services.rasa_url, timeout=30)
    pids = [p.pid for p in bot.services.processes]
    started = time.monotonic()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate], derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=request(sim.config))
    def run(case):
        method, query, raw, turn = case
        qs = urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in query.items()})
        status, data, _ = client.request(method, f"{WEBHOOK}?{qs}", raw, {"Content-Type": "text/xml"})
        COUNT["requests"] += 1
        COUNT[status] += 1
        COUNT["turns"] += turn
        assert status < 500, (status, data[:200])
        if status == 200 and method == "POST" and data not in (b"success", b""):
            sim.read_reply(status, data, 1, 0.0)  # parses, and in safe mode verifies and decrypts

    run()
    took = time.monotonic() - started
    actions = sum(n for sender, n in bot.proxy.calls.items() if str(sender).startswith("wx:oFUZZ"))
    statuses = {k: v for k, v in COUNT.items() if isinstance(k, int)}
    print(f"\nWeChat endpoint: {COUNT['requests']} generated requests in {took:.0f} s ({COUNT['turns']} drawn as "
          f"signed text messages, {actions} action-server calls); statuses {statuses}")
    assert COUNT["requests"] >= EXAMPLES and not any(isinstance(k, int) and k >= 500 for k in COUNT)
    assert [p.pid for p in bot.services.processes] == pids and all(p.poll() is None for p in bot.services.processes)
    after = sim.say("oFUZZAFTER00000000000000000", "高新技术企业认定有什么奖励")
    assert "15万元" in after.text
