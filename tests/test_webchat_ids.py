"""The website widget's sender ids (bot/webchat/ids.py): issued random and signed, refused when forged, and the
secret taken from the environment or generated once into a 0600 file."""

from __future__ import annotations

import stat

import pytest

from bot.input_check import check_sender
from bot.webchat.ids import ForgedSender, SenderIds, WeakSecret, load_secret

SECRET = b"policybot-test-secret-0123456789abcdef"
# computed once by hand: HMAC-SHA256(SECRET, "w1.AAECAwQFBgcICQoLDA0ODw")[:16], base64url without padding
VECTOR = "w1.AAECAwQFBgcICQoLDA0ODw.hpSstb8ep5Zm918HG5D2MQ"


def test_known_answer_vector():
    ids = SenderIds(SECRET, randbytes=lambda n: bytes(range(n)))
    assert ids.issue() == VECTOR
    assert ids.conversation(VECTOR) == "web:AAECAwQFBgcICQoLDA0ODw"


def test_issued_ids_are_random_valid_senders_and_verify():
    ids = SenderIds(SECRET)
    issued = {ids.issue() for _ in range(200)}
    assert len(issued) == 200
    for token in issued:
        assert check_sender(token) == token  # passes the REST channel's sender check
        assert ids.conversation(token) == "web:" + token.split(".")[1]


@pytest.mark.parametrize("token", [
    VECTOR[:-1] + ("A" if VECTOR[-1] != "A" else "B"),  # the signature changed
    "w1.AAECAwQFBgcICQoLDA0OEA.hpSstb8ep5Zm918HG5D2MQ",  # someone else's random part under this signature
    "w1.AAECAwQFBgcICQoLDA0ODw",  # unsigned
    "web:AAECAwQFBgcICQoLDA0ODw",  # the conversation id itself, as stored in the tracker
    "w2.AAECAwQFBgcICQoLDA0ODw.hpSstb8ep5Zm918HG5D2MQ",
    VECTOR + "x", " " + VECTOR, "", "u1", None, 5, ["w1"],
])
def test_forged_or_malformed_ids_are_refused(token):
    with pytest.raises(ForgedSender):
        SenderIds(SECRET).conversation(token)


def test_an_id_signed_with_another_secret_is_refused():
    other = SenderIds(b"another-secret-of-enough-length-0123456789").issue()
    with pytest.raises(ForgedSender):
        SenderIds(SECRET).conversation(other)


def test_the_secret_from_the_environment(tmp_path):
    path = tmp_path / "secret"
    assert load_secret({"POLICYBOT_WEBCHAT_SECRET": SECRET.decode()}, path) == SECRET
    assert not path.exists()
    with pytest.raises(WeakSecret):
        load_secret({"POLICYBOT_WEBCHAT_SECRET": "short"}, path)
    with pytest.raises(WeakSecret):
        SenderIds(b"short")


def test_without_one_a_secret_is_generated_once_and_kept_private(tmp_path):
    path = tmp_path / "var" / "webchat-secret"
    first = load_secret({}, path)
    assert len(first) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret({}, path) == first  # a restart keeps the ids it issued valid
    token = SenderIds(first).issue()
    assert SenderIds(load_secret({}, path)).conversation(token).startswith("web:")
    path.write_text("x\n")
    with pytest.raises(WeakSecret):
        load_secret({}, path)
