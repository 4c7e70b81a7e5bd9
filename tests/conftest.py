"""Shared fixtures. A session in which no test passed fails, so CI never reports green on an empty run."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

from knowledge import store
from knowledge.records import Record

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GUIDE = ROOT / "knowledge" / "sources" / "000_e1d845096e57fa27.txt"


@pytest.fixture(scope="session")
def records(tmp_path_factory) -> list[Record]:
    """The knowledge base built from the real sources into a scratch directory."""
    path = tmp_path_factory.mktemp("kb") / "knowledge.json"
    return store.build([GUIDE], path)


@pytest.fixture(scope="session")
def by_id(records) -> dict[int, Record]:
    return {r.id: r for r in records}


@pytest.fixture(scope="session")
def built() -> None:
    """The project's knowledge base and index, built when missing or stale (a no-op after `make build`): serving
    code only loads them."""
    from policybot.knowledge_base import build_all

    build_all()


@pytest.fixture(scope="session")
def assistant(built):
    """The project's assistant over the project's build."""
    from policybot.assistant import get_assistant

    return get_assistant()


def guide_phones() -> set[str]:
    import re

    text = GUIDE.read_text(encoding="utf-8")
    found = re.findall(r"0\d{2,3}\s*[-—–]\s*\d{7,8}|(?<!\d)1[3-9]\d{9}(?!\d)|(?<![\d.])123\d{2}(?![\d.])", text)
    return {re.sub(r"\s*[-—–]\s*", "-", p) for p in found}


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


SHARED_SERVERS = ("rest_bot", "front_bot", "wechat_bot")  # the session fixtures below


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    """For pytest-xdist's `--dist loadgroup` (`make test` runs the suite on both cores): one worker runs a whole
    module, so that its module-scoped servers start once, and the tests that use one of the session's shared servers
    run on one worker, so that they start once too. The longest groups go first — the shared servers' (several modules
    each), then the other modules that start servers — so that no long one is left to run alone at the end (`make
    test` passes `--no-loadscope-reorder`, so xdist keeps this order)."""
    for item in items:
        shared = [name for name in SHARED_SERVERS if name in item.fixturenames]
        item.add_marker(pytest.mark.xdist_group(shared[0] if shared else item.nodeid.split("::")[0]))
    # a stable sort: file order within each part
    items.sort(key=lambda item: (not any(name in item.fixturenames for name in SHARED_SERVERS),
                                 item.get_closest_marker("slow") is None))


def pytest_collection_finish(session):
    """xdist marks a grouped test by a suffix on its node id; where that does not take effect (pytest-xdist#1386,
    pytest 9.2) the tests are spread one by one and each worker starts its own servers: slower, still correct."""
    if getattr(session.config.option, "loadgroup", False) and session.items and "@" not in session.items[0].nodeid:
        warnings.warn(pytest.PytestWarning("pytest-xdist did not group the tests (--dist loadgroup): each worker "
                                           "starts the servers its tests need; see requirements/app.in"))


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    passed = len(reporter.stats.get("passed", [])) if reporter else 0
    if exitstatus == 0 and passed == 0:
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED


@pytest.fixture(scope="session")
def wechat_bot(built, tmp_path_factory):
    """The bot with the WeChat channel on, its customer-service fake and the action proxy (tests/wechat_fixtures.py),
    shared by the WeChat end-to-end and fuzz tests."""
    from .wechat_fixtures import WeChatBot

    bot = WeChatBot(tmp_path_factory.mktemp("wechat") / "tracker.db").start()
    yield bot
    bot.stop()


# -- the servers, started once per session (per pytest-xdist worker) and shared by the modules that only talk to them:
# a Rasa server's start costs ~10 s of a core, and each of these modules used to start its own.

@pytest.fixture(scope="session")
def rest_bot(built, tmp_path_factory):
    """Both servers as `make run` starts them but without the front, the /api rate limit off (the fuzz tests send
    thousands of requests from one client; tests/test_access.py checks the limit on a server of its own)."""
    from ops import services

    services.train()  # a no-op when `make test` trained it already
    with services.Services(tracker_db=tmp_path_factory.mktemp("rest") / "tracker.db", quiet=True,
                           env={**os.environ, "POLICYBOT_API_RATE": "off"}) as s:
        yield s


WEBCHAT_SECRET = "browser-test-secret-0123456789-abcdefghij"
WEBCHAT_ORIGIN = "https://portal.example.gov.cn"


@pytest.fixture(scope="session")
def front_bot(built, tmp_path_factory):
    """The single-machine default of `make run` — the front on the public port, Rasa behind it — with the website
    widget's signing secret and one allowed origin set, and each server's log in a file."""
    from ops import services

    services.train()
    tmp = tmp_path_factory.mktemp("front")
    env = {**os.environ, "POLICYBOT_WEBCHAT_SECRET": WEBCHAT_SECRET, "POLICYBOT_CORS_ORIGINS": WEBCHAT_ORIGIN}
    with services.Services(tracker_db=tmp / "tracker.db", front=True, log_dir=tmp / "log", env=env) as s:
        yield s
