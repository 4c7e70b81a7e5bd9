"""Train the Rasa model when its inputs changed, and run the Rasa server and the action server together.

    python -m policybot.services train            # (re)train models/policybot.tar.gz if its inputs changed
    python -m policybot.services run              # both servers in the foreground; Ctrl-C stops both
    python -m policybot.services endpoints        # print the runtime endpoints.yml

`make run` calls `run`. Ports: RASA_PORT (5005), ACTION_SERVER_PORT (5055); the runtime endpoints file is written
from endpoints.yml with the action-server URL and the tracker and lock stores taken from the environment
(see endpoints.yml). Tests use `Services` to start both on free ports and stop them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
MODEL_DIR = ROOT / "models"
MODEL = MODEL_DIR / "policybot.tar.gz"
MODEL_HASH = MODEL_DIR / "policybot.inputs"
RUN_DIR = ROOT / "var" / "run"
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}


def training_inputs() -> list[Path]:
    files = [ROOT / "config.yml", ROOT / "domain.yml", ROOT / "requirements" / "rasa.lock"]
    files += sorted((ROOT / "bot" / "data").rglob("*.yml"))
    files += sorted((ROOT / "index" / "build" / "jieba").glob("*"))
    return files


def training_hash() -> str:
    h = hashlib.sha256()
    for path in training_inputs():
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def model_cache() -> Path:
    from .settings import settings

    return settings().cache_dir / "rasa-models"


def train(force: bool = False) -> bool:
    """Train the Rasa model unless one exists for the current inputs (here or in the cache outside the
    checkout, keyed by the inputs' hash, so a fresh clone reuses it); True when it trained."""
    want = training_hash()
    if not force and MODEL.exists() and MODEL_HASH.exists() and MODEL_HASH.read_text().strip() == want:
        return False
    cached = model_cache() / f"{want[:20]}.tar.gz"
    if not force and cached.exists():
        MODEL_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, MODEL)
        MODEL_HASH.write_text(want + "\n")
        print(f"Rasa model for these inputs taken from {cached}", flush=True)
        return False
    started = time.perf_counter()
    print("Training the Rasa model (its inputs changed) …", flush=True)
    subprocess.run(
        [str(RASA_PYTHON), "-m", "rasa", "train", "--domain", "domain.yml", "--data", "bot/data",
         "--config", "config.yml", "--out", str(MODEL_DIR), "--fixed-model-name", "policybot", "--quiet"],
        cwd=ROOT, env={**os.environ, **RASA_ENV}, check=True,
    )
    MODEL_HASH.write_text(want + "\n")
    model_cache().mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".part")
    shutil.copyfile(MODEL, tmp)
    tmp.replace(cached)
    print(f"Rasa model trained in {time.perf_counter() - started:.0f} s → {MODEL.relative_to(ROOT)}", flush=True)
    return True


