"""Issue 10 with the real servers, run as `make run` runs them (front, supervisor, logs in files): each reproduction
of the issue is sent and the service keeps answering; the action server or Rasa killed or stopped, the user still
hears back within 10 s and the conversation goes on; no phone number or name a user typed ends up in a log."""

from __future__ import annotations

import json
import os
import signal
import stat
import time

import pytest

from ops import services

from .robust_client import Client, check_response, reply_text, rss_peak_mb, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

WEBHOOK = "/webhooks/rest/webhook"
STARTED = time.time()


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    services.train()
    tmp = tmp_path_factory.mktemp("robust")
    env = {k: v for k, v in os.environ.items() if k not in ("POLICYBOT_DEBUG", "POLICYBOT_LOG_LEVEL",
                                                             "POLICYBOT_ACTION_TOKEN", "POLICYBOT_CORS_ORIGINS")}
    s = services.Services(tracker_db=tmp / "tracker.db", front=True, log_dir=tmp / "logs", env=env)
    s.start()
    s.supervise(interval=1.0, health_timeout=1.5)
    s.tmp = tmp
    yield s
    s.stop()


def say(bot, sender: str, message: str, timeout: float = 30) -> str:
    return reply_text(bot.say(sender, message, timeout=timeout))


def answers_normally(bot, sender: str) -> None:
    assert "15万元" in say(bot, sender, "高新技术企业认定有什么奖励")


def post(bot, body: bytes, path: str = WEBHOOK, base: str | None = None):
    return Client(base or bot.rasa_url).request("POST", path, body)


# -- the reproductions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b'{"sender":"\\ud800","message":"hi"}', b'{"sender":"\xed\xa0\x80","message":"hi"}'])
def test_1_a_lone_surrogate_in_the_sender_is_a_400_and_nothing_stops(bot, body):
    pids = [p.pid for p in bot.processes]
    status, data, _ = post(bot, body)
    assert status == 400 and "error" in check_response(status, data)
    answers_normally(bot, "r1")
    assert [p.pid for p in bot.processes] == pids  # neither server died


def test_2_long_messages_are_cheap_and_rasa_stays_under_2_gb(bot):
    words = " ".join(["ab"] * 3000)
    started = time.perf_counter()
    status, data, _ = post(bot, json.dumps({"sender": "r2", "message": words}).encode())  # 9 KB, 3,000 words
    assert status == 200 and "简短" in reply_text(json.loads(data))
    for body in (json.dumps({"sender": "r2", "message": "中" * 100_000}).encode(),
                 json.dumps({"sender": "r2", "message": " ".join(["ab"] * 8000)}).encode(),  # 24 KB
                 json.dumps({"sender": "r2", "message": "/inform" + json.dumps({"entity_type": "x" * 40_000})}).encode()):
        status, data, _ = post(bot, body)
        assert 400 <= status < 500 and "error" in check_response(status, data)
    # the longest message the bot reads: 500 characters of short words and of Chinese
    for message in (" ".join(["ab"] * 166), "高企" * 250, "高 " * 250):
        assert say(bot, "r2", message)
    assert time.perf_counter() - started < 30
    peak = rss_peak_mb(bot.servers["rasa"].process.pid)
    print(f"\nRasa peak RSS after the long messages: {peak:.0f} MB")
    assert peak < 2048
    answers_normally(bot, "r2b")


def test_4_no_anonymous_default_conversation(bot):
    for body in (b'{"message": "hi"}', b'{"sender": "", "message": "hi"}', b'{"sender": null, "message": "hi"}'):
        status, data, _ = post(bot, body)
        assert status == 400 and "error" in check_response(status, data)


def test_5_internal_payloads_typed_by_a_user_are_text(bot):
    assert "15万元" in say(bot, "r5", "高新技术企业认定有什么奖励")
    for payload in ("/restart", "/session_start", '/choose_option{"option": "3"}', "/action_listen"):
        check_response(200, json.dumps(bot.say("r5", payload)).encode(), payload)
    assert "高新技术企业认定申请书" in say(bot, "r5", "需要什么材料")  # not restarted
    say(bot, "r5f", "有什么政策适合我")
    markup = '/inform{"entity_type": "<img src=x onerror=alert(1)>"}'
    reply = say(bot, "r5f", markup)
    assert "<img" not in reply and "onerror" not in reply
    stopped = say(bot, "r5f", "算了")
    assert "<img" not in stopped and "onerror" not in stopped


