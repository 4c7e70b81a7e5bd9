"""Load over the REST channel with locust, headless: N users each holding a multi-turn conversation drawn from the
dev conversations (benchmarks/locustfile.py), for a bounded time; the figures as a `LoadResult`.

    python -m ops.load --url http://127.0.0.1:5005 --users 8 --seconds 30

Locust runs as a subprocess (its gevent must not patch the caller), stopping by itself after `--run-time`; the
statistics are reset once all users are running, so the figures cover the steady state only.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .services import APP_PYTHON, ROOT

LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"


@dataclass
class LoadResult:
    users: int
    seconds: float
    requests: int
    failures: int
    replies_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    failure_kinds: dict[str, int]

    def line(self) -> str:
        return (f"{self.users:3d} users: {self.replies_per_s:5.1f} replies/s, p50 {self.p50_ms:.0f} ms, "
                f"p95 {self.p95_ms:.0f} ms, p99 {self.p99_ms:.0f} ms, {self.failures} failed of {self.requests}")


def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.")):
        raise ValueError(f"load tests run against this machine only (127.0.0.0/8 or localhost), not {host!r}")


def run_load(url: str, users: int, seconds: float, *, timeout_margin: float = 60) -> LoadResult:
    """`users` concurrent conversations against `url` for `seconds` (after all users started)."""
    check_loopback(url)
    with tempfile.TemporaryDirectory(prefix="policybot-load-") as tmp:
        prefix = Path(tmp) / "run"
        cmd = [str(APP_PYTHON), "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", url,
               "--users", str(users), "--spawn-rate", str(max(users, 1)), "--run-time", f"{int(round(seconds))}s",
               "--stop-timeout", "10", "--reset-stats", "--csv", str(prefix), "--only-summary", "--loglevel",
               "WARNING", "--exit-code-on-error", "0"]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=seconds + timeout_margin)
        stats = prefix.with_name("run_stats.csv")
        if not stats.exists():
            raise RuntimeError(f"locust wrote no statistics (exit {done.returncode}): {done.stderr[-800:]}")
        rows = {row["Name"]: row for row in csv.DictReader(stats.open(encoding="utf-8"))}
        total = rows.get("Aggregated") or rows.get("turn")
        kinds: dict[str, int] = {}
        failures_csv = prefix.with_name("run_failures.csv")
        if failures_csv.exists():
            for row in csv.DictReader(failures_csv.open(encoding="utf-8")):
                kinds[row["Error"]] = kinds.get(row["Error"], 0) + int(row["Occurrences"])
    requests = int(total["Request Count"])
    return LoadResult(
        users=users, seconds=seconds, requests=requests, failures=int(total["Failure Count"]),
        replies_per_s=round(float(total["Requests/s"]), 2),
        p50_ms=float(total["50%"] if total["50%"] != "N/A" else "nan"),
        p95_ms=float(total["95%"] if total["95%"] != "N/A" else "nan"),
        p99_ms=float(total["99%"] if total["99%"] != "N/A" else "nan"),
        max_ms=round(float(total["Max Response Time"] or "nan")), failure_kinds=kinds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    for users in args.users:
        result = run_load(args.url, users, args.seconds)
        print(json.dumps(asdict(result), ensure_ascii=False) if args.json else result.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
