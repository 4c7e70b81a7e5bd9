"""Who may use the console and /api (actions/access.py) and how often (actions/ratelimit.py): plain functions with
a clock given, then the real action server on a port of its own."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from actions.access import COOKIE, MIN_TOKEN, AgentAccess, missing_tokens
from actions.ratelimit import RateLimiter, from_setting
from .action_server import request, start_server, stop_server

AGENT = "agent-" + "a1b2c3d4" * 3
ACTION = "action-" + "e5f6a7b8" * 3


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


# -- the rules, without a server ---------------------------------------------------------------------------------

def test_loopback_needs_no_token_any_other_address_needs_both():
    assert missing_tokens("127.0.0.1", None, None) == []
    assert missing_tokens("::1", None, None) == []
    missing = missing_tokens("0.0.0.0", None, None)
    assert any("POLICYBOT_ACTION_TOKEN" in m for m in missing) and any("POLICYBOT_AGENT_TOKEN" in m for m in missing)
    assert [m.split(" ")[0] for m in missing_tokens("192.168.1.5", ACTION, None)] == ["POLICYBOT_AGENT_TOKEN"]
    assert missing_tokens("192.168.1.5", ACTION, AGENT) == []


def test_the_two_tokens_must_differ_and_the_agent_token_be_long():
    assert any("differ" in m for m in missing_tokens("127.0.0.1", AGENT, AGENT))
    assert any("shorter" in m for m in missing_tokens("127.0.0.1", None, "x" * (MIN_TOKEN - 1)))


def test_the_agent_token_is_taken_from_either_header_and_nothing_else():
    access = AgentAccess(AGENT)
    assert access.allowed({"authorization": f"Bearer {AGENT}"}, None)
    assert access.allowed({"authorization": f"bearer {AGENT}"}, None)
    assert access.allowed({"x-agent-token": AGENT}, None)
    assert not access.allowed({}, None)
    assert not access.allowed({"authorization": "Bearer wrong"}, None)
    assert not access.allowed({"x-agent-token": AGENT[:-1]}, None)
    assert not access.allowed({"authorization": AGENT}, None)  # without the scheme
    assert AgentAccess(None).allowed({}, None)  # no token: open (loopback)


def test_a_login_cookie_is_signed_expires_and_dies_with_the_token():
    clock = Clock()
    access = AgentAccess(AGENT, ttl=3600, clock=clock)
    cookie = access.issue_cookie()
    assert AGENT not in cookie and access.cookie_ok(cookie) and access.allowed({}, cookie)
    expiry, nonce, signature = cookie.split(".")
    assert not access.cookie_ok(f"{int(expiry) + 9999}.{nonce}.{signature}")  # a later expiry is not signed
    assert not access.cookie_ok(f"{expiry}.{nonce}.{'0' * len(signature)}")
    assert not access.cookie_ok("") and not access.cookie_ok("garbage") and not access.cookie_ok("1.2.3")
    assert not AgentAccess(AGENT + "-rotated", clock=clock).cookie_ok(cookie)
    clock.now += 3599
    assert access.cookie_ok(cookie)
    clock.now += 2
    assert not access.cookie_ok(cookie)


def test_the_bucket_allows_a_burst_then_the_rate():
    clock = Clock()
    limiter = RateLimiter(rate=2, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a") == pytest.approx(0.5)
    assert limiter.take("b") == 0  # per client
    clock.now += 0.5
    assert limiter.take("a") == 0 and limiter.take("a") > 0
    clock.now += 100
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]  # refilled, never above the burst
    assert limiter.take("a") > 0


def test_the_bucket_forgets_clients_beyond_its_size():
    clock = Clock()
    limiter = RateLimiter(rate=1, burst=2, max_clients=3, clock=clock)
    for i in range(10):
        limiter.take(f"c{i}")
        clock.now += 0.1
    assert len(limiter) <= 3


def test_the_rate_setting():
    assert from_setting(None).rate == 2.0
    assert from_setting("off") is None
    limiter = from_setting("5/20")
    assert (limiter.rate, limiter.burst) == (5.0, 20)
    for bad in ("fast", "1/x", "-1/5", "nan/4"):
        with pytest.raises(ValueError):
            from_setting(bad)


# -- the real server ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def guarded():
    """The server as it runs beyond loopback: both tokens set (its rate limit is out of these tests' reach)."""
    proc, port = start_server({"POLICYBOT_AGENT_TOKEN": AGENT, "POLICYBOT_ACTION_TOKEN": ACTION,
                               "POLICYBOT_API_RATE": "100/1000"})
    yield port
    stop_server(proc)


ASK = "/api/ask?q=" + quote("高新企业奖多少钱")


@pytest.mark.slow
def test_api_and_console_need_the_agent_token(guarded):
    assert request(guarded, "GET", ASK)[0] == 401
    assert request(guarded, "GET", ASK, headers={"Authorization": "Bearer wrong"})[0] == 401
    assert request(guarded, "GET", ASK, headers={"Authorization": f"Bearer {ACTION}"})[0] == 401  # the other role
    assert request(guarded, "GET", ASK + "&token=" + AGENT)[0] == 401  # never in a URL
    status, body, _ = request(guarded, "GET", ASK, headers={"Authorization": f"Bearer {AGENT}"})
    assert status == 200 and "15万元" in json.loads(body)["card"]["answer"]
    assert request(guarded, "GET", "/api/facts", headers={"X-Agent-Token": AGENT})[0] == 200
    status, _, resp = request(guarded, "GET", "/console/")
    assert status == 303 and resp.getheader("Location") == "/console/login"
    assert request(guarded, "GET", "/console/console.js")[0] == 303
    assert request(guarded, "GET", "/console/login")[0] == 200
    assert request(guarded, "GET", "/health")[0] == 200 and request(guarded, "GET", "/api/health")[0] == 200


@pytest.mark.slow
def test_the_webhook_needs_the_action_token_not_the_agent_s(guarded):
    assert request(guarded, "POST", "/webhook", b"{}")[0] == 401
    assert request(guarded, "POST", "/webhook", b"{}", {"Authorization": f"Bearer {AGENT}"})[0] == 401
    assert request(guarded, "POST", f"/webhook?token={ACTION}", b"{}")[0] == 400  # through: not an action call


@pytest.mark.slow
def test_login_sets_a_strict_http_only_cookie_that_opens_the_console(guarded):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, body, _ = request(guarded, "POST", "/console/login", "token=wrong", form)
    assert status == 401 and "口令不正确" in body.decode() and "wrong" not in body.decode()
    status, _, resp = request(guarded, "POST", "/console/login", "token=" + quote(AGENT), form)
    assert status == 303 and resp.getheader("Location") == "/console/"
    set_cookie = resp.getheader("Set-Cookie")
    assert set_cookie.startswith(f"{COOKIE}=") and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    assert "Max-Age=" in set_cookie and AGENT not in set_cookie
    cookie = {"Cookie": set_cookie.split(";", 1)[0]}
    status, body, resp = request(guarded, "GET", "/console/", headers=cookie)
    assert status == 200 and "政策热线坐席台" in body.decode()
    assert "script-src 'self'" in resp.getheader("Content-Security-Policy")
    assert request(guarded, "GET", ASK, headers=cookie)[0] == 200
    forged = {"Cookie": cookie["Cookie"][:-4] + "0000"}
    assert request(guarded, "GET", ASK, headers=forged)[0] == 401
    status, _, resp = request(guarded, "POST", "/console/logout", headers=cookie)
    assert status == 303 and "Max-Age=0" in resp.getheader("Set-Cookie")


@pytest.fixture
def limited():
    """A server of its own with a small rate limit, so that emptying its bucket touches no other test."""
    proc, port = start_server({"POLICYBOT_AGENT_TOKEN": AGENT, "POLICYBOT_API_RATE": "1/20"})
    yield port
    stop_server(proc)


@pytest.mark.slow
def test_too_many_requests_from_one_client_get_429(limited):
    headers = {"Authorization": f"Bearer {AGENT}"}
    statuses = [request(limited, "GET", "/api/entries/1", headers=headers)[0] for _ in range(30)]
    assert statuses[:20] == [200] * 20 and 429 in statuses[20:]
    status, body, resp = request(limited, "GET", "/api/entries/1", headers=headers)
    assert status == 429 and json.loads(body) == {"error": "too many requests; wait a moment"}
    assert int(resp.getheader("Retry-After")) >= 1
    assert request(limited, "GET", "/health")[0] == 200  # the supervisor's check is never limited
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert request(limited, "POST", "/console/login", "token=guess", form)[0] == 429  # guessing is limited too


@pytest.mark.slow
@pytest.mark.parametrize("env, missing", [({}, ["POLICYBOT_ACTION_TOKEN", "POLICYBOT_AGENT_TOKEN"]),
                                          ({"POLICYBOT_ACTION_TOKEN": ACTION}, ["POLICYBOT_AGENT_TOKEN"])])
def test_beyond_loopback_the_server_refuses_to_start_without_both_tokens(env, missing):
    with pytest.raises(RuntimeError) as err:
        start_server(env, host="0.0.0.0")
    for name in missing:
        assert name in str(err.value)