def test_7_client_errors_are_4xx_not_500(bot):
    for body in (b"[1, 2]", b"", b'"text"', b"null", b"{not json", b'{"sender": "u", "message": 5}'):
        status, data, _ = post(bot, body)
        assert 400 <= status < 500, (body, status)
        check_response(status, data)
    started = time.perf_counter()
    status, _, _ = post(bot, b'{"sender": "u7", "message": 5}', path=WEBHOOK + "?stream=true")
    assert 400 <= status < 500 and time.perf_counter() - started < 5  # was: the connection held for 60 s
    answers_normally(bot, "r7")


API_BAD = [
    ("POST", "/api/ask", b'{"q": 1}'), ("POST", "/api/ask", b'{"q": "<img src=x>", "region": 5}'),
    ("POST", "/api/ask", b"[1]"), ("POST", "/api/ask", b"{not json"), ("GET", "/api/ask?q=a&q=b", None),
    ("GET", "/api/ask?q=" + "x" * 600, None), ("GET", "/api/ask?q=%E9%AB%98&region=%3Cimg%3E", None),
    ("POST", "/api/match", b'{"profile": null}'), ("POST", "/api/match", b'{"profile": {"<img src=x>": 1}}'),
    ("POST", "/api/match", b'{"profile": {"entity_type": "<img src=x>"}}'), ("POST", "/api/match", b"[]"),
    ("GET", "/api/entries/abc", None), ("GET", "/api/entries/0", None), ("GET", "/api/entries/99999999999", None),
    ("DELETE", "/api/ask", None), ("PUT", "/api/match", b"{}"), ("GET", "/api/match", None),
    ("GET", "/api/search?q=x&k=abc", None), ("GET", "/api/search?q=x&k=-1", None), ("POST", "/api/search", b'{"q": []}'),
    ("POST", "/webhook", b"[]"), ("POST", "/webhook", b'{"next_action": 1}'), ("GET", "/webhook", None),
    ("GET", "/nowhere", None),
]


@pytest.mark.parametrize("method, path, body", API_BAD)
def test_7_api_errors_are_short_4xx_json_without_echo(bot, method, path, body):
    status, data, _ = Client(bot.action_url).request(method, path, body)
    assert 400 <= status < 500, (status, data[:200])
    decoded = check_response(status, data, (body or b"").decode() + path)
    assert "img" not in json.dumps(decoded)


def test_8_tracker_db_private_and_cors_closed(bot):
    assert stat.S_IMODE((bot.tmp / "tracker.db").stat().st_mode) == 0o600
    status, _, headers = Client(bot.rasa_url).request(
        "POST", WEBHOOK, json.dumps({"sender": "r8", "message": "你好"}).encode(), {"Origin": "https://evil.example"})
    assert status == 200 and "access-control-allow-origin" not in headers
    status, _, headers = Client(bot.action_url).request("GET", "/api/ask?q=%E9%AB%98%E4%BC%81", None,
                                                         {"Origin": "https://evil.example"})
    assert status == 200 and "access-control-allow-origin" not in headers


def test_8_a_name_and_phone_stay_out_of_the_logs(bot):
    secret_phone, secret_name = "13904837261", "王秀兰"
    for message in (f"我叫{secret_name}，电话{secret_phone}，想问创业担保贷款", f"我的手机{secret_phone}\n2026-01-01 ERROR x",
                    "需要什么材料"):
        assert say(bot, "r8-private", message)
    time.sleep(1)
    written = [p for root in (bot.tmp, services.RUN_DIR, services.ROOT / "var") for p in root.rglob("*")
               if p.is_file() and p.stat().st_mtime >= STARTED and not p.name.startswith("tracker")]
    assert any(p.suffix == ".log" for p in written)
    for path in written:
        data = path.read_bytes()
        for secret in (secret_phone.encode(), secret_name.encode(), secret_name.encode("unicode_escape")):
            assert secret not in data, path
    # the scan would have seen it: the tracker store holds it (written a moment after the reply under load; a
    # journal file may hold it first)
    def stored() -> bytes:
        return b"".join(p.read_bytes() for p in bot.tmp.glob("tracker.db*") if p.is_file())
    deadline = time.monotonic() + 15
    while secret_phone.encode() not in stored() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert secret_phone.encode() in stored()
    for log in (bot.tmp / "logs").glob("*.log"):
        assert max(map(len, log.read_text(encoding="utf-8", errors="replace").splitlines()), default=0) < 10_000
        assert "\n2026-01-01 ERROR x" not in log.read_text(encoding="utf-8", errors="replace")


