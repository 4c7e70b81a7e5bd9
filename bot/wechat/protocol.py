"""The server side of WeChat's callback protocol: signatures, safe-mode (AES) decryption and encryption, message
parsing, reply XML. wechatpy does the work; this module adds what it leaves out: constant-time signature checks,
the PKCS#7 padding check, a body limit, a refusal of DTDs and entities, and one error for every bad request."""

from __future__ import annotations

import hmac
import os
import struct
import time
from dataclasses import dataclass
from typing import Mapping
from xml.parsers.expat import ExpatError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from wechatpy import parse_message
from wechatpy.crypto import PrpCrypto
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner, random_string, to_text

MAX_BODY_BYTES = 64 * 1024
BLOCK = 32  # WeChat pads to 32-byte blocks (PKCS#7 with k = 32), not AES's 16


class BadRequest(ValueError):
    """The request is not a valid WeChat callback: a 400."""


class Forbidden(ValueError):
    """The signature does not match: a 403."""


@dataclass(frozen=True)
class Config:
    token: str
    aes_key: str | None = None  # EncodingAESKey, 43 characters; needed for safe mode
    appid: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Config":
        env = os.environ if env is None else env
        if not env.get("WECHAT_TOKEN"):
            raise RuntimeError("the WeChat channel needs WECHAT_TOKEN in the environment")
        return cls(env["WECHAT_TOKEN"], env.get("WECHAT_AES_KEY") or None, env.get("WECHAT_APPID") or None)

    def crypto(self) -> "SafeCrypto":
        if not (self.aes_key and self.appid):
            raise BadRequest("safe mode needs WECHAT_AES_KEY and WECHAT_APPID")
        return SafeCrypto(self.aes_key, self.appid)


