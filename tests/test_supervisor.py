"""The supervisor's decisions (ops.services.verdict, backoff) and the retention of conversations."""

from __future__ import annotations

import sqlite3
import time

import pytest

from ops.retention import purge_sqlite, retention_days
from ops.services import backoff, verdict

RULES = {"start_grace": 180, "max_failures": 2}


@pytest.mark.parametrize("alive, ok, ready, failures, age, want", [
    (False, False, True, 0, 500, "restart"),  # exited
    (True, True, True, 0, 500, "ok"),
    (True, False, False, 1, 20, "wait"),  # still loading its model
    (True, False, False, 50, 200, "restart"),  # never came up
    (True, False, True, 1, 500, "wait"),  # one slow answer is not a hang
    (True, False, True, 2, 500, "restart"),  # hung (SIGSTOP): two checks in a row
])
def test_verdict(alive, ok, ready, failures, age, want):
    assert verdict(alive, ok, ready, failures, age, **RULES) == want


def test_backoff_doubles_for_a_server_that_keeps_dying():
    now = 1000.0
    assert backoff([], now) == 0
    assert backoff([now - 1], now) == pytest.approx(1.0)
    assert backoff([now - 30, now - 20, now - 10, now - 1], now) == pytest.approx(15.0)
    assert backoff([now - 400], now) == 0  # long ago: restart at once
    assert backoff([now - i for i in range(20)], now) <= 60


def make_tracker(path, rows):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, "
                "data TEXT)")
    con.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)", rows)
    con.commit()
    con.close()


def test_retention_deletes_idle_conversations_only(tmp_path):
    db = tmp_path / "tracker.db"
    now = time.time()
    make_tracker(db, [("old", now - 40 * 86400, "电话13912345678"), ("old", now - 35 * 86400, "x"),
                      ("active", now - 40 * 86400, "a"), ("active", now - 60, "b")])
    assert purge_sqlite(db, 30, now) == 1
    con = sqlite3.connect(db)
    assert {r[0] for r in con.execute("SELECT DISTINCT sender_id FROM events")} == {"active"}
    con.close()
    assert b"13912345678" not in db.read_bytes()  # overwritten, not left in a free page


def test_retention_setting():
    assert retention_days({}) == 30
    assert retention_days({"POLICYBOT_RETENTION_DAYS": "7"}) == 7
    assert retention_days({"POLICYBOT_RETENTION_DAYS": "abc"}) == 30


def test_retention_with_no_database_or_zero_days(tmp_path):
    assert purge_sqlite(tmp_path / "none.db", 30) == 0
    make_tracker(tmp_path / "t.db", [("a", 0.0, "x")])
    assert purge_sqlite(tmp_path / "t.db", 0) == 0
