"""Property-based requests (hypothesis) against the real servers: ≥ 10,000 to the REST channel and ≥ 2,000 to each
/api endpoint — types, lengths, unicode with lone surrogates and control characters, JSON shapes, "/" payloads,
markup. Every response is below 500, JSON, short when an error, and never carries back markup a client sent; both
servers are still the same processes at the end and answer normally.

Most generated requests are malformed and refused before the NLU, so the run takes a few minutes."""

from __future__ import annotations

import json
import string
from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .robust_client import Client, check_response, rss_peak_mb

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

REST_EXAMPLES = 10_000
API_EXAMPLES = 2_000
COUNT: Counter = Counter()

def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                    derandomize=True, suppress_health_check=list(HealthCheck))

any_char = st.characters(exclude_categories=())  # surrogates and control characters too
text = st.text(any_char, max_size=40)
markup = st.sampled_from(["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "<b>高企</b>",
                          "<a href='javascript:x'>点</a>", "<svg/onload=1>"])
words = st.sampled_from(["高新技术企业", "奖励", "材料", "电话", "崇军贷", "额济纳旗", "多少钱", "个体户", "转人工", "还有别的吗",
                         "有什么政策适合我", "2", "算了", "不清楚", "你好", "/restart", "/session_start",
                         '/inform{"entity_type": "个体工商户"}', '/choose_option{"option": "17"}', "/start_matching"])
message_text = st.one_of(
    st.lists(st.one_of(words, markup, text), max_size=6).map("".join),
    st.builds(lambda w, n: w * n, words, st.integers(1, 120)),  # up to and past the 500-character limit
    st.builds(lambda p, m: p + json.dumps(m), st.sampled_from(["/inform", "/choose_option", "/restart"]),
              st.dictionaries(st.sampled_from(["entity_type", "option", "x"]), st.one_of(markup, text), max_size=2)),
)
json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
                          max_leaves=6)
# fuzz[A-Za-z0-9_.:@-]{1,8}, drawn as text: the same strings, and st.from_regex costs a tenth of the generation
good_sender = st.text(string.ascii_letters + string.digits + "_.:@-", min_size=1, max_size=8).map("fuzz".__add__)
sender = st.one_of(good_sender, text, json_value, st.text(any_char, min_size=60, max_size=80))


def dumps(value, ensure_ascii: bool) -> bytes:
    # ensure_ascii=True writes lone surrogates as \ud800 escapes, False as raw (invalid) UTF-8 bytes
    return json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")


rest_body = st.one_of(
    st.builds(lambda s, m, a: (dumps({"sender": s, "message": m}, a), m), good_sender, message_text, st.booleans()),
    st.builds(lambda s, m, a: (dumps({"sender": s, "message": m}, a), str(m)), sender,
              st.one_of(message_text, json_value), st.booleans()),
    st.builds(lambda v, a: (dumps(v, a), str(v)), json_value, st.booleans()),
    st.builds(lambda b: (b, b.decode("utf-8", "replace")), st.binary(max_size=200)),
    st.builds(lambda m: (dumps({"sender": "fuzz-big", "message": m}, True), m),
              st.builds(lambda w, n: w * n, words, st.integers(500, 3000))),
)


@pytest.fixture(scope="module")
def bot(rest_bot):
    """The session's servers, whose /api rate limit is off: the generated requests are to reach the handlers, not
    the limiter's 429."""
    rest_bot.client = Client(rest_bot.rasa_url)
    rest_bot.api = Client(rest_bot.action_url)
    return rest_bot


def test_rest_channel(bot):
    pids = [p.pid for p in bot.processes]

    @fuzz(REST_EXAMPLES)
    @given(case=rest_body, stream=st.booleans())
    def run(case, stream):
        body, sent = case
        status, data, _ = bot.client.request("POST", "/webhooks/rest/webhook" + ("?stream=true" if stream else ""),
                                             body)
        COUNT["rest"] += 1
        check_response(status, data, sent)

    run()
    print(f"\nREST channel: {COUNT['rest']} generated requests")
    assert COUNT["rest"] >= REST_EXAMPLES
    assert [p.pid for p in bot.processes] == pids and all(p.poll() is None for p in bot.processes)
    assert "15万元" in "".join(r.get("text", "") for r in bot.say("fuzz-after", "高新技术企业认定有什么奖励"))
    peak = rss_peak_mb(bot.servers["rasa"].process.pid)
    print(f"Rasa peak RSS after the generated requests: {peak:.0f} MB")
    assert peak < 2048


query_value = st.one_of(message_text, text, st.integers().map(str), st.text(any_char, min_size=480, max_size=600))


def query(params: dict) -> str:
    return "&".join(f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'))}" for k, v in params.items())


def api_case(path: str):
    get = st.builds(lambda p: ("GET", f"{path}?{query(p)}", None, json.dumps(p)),
                    st.dictionaries(st.sampled_from(["q", "region", "k", "x"]), query_value, max_size=3))
    post = st.builds(lambda v, a: ("POST", path, dumps(v, a), str(v)),
                     st.one_of(json_value, st.dictionaries(st.sampled_from(["q", "region", "k", "profile"]),
                                                          st.one_of(json_value, message_text), max_size=3)),
                     st.booleans())
    raw = st.builds(lambda m, b: (m, path, b, b.decode("utf-8", "replace")),
                    st.sampled_from(["POST", "PUT", "DELETE", "PATCH"]), st.binary(max_size=100))
    return st.one_of(get, post, raw)


profile_value = st.one_of(json_value, st.sampled_from(["企业", "个体工商户", "<img src=x>", "退役军人", True]),
                          st.lists(st.sampled_from(["退役军人", "高校毕业生", "<b>"]), max_size=3))
facts = st.sampled_from(["entity_type", "enterprise_size", "sector", "is_veteran", "owner_groups", "hires",
                         "credit_issue", "region", "<img src=x>", ""])
API_CASES = {
    "/api/ask": api_case("/api/ask"),
    "/api/search": api_case("/api/search"),
    "/api/entries": st.builds(lambda e: ("GET", f"/api/entries/{quote(e.encode('utf-8', 'surrogatepass'), safe='')}",
                                         None, e),
                              st.one_of(st.integers(-5, 100).map(str), text.filter(bool), st.just("17"))),
    "/api/match": st.one_of(
        st.builds(lambda p, a: ("POST", "/api/match", dumps({"profile": p}, a), str(p)),
                  st.one_of(json_value, st.dictionaries(facts, profile_value, max_size=4)), st.booleans()),
        api_case("/api/match")),
}


@pytest.mark.parametrize("endpoint", list(API_CASES))
def test_api_endpoint(bot, endpoint):
    pid = bot.servers["actions"].process.pid

    @fuzz(API_EXAMPLES)
    @given(case=API_CASES[endpoint])
    def run(case):
        method, path, body, sent = case
        status, data, _ = bot.api.request(method, path, body)
        COUNT[endpoint] += 1
        check_response(status, data, sent + path)

    run()
    print(f"\n{endpoint}: {COUNT[endpoint]} generated requests")
    assert COUNT[endpoint] >= API_EXAMPLES
    assert bot.servers["actions"].process.pid == pid and bot.servers["actions"].process.poll() is None