# -- kill tests -----------------------------------------------------------------------------------------------

def restored(bot, sender: str) -> bool:
    return "高新技术企业认定申请书" in say(bot, sender, "需要什么材料")


def timed_say(bot, sender: str, message: str) -> tuple[str, float]:
    started = time.perf_counter()
    text = say(bot, sender, message, timeout=15)
    return text, time.perf_counter() - started


@pytest.mark.parametrize("server, sig", [("actions", signal.SIGKILL), ("actions", signal.SIGSTOP),
                                         ("rasa", signal.SIGKILL)])
def test_kill_a_server_the_user_hears_back_and_the_conversation_goes_on(bot, server, sig):
    sender = f"kill-{server}-{sig.name}"
    # the supervisor has seen both servers answer (a process hung while still starting gets the start grace)
    wait_until(lambda: all(s.ready for s in bot.servers.values()), 60)
    assert "15万元" in say(bot, sender, "高新技术企业认定有什么奖励")
    victim = bot.servers[server].process
    os.kill(victim.pid, sig)
    text, seconds = timed_say(bot, sender, "电话呢")
    print(f"\n{server} {sig.name}: reply in {seconds:.1f} s: {text[:40]}")
    assert text and seconds < 10
    # the supervisor restarts it; then the conversation continues where it was (the SQLite tracker store)
    wait_until(lambda: bot.servers[server].process.pid != victim.pid, 30)
    wait_until(lambda: restored(bot, sender), 120, step=2)
    assert victim.poll() is not None  # the old process is gone, not left stopped
    answers_normally(bot, sender + "-new")


def test_the_action_server_refuses_a_public_address_without_a_token():
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "POLICYBOT_ACTION_TOKEN"}
    done = subprocess.run([str(services.APP_PYTHON), "-m", "actions.server", "--host", "0.0.0.0", "--port",
                           str(services.free_port())], cwd=services.ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0 and "POLICYBOT_ACTION_TOKEN" in done.stderr


def test_with_tokens_the_action_server_requires_each_for_its_role_and_rasa_sends_its_own(tmp_path):
    env = {**os.environ, "POLICYBOT_ACTION_TOKEN": "t0k-" + os.urandom(8).hex(),
           "POLICYBOT_AGENT_TOKEN": "agent-" + os.urandom(12).hex()}
    with services.Services(tracker_db=tmp_path / "tracker.db", quiet=True, env=env) as s:
        api = Client(s.action_url)
        token, agent = env["POLICYBOT_ACTION_TOKEN"], env["POLICYBOT_AGENT_TOKEN"]
        assert api.request("GET", "/api/ask?q=%E9%AB%98%E4%BC%81")[0] == 401
        assert api.request("GET", "/api/ask?q=%E9%AB%98%E4%BC%81&token=wrong")[0] == 401
        assert api.request("POST", "/webhook", b"{}")[0] == 401
        # the action token is Rasa's: it opens /webhook, not /api/; the agent token the reverse
        assert api.request("GET", "/api/ask?q=%E9%AB%98%E4%BC%81", None, {"Authorization": f"Bearer {token}"})[0] == 401
        assert api.request("POST", "/webhook", b"{}", {"Authorization": f"Bearer {agent}"})[0] == 401
        assert api.request("GET", "/api/ask?q=%E9%AB%98%E4%BC%81", None, {"Authorization": f"Bearer {agent}"})[0] == 200
        assert api.request("GET", "/api/ask?q=%E9%AB%98%E4%BC%81", None, {"X-Agent-Token": agent})[0] == 200
        assert api.request("GET", "/health")[0] == 200
        assert "15万元" in reply_text(s.say("tok", "高新技术企业认定有什么奖励"))  # Rasa's calls carry the token
        written = list(s.runtime_files)
        assert any(token in path.read_text(encoding="utf-8") for path in written)
    assert written and not any(path.exists() for path in written)  # the files holding the token went with the servers
