"""How long conversations are kept: a conversation (all events of a sender) whose last event is older than the
retention is deleted from the SQLite tracker store. POLICYBOT_RETENTION_DAYS (30; 0 keeps everything)."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

DEFAULT_DAYS = 30.0


def retention_days(env: dict[str, str] | None = None) -> float:
    env = os.environ if env is None else env
    try:
        return max(0.0, float(env.get("POLICYBOT_RETENTION_DAYS", DEFAULT_DAYS)))
    except ValueError:
        return DEFAULT_DAYS


def purge_sqlite(db: Path, days: float, now: float | None = None) -> int:
    """Delete the conversations idle for more than `days`; the number of senders removed. Deleted rows are
    overwritten (secure_delete), so the text does not linger in the file's free pages."""
    if days <= 0 or not Path(db).exists():
        return 0
    cutoff = (time.time() if now is None else now) - days * 86400
    with closing(sqlite3.connect(db, timeout=10)) as con, con:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='events'").fetchone():
            return 0
        con.execute("PRAGMA secure_delete = ON")
        old = [r[0] for r in con.execute(
            "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < ?", (cutoff,))]
        con.executemany("DELETE FROM events WHERE sender_id = ?", [(s,) for s in old])
    with closing(sqlite3.connect(db, timeout=10)) as con:
        # the Rasa server writes with a write-ahead log (bot/rasa_speedups.py): fold it into the file and empty it,
        # so the deleted text does not linger there either
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(old)
