"""Locust users for `make bench` and the load test (ops/load.py runs this headless, bounded by --run-time).

Each simulated user holds one conversation at a time over the REST channel: a conversation drawn from the dev
conversations (POLICYBOT_LOAD_CONVERSATIONS, default tests/data/dev_conversations.jsonl, a copy of
../shared/eval/dev_conversations.jsonl), played turn by turn with a fresh sender id, each turn sent when the reply
to the last one came back (a closed loop, no think time: the figures are the server's capacity). A reply that is the
apology, or not a one-message JSON list, counts as a failure. Loopback only: the host must be 127.x or localhost.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = Path(os.environ.get("POLICYBOT_LOAD_CONVERSATIONS", ROOT / "tests" / "data" / "dev_conversations.jsonl"))
APOLOGY_START = "抱歉，系统暂时忙"


def load_scripts(path: Path = CONVERSATIONS) -> list[list[str]]:
    scripts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            turns = [t["user"] for t in json.loads(line)["turns"] if t.get("user")]
            if turns:
                scripts.append(turns)
    return scripts


SCRIPTS = load_scripts()


@events.init.add_listener
def loopback_only(environment, **_):
    host = urlsplit(environment.host or "").hostname or ""
    if not (host == "localhost" or host.startswith("127.")):
        raise SystemExit(f"load tests run against this machine only (127.0.0.0/8 or localhost), not {host!r}")


class Conversation(FastHttpUser):
    """One user: conversations one after another, each turn waiting for the reply to the one before."""

    connection_timeout = 10.0
    network_timeout = 30.0

    @task
    def converse(self) -> None:
        sender = f"load-{uuid.uuid4().hex[:16]}"
        for text in random.choice(SCRIPTS):
            with self.client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                  name="turn", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"status {r.status_code}")
                    continue
                try:
                    reply = json.loads(r.content)
                    ok = isinstance(reply, list) and len(reply) == 1 and reply[0].get("text")
                except ValueError:
                    ok = False
                if not ok:
                    r.failure("not one message")
                elif reply[0]["text"].startswith(APOLOGY_START):
                    r.failure("apology")
                else:
                    r.success()
