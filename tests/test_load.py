"""The load test's short form (the full one is `make bench`): locust holding 8 concurrent dev conversations over the
REST channel of the single-machine default (`make run`: front, Rasa, action server, SQLite) for 5 seconds. Every
turn must come back as one message that is not the apology. The scaled-out set's run is in tests/test_cluster.py."""

from __future__ import annotations

import pytest

from ops.load import check_loopback, run_load

pytestmark = [pytest.mark.slow, pytest.mark.rasa]


def test_the_load_generator_targets_this_machine_only():
    check_loopback("http://127.0.0.1:5005")
    check_loopback("http://localhost:5005")
    for url in ("http://10.0.0.5:5005", "http://example.org", "http://192.168.1.2"):
        with pytest.raises(ValueError):
            check_loopback(url)


def test_eight_conversations_at_once_on_the_single_machine_default(front_bot):
    front_bot.say("load-warm", "高新技术企业认定有什么奖励")
    result = run_load(front_bot.rasa_url, users=8, seconds=5)
    print(f"\nsingle machine, {result.line()}")
    assert result.requests > 20 and result.failures == 0, result.failure_kinds
    assert result.p95_ms < 8000  # the turn timeout: nobody waited for the apology