def runtime_endpoints(action_url: str, env: dict[str, str] | None = None) -> dict:
    """endpoints.yml with the action server URL and the stores chosen by the environment."""
    env = dict(os.environ if env is None else env)
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    config["action_endpoint"] = {"url": env.get("ACTION_SERVER_URL", action_url)}
    dialect = env.get("TRACKER_DB_DIALECT")
    if dialect and dialect != "sqlite":
        config["tracker_store"] = {
            "type": "SQL", "dialect": dialect, "url": env.get("TRACKER_DB_HOST", "localhost"),
            "port": int(env.get("TRACKER_DB_PORT", 5432)), "db": env.get("TRACKER_DB_NAME", "rasa"),
            "username": env.get("TRACKER_DB_USER", "rasa"), "password": env.get("TRACKER_DB_PASSWORD", ""),
        }
    else:
        db = Path(env.get("TRACKER_DB_PATH", config.get("tracker_store", {}).get("db", "var/tracker.db")))
        db = db if db.is_absolute() else ROOT / db
        db.parent.mkdir(parents=True, exist_ok=True)
        # conversations hold what users typed (names, phones): readable by the service's own user only
        os.close(os.open(db, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(db, 0o600)
        config["tracker_store"] = {"type": "SQL", "dialect": "sqlite", "db": str(db)}
    if env.get("LOCK_STORE_REDIS_HOST"):
        config["lock_store"] = {
            "type": "redis", "url": env["LOCK_STORE_REDIS_HOST"], "port": int(env.get("LOCK_STORE_REDIS_PORT", 6379)),
            "db": int(env.get("LOCK_STORE_REDIS_DB", 1)), "password": env.get("LOCK_STORE_REDIS_PASSWORD") or None,
        }
    return config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with status {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url}: no answer within {timeout:.0f} s")


class Services:
    """Both servers as child processes; a context manager that stops them on exit."""

    def __init__(self, rasa_port: int | None = None, action_port: int | None = None, *,
                 tracker_db: Path | None = None, quiet: bool = False, interface: str = "127.0.0.1"):
        self.rasa_port = rasa_port or free_port()
        self.action_port = action_port or free_port()
        self.tracker_db = tracker_db
        self.quiet = quiet
        self.interface = interface
        self.processes: list[subprocess.Popen] = []

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def _spawn(self, cmd: Sequence[str], env: dict[str, str]) -> subprocess.Popen:
        out = subprocess.DEVNULL if self.quiet else None
        proc = subprocess.Popen([str(c) for c in cmd], cwd=ROOT, env={**os.environ, **env}, stdout=out,
                                stderr=subprocess.STDOUT if self.quiet else None, start_new_session=True)
        self.processes.append(proc)
        return proc

    def start(self, timeout: float = 180) -> "Services":
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        env = {"TRACKER_DB_PATH": str(self.tracker_db)} if self.tracker_db else {}
        endpoints = RUN_DIR / f"endpoints-{self.rasa_port}.yml"
        endpoints.write_text(yaml.safe_dump(runtime_endpoints(f"{self.action_url}/webhook", {**os.environ, **env}),
                                            allow_unicode=True), encoding="utf-8")
        actions = self._spawn([APP_PYTHON, "-m", "actions.server", "--port", str(self.action_port),
                               "--host", self.interface], {})
        # Browsers may call the REST channel only from the origins configured (none by default, not "*").
        origins = os.environ.get("POLICYBOT_CORS_ORIGINS", "").split()
        cors = ["--cors", *origins] if origins else []
        rasa = self._spawn([RASA_PYTHON, "-m", "rasa", "run", "--model", MODEL, "--endpoints", endpoints,
                            "--credentials", ROOT / "credentials.yml", "--port", str(self.rasa_port),
                            "--interface", self.interface, *cors], RASA_ENV)
        try:
            wait_for(f"{self.action_url}/health", timeout, actions)
            wait_for(f"{self.rasa_url}/", timeout, rasa)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, grace: float = 10) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.processes:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.processes.clear()

    def __enter__(self) -> "Services":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def say(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        """One message over the REST channel; the bot's replies."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        req = urllib.request.Request(f"{self.rasa_url}/webhooks/rest/webhook", body,
                                     {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read())


def run_forever() -> int:
    train()
    services = Services(int(os.environ.get("RASA_PORT", 5005)), int(os.environ.get("ACTION_SERVER_PORT", 5055)),
                        interface=os.environ.get("POLICYBOT_INTERFACE", "127.0.0.1"))
    stop = {"now": False}

    def on_signal(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    services.start()
    print(f"policybot is up: Rasa REST channel {services.rasa_url}/webhooks/rest/webhook, "
          f"action server and /api {services.action_url}. Ctrl-C stops both.", flush=True)
    try:
        while not stop["now"]:
            if any(p.poll() is not None for p in services.processes):
                print("a server exited; stopping the other", file=sys.stderr)
                break
            time.sleep(0.5)
    finally:
        services.stop()
    return 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command == "train":
        train(force="--force" in argv)
        return 0
    if command == "endpoints":
        print(yaml.safe_dump(runtime_endpoints("http://localhost:5055/webhook"), allow_unicode=True))
        return 0
    if command == "run":
        return run_forever()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
