"""WeChat's callback protocol (bot/wechat/protocol.py): wechatpy's published vectors, vectors computed here step by
step from the documented algorithm, the AES round trip over 0–2,100 bytes, and every kind of bad request."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, settings, strategies as st

from bot.wechat import protocol
from bot.wechat.protocol import BadRequest, Config, Forbidden, SafeCrypto

# wechatpy's tests/test_crypto.py (the same AES scheme; the id there is a CorpID, here it plays the AppID)
TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APPID = "wx49f0ab532d5d035a"
PUBLISHED_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymz"
    "xh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIi"
    "OAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvc"
    "cTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=")
PUBLISHED_REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
PUBLISHED_REPLY_ENCRYPT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtOb"
    "vesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8"
    "NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O"
    "5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3")


class FixedPrefix(SafeCrypto):
    def get_random_string(self):
        return "1234567890123456"


def test_published_signatures():
    assert protocol.sign(TOKEN, "1411525903", "461056294", PUBLISHED_ENCRYPT) == \
        "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
    assert protocol.sign(TOKEN, "1411525903", "461056294", PUBLISHED_REPLY_ENCRYPT) == \
        "407518b7649e86ef23978113f92d27afa9296533"


def test_published_decryption_and_encryption():
    inner = SafeCrypto(AES_KEY, APPID).decrypt_text(PUBLISHED_ENCRYPT)
    fields = protocol.parse_xml(inner.encode())
    assert fields["Content"] == "test" and fields["FromUserName"] == "messense"
    assert FixedPrefix(AES_KEY, APPID).encrypt_text(PUBLISHED_REPLY) == PUBLISHED_REPLY_ENCRYPT


def step_by_step_encrypt(text: str, key43: str, appid: str, prefix: bytes) -> str:
    """The documented algorithm, written out: 16 random bytes, the message length as 4 big-endian bytes, the
    message, the AppID; PKCS#7-padded to a multiple of 32; AES-256-CBC with the key's first 16 bytes as IV;
    base64."""
    key = base64.b64decode(key43 + "=")
    body = text.encode()
    plain = prefix + struct.pack(">I", len(body)) + body + appid.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def test_vectors_computed_step_by_step():
    # signature: SHA-1 of token, timestamp, nonce sorted as strings and joined
    assert protocol.sign("policybot", "1700000000", "nonce42") == \
        hashlib.sha1("".join(sorted(["policybot", "1700000000", "nonce42"])).encode()).hexdigest()
    key = base64.b64encode(bytes(range(32))).decode().rstrip("=")
    xml = "<xml><Content><![CDATA[高新技术企业认定有什么奖励]]></Content></xml>"
    expected = step_by_step_encrypt(xml, key, "wxappid", b"1234567890123456")
    assert FixedPrefix(key, "wxappid").encrypt_text(xml) == expected
    assert SafeCrypto(key, "wxappid").decrypt_text(expected) == xml
    # msg_signature covers the ciphertext as a fourth part
    assert protocol.sign("policybot", "1700000000", "nonce42", expected) == hashlib.sha1(
        "".join(sorted(["policybot", "1700000000", "nonce42", expected])).encode()).hexdigest()


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2100), st.binary(min_size=16, max_size=16), st.randoms())
def test_aes_round_trip_over_lengths(length, prefix, rnd):
    text = "".join(rnd.choice("政策a1<>&]\n") for _ in range(length)).encode()[:length].decode("utf-8", "ignore")
    key = base64.b64encode(bytes(rnd.randrange(256) for _ in range(32))).decode().rstrip("=")
    crypto = SafeCrypto(key, "wxappid")
    encrypted = crypto.encrypt_text(text)
    assert len(base64.b64decode(encrypted)) % 32 == 0
    assert crypto.decrypt_text(encrypted) == text


@pytest.mark.parametrize("encrypt", [
    "", "not base64!", base64.b64encode(b"x" * 15).decode(), base64.b64encode(b"x" * 33).decode(),
    base64.b64encode(b"x" * 64).decode(),  # whole blocks, but garbage: the padding check refuses it
    PUBLISHED_ENCRYPT[:-8] + "AAAAAAA=",  # truncated / altered tail
])
def test_every_decryption_failure_is_a_bad_request(encrypt):
    with pytest.raises(BadRequest):
        SafeCrypto(AES_KEY, APPID).decrypt_text(encrypt)


def test_a_wrong_key_or_appid_is_a_bad_request():
    other_key = base64.b64encode(bytes(32)).decode().rstrip("=")
    with pytest.raises(BadRequest):
        SafeCrypto(other_key, APPID).decrypt_text(PUBLISHED_ENCRYPT)
    with pytest.raises(BadRequest):
        SafeCrypto(AES_KEY, "wxsomeoneelse").decrypt_text(PUBLISHED_ENCRYPT)


CONFIG = Config("policybot", AES_KEY, APPID)


def signed(timestamp="1700000000", nonce="n1", **extra):
    return {"timestamp": timestamp, "nonce": nonce, "signature": protocol.sign(CONFIG.token, timestamp, nonce),
            **extra}


TEXT = ("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[你好]]></Content><MsgId>1234567890</MsgId></xml>")


def test_url_verification():
    assert protocol.verify_url(CONFIG, signed(echostr="abc123")) == "abc123"
    with pytest.raises(Forbidden):
        protocol.verify_url(CONFIG, {**signed(echostr="abc123"), "signature": "0" * 40})
    with pytest.raises(Forbidden):
        protocol.verify_url(CONFIG, {"echostr": "abc"})


def test_plain_and_safe_mode_requests():
    req = protocol.read_request(CONFIG, signed(), TEXT.encode())
    assert req.message.content == "你好" and req.fields["MsgId"] == "1234567890" and not req.encrypted
    encrypt = CONFIG.crypto().encrypt_text(TEXT)
    body = f"<xml><ToUserName>gh_1</ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()
    query = signed(encrypt_type="aes", msg_signature=protocol.sign(CONFIG.token, "1700000000", "n1", encrypt))
    req = protocol.read_request(CONFIG, query, body)
    assert req.encrypted and req.message.content == "你好"
    # safe mode is checked with msg_signature: the plain signature alone is not enough
    with pytest.raises(Forbidden):
        protocol.read_request(CONFIG, {**query, "msg_signature": query["signature"]}, body)


@pytest.mark.parametrize("body", [
    b"", b"<xml>", b"not xml", b"<root><MsgType>text</MsgType></root>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><MsgType>&a;</MsgType></xml>',
    b'<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>',
    b"<xml><MsgType>text</MsgType></xml>",  # no FromUserName
    b'<?xml version="1.0" encoding="bogus"?><xml><MsgType>text</MsgType></xml>',
    '<?xml version="1.0" encoding="utf-16"?><xml><MsgType>text</MsgType></xml>'.encode("utf-16"),
    b"<xml>" + b"<a>x</a>" * 9000 + b"</xml>",  # over 64 KB
])
def test_bad_bodies_are_bad_requests(body):
    with pytest.raises(BadRequest):
        protocol.read_request(CONFIG, signed(), body)


def test_forged_signature_is_forbidden_before_the_body_is_read():
    with pytest.raises(Forbidden):
        protocol.read_request(CONFIG, {**signed(), "signature": "f" * 40}, b"<xml>")


def test_reply_xml_survives_cdata_terminators_and_encrypts():
    req = protocol.read_request(CONFIG, signed(), TEXT.encode())
    xml = protocol.reply_xml(CONFIG, req, "a]]>b<c>&")
    fields = protocol.parse_xml(xml.encode())
    assert fields["Content"] == "a]]>b<c>&" and fields["ToUserName"] == "oUser" and fields["FromUserName"] == "gh_1"
    encrypt = CONFIG.crypto().encrypt_text(TEXT)
    query = signed(encrypt_type="aes", msg_signature=protocol.sign(CONFIG.token, "1700000000", "n1", encrypt))
    req = protocol.read_request(CONFIG, query, f"<xml><Encrypt>{encrypt}</Encrypt></xml>".encode())
    outer = protocol.parse_xml(protocol.reply_xml(CONFIG, req, "好的]]>", timestamp="1700000001").encode())
    assert outer["MsgSignature"] == protocol.sign(CONFIG.token, "1700000001", "n1", outer["Encrypt"])
    inner = protocol.parse_xml(CONFIG.crypto().decrypt_text(outer["Encrypt"]).encode())
    assert inner["Content"] == "好的]]>"
