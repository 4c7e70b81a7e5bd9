"""`make bench`: every figure of the README's "Measured" tables in one run, written to benchmarks/results.json.

1. retrieval (`policybot bench`: latency and quality of hybrid, lexical and dense search);
2. the single-machine default (`make run`: SQLite, in-memory lock store, one Rasa and one action server) under
   1, 8, 32 and 64 concurrent conversations (ops/load.py, locust), then the resident memory of each process — once
   with Rasa as it ships ("before", POLICYBOT_RASA_SPEEDUPS=0) and once with bot/rasa_speedups.py;
3. the same for the scaled-out set (`make run-cluster`: nginx, two Rasa and two action servers, PostgreSQL, Redis);
4. Rasa training time (a full `rasa train` into a scratch directory, Rasa's component cache empty; `--no-train`
   leaves it out).

    python -m ops.loadbench [--users 1 8 32 64] [--seconds 30] [--no-train] [--no-retrieval]
                            [--configs single-before single cluster cluster-before]

Measure on a quiet machine: every process here shares the same cores with the load generator itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from .load import run_load
from .services import APP_PYTHON, RASA, RASA_ENV, ROOT, Services, train

RESULTS = ROOT / "benchmarks" / "results.json"
CONFIGS = {
    "single-before": "single machine as before this work (make run, Rasa as it ships: POLICYBOT_RASA_SPEEDUPS=0)",
    "single": "single machine (make run: SQLite, in-memory locks, 1 Rasa + 1 action server)",
    "cluster": "scaled out (make run-cluster: nginx, 2 Rasa + 2 action servers, PostgreSQL, Redis)",
    "cluster-before": "scaled out, Rasa as it ships (POLICYBOT_RASA_SPEEDUPS=0)",
}


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (PostgreSQL's backends, nginx's worker), in MB."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
        return round(sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20, 1)
    except psutil.Error:
        return float("nan")


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "load_average_at_start": os.getloadavg()}


def measure(services: Services, users: list[int], seconds: float) -> dict:
    runs = []
    for n in users:
        result = run_load(services.rasa_url, n, seconds)
        print(f"  {result.line()}", flush=True)
        runs.append(asdict(result))
    memory = {name: rss_mb(s.process.pid) for name, s in services.servers.items() if s.process is not None}
    print("  resident memory MB: " + ", ".join(f"{k} {v:.0f}" for k, v in memory.items()), flush=True)
    return {"load": runs, "rss_mb": memory}


def warm_up(services: Services) -> None:
    for i in range(6):  # the first turns of a fresh server load lazily (TensorFlow graphs, the index)
        services.say(f"bench-warm-{i}", "高新技术企业认定有什么奖励")


def retrieval() -> dict:
    done = subprocess.run([str(APP_PYTHON), "-m", "ops.cli", "bench", "--queries", "300"], cwd=ROOT,
                          capture_output=True, text=True)
    print("\n".join(line for line in done.stdout.splitlines() if not line.startswith("{")), flush=True)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": done.stderr.strip()[-500:]}


def training_time() -> dict:
    with tempfile.TemporaryDirectory(prefix="policybot-train-") as tmp:
        started = time.perf_counter()
        # an empty component cache: Rasa would otherwise reuse the NLU pipeline trained for the last model
        done = subprocess.run([*RASA, "train", "--domain", "domain.yml", "--data",
                               "bot/data", "--config", "config.yml", "--out", tmp, "--quiet"], cwd=ROOT,
                              env={**os.environ, **RASA_ENV, "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache")},
                              capture_output=True, text=True)
        seconds = round(time.perf_counter() - started, 1)
    return {"seconds": seconds, "ok": done.returncode == 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--no-train", action="store_true")
    parser.add_argument("--no-retrieval", action="store_true")
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=["single-before", "single", "cluster"])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    train()
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(), "seconds_per_level":
                     args.seconds}
    if not args.no_retrieval:
        print("== retrieval (policybot bench)", flush=True)
        results["retrieval"] = retrieval()
    for config in args.configs:
        before = config.endswith("-before")
        env = {**os.environ, "POLICYBOT_RASA_SPEEDUPS": "0" if before else "1"}
        print(f"== {CONFIGS[config]}", flush=True)
        with tempfile.TemporaryDirectory(prefix="policybot-bench-") as tmp:
            if config.startswith("single"):
                server = Services(tracker_db=Path(tmp) / "tracker.db", front=True, log_dir=Path(tmp) / "log", env=env)
            else:
                from .cluster import Cluster

                server = Cluster(env=env, log_dir=Path(tmp) / "log")
            with server:
                warm_up(server)
                results[config] = measure(server, args.users, args.seconds)
    if not args.no_train:
        print("== Rasa training (full, into a scratch directory)", flush=True)
        results["training"] = training_time()
        print(f"  {results['training']['seconds']} s", flush=True)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