def sign(*parts: str) -> str:
    """SHA-1 of the sorted parts joined: `signature` (token, timestamp, nonce) and `msg_signature` (…, Encrypt)."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def check_sign(expected: str, given: object) -> None:
    if not isinstance(given, str) or not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        raise Forbidden("signature mismatch")


def _query(query: Mapping[str, str], name: str) -> str:
    value = query.get(name)
    if not isinstance(value, str) or not value or len(value) > 256:
        raise Forbidden(f"{name} missing")  # an unsigned request is refused like a forged one
    return value


def verify_url(config: Config, query: Mapping[str, str]) -> str:
    """URL verification (GET): echostr unchanged when `signature` matches, else Forbidden."""
    timestamp, nonce = _query(query, "timestamp"), _query(query, "nonce")
    check_sign(sign(config.token, timestamp, nonce), query.get("signature"))
    return _query(query, "echostr")


class SafeCrypto(PrpCrypto):
    """wechatpy's cipher with the checks its `_decrypt` leaves out: base64, block length, the padding bytes, the
    length field, the AppID (in constant time). Any failure is a BadRequest, never another exception."""

    def __init__(self, aes_key: str, appid: str):
        import base64
        import binascii

        try:
            key = base64.b64decode(aes_key + "=", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise RuntimeError("WECHAT_AES_KEY is not a 43-character EncodingAESKey") from exc
        if len(key) != 32:
            raise RuntimeError("WECHAT_AES_KEY is not a 43-character EncodingAESKey")
        super().__init__(key)
        self.appid = appid

    def decrypt_text(self, encrypted: str) -> str:
        import base64
        import binascii

        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadRequest("Encrypt is not base64") from exc
        if not raw or len(raw) % BLOCK:
            raise BadRequest("Encrypt is not a whole number of blocks")
        plain = self.cipher.decrypt(raw)
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise BadRequest("bad padding (wrong key?)")
        content = plain[16:-pad]
        if len(content) < 4:
            raise BadRequest("decrypted message too short")
        (length,) = struct.unpack("!I", content[:4])
        if length > len(content) - 4:
            raise BadRequest("decrypted length field out of range")
        appid = content[4 + length:]
        if not hmac.compare_digest(appid, self.appid.encode()):
            raise BadRequest("AppID mismatch")
        try:
            return content[4:4 + length].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest("decrypted message is not UTF-8") from exc

    def encrypt_text(self, text: str) -> str:
        return to_text(self.encrypt(text, self.appid))


def parse_xml(body: bytes | str) -> dict[str, str]:
    """A flat <xml> document as a dict of its children's text; DTDs and entities refused."""
    try:
        root = safe_xml.fromstring(body, forbid_dtd=True)
    # LookupError: the document declares an encoding that does not exist
    except (ExpatError, safe_xml.ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        raise BadRequest(f"malformed XML ({type(exc).__name__})") from exc
    if root.tag != "xml":
        raise BadRequest("the root element is not <xml>")
    return {child.tag: (child.text or "") for child in root}


@dataclass(frozen=True)
class Request:
    """A checked callback: the message (a wechatpy message object), whether it came encrypted, and what the
    reply needs (the nonce is echoed in the encrypted reply)."""

    message: object
    fields: dict[str, str]  # the message's elements as text (MsgId, CreateTime, FromUserName … unconverted)
    encrypted: bool
    nonce: str


def read_request(config: Config, query: Mapping[str, str], body: bytes) -> Request:
    """Every POST: signature (constant time), body limit, XML safety, safe-mode decryption; BadRequest/Forbidden."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"body over {MAX_BODY_BYTES} bytes")
    timestamp, nonce = _query(query, "timestamp"), _query(query, "nonce")
    check_sign(sign(config.token, timestamp, nonce), query.get("signature"))
    outer = parse_xml(body)
    encrypted = query.get("encrypt_type") == "aes"
    if encrypted:
        encrypt = outer.get("Encrypt")
        if not encrypt:
            raise BadRequest("safe mode without Encrypt")
        # the message's own signature covers the ciphertext (msg_signature, not signature)
        check_sign(sign(config.token, timestamp, nonce, encrypt), query.get("msg_signature"))
        inner_xml = config.crypto().decrypt_text(encrypt)
        fields = parse_xml(inner_xml.encode("utf-8"))
    else:
        inner_xml = body.decode("utf-8", "replace")
        fields = outer
    if not fields.get("MsgType") or not fields.get("FromUserName"):
        raise BadRequest("MsgType or FromUserName missing")
    try:
        message = parse_message(inner_xml)
    except Exception as exc:  # wechatpy's field converters raise what they like on odd values
        raise BadRequest(f"unreadable message ({type(exc).__name__})") from exc
    return Request(message, fields, encrypted, nonce)


def cdata_safe(text: str) -> str:
    """Text that cannot end a CDATA section early: "]]>" is split across two sections."""
    return text.replace("]]>", "]]]]><![CDATA[>")


def reply_xml(config: Config, request: Request, text: str, timestamp: str | None = None) -> str:
    """The passive text reply to a request, encrypted when the request was."""
    xml = TextReply(source=cdata_safe(request.fields.get("ToUserName", "")),
                    target=cdata_safe(request.fields.get("FromUserName", "")),
                    content=cdata_safe(text), time=int(time.time())).render()
    if not request.encrypted:
        return xml
    timestamp = timestamp or str(int(time.time()))
    encrypt = config.crypto().encrypt_text(xml)
    return ("<xml>\n<Encrypt><![CDATA[{e}]]></Encrypt>\n<MsgSignature><![CDATA[{s}]]></MsgSignature>\n"
            "<TimeStamp>{t}</TimeStamp>\n<Nonce><![CDATA[{n}]]></Nonce>\n</xml>").format(
        e=encrypt, s=sign(config.token, timestamp, request.nonce, encrypt), t=timestamp,
        n=cdata_safe(request.nonce))


def new_nonce() -> str:
    return random_string(10)


__all__ = ["BadRequest", "Forbidden", "Config", "SafeCrypto", "Request", "read_request", "verify_url",
           "reply_xml", "sign", "cdata_safe", "parse_xml", "new_nonce", "MAX_BODY_BYTES"]
