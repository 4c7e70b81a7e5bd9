"""Train the Rasa model when its inputs changed, and run the Rasa server and the action server together.

    python -m ops.services train            # (re)train models/policybot.tar.gz if its inputs changed
    python -m ops.services run              # both servers, supervised, in the foreground; Ctrl-C stops both
    python -m ops.services endpoints        # print the runtime endpoints.yml

`make run` calls `run`: the front (ops/front.py) on RASA_PORT (5005) passes requests to the Rasa server on a
private port and apologises for it while it restarts; the action server is on ACTION_SERVER_PORT (5055); the
supervisor health-checks both and restarts one that died or stopped answering; logs go to var/log/. The runtime
endpoints file is written from endpoints.yml with the action-server URL and the tracker and lock stores taken from
the environment (see endpoints.yml). Tests use `Services` to start both on free ports and stop them again.
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
import threading
import time
import urllib.request
from pathlib import Path
from dataclasses import dataclass, field
from typing import Callable, Sequence

import yaml

from knowledge.store import sha256_file
from policybot.settings import settings

ROOT = Path(__file__).resolve().parent.parent
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
RASA = [str(RASA_PYTHON), "-m", "bot.rasa_cli"]  # Rasa's command line, started as bot/rasa_cli.py says
MODEL_DIR = ROOT / "models"
MODEL = MODEL_DIR / "policybot.tar.gz"
MODEL_HASH = MODEL_DIR / "policybot.inputs"
RUN_DIR = ROOT / "var" / "run"
LOG_DIR = ROOT / "var" / "log"
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
    from policybot.settings import settings

    return settings().cache_dir / "rasa-models"


def model_is_current(want: str) -> bool:
    """The model was trained from these inputs and is byte for byte the file training wrote (models/policybot.inputs
    holds both hashes; a damaged tarball is replaced, never loaded)."""
    if not (MODEL.exists() and MODEL_HASH.exists()):
        return False
    recorded = MODEL_HASH.read_text().split()
    return len(recorded) == 2 and recorded[0] == want and recorded[1] == sha256_file(MODEL)


def train(force: bool = False) -> bool:
    """Train the Rasa model unless one exists for the current inputs (here or in the cache outside the
    checkout, keyed by the inputs' hash, so a fresh clone reuses it); True when it trained."""
    want = training_hash()
    if not force and model_is_current(want):
        return False
    cached = model_cache() / f"{want[:20]}.tar.gz"
    if not force and cached.exists():
        MODEL_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, MODEL)
        MODEL_HASH.write_text(f"{want}\n{sha256_file(MODEL)}\n")
        print(f"Rasa model for these inputs taken from {cached}", flush=True)
        return False
    started = time.perf_counter()
    print("Training the Rasa model (its inputs changed) …", flush=True)
    subprocess.run(
        [*RASA, "train", "--domain", "domain.yml", "--data", "bot/data",
         "--config", "config.yml", "--out", str(MODEL_DIR), "--fixed-model-name", "policybot", "--quiet"],
        cwd=ROOT, env={**os.environ, **RASA_ENV}, check=True,
    )
    MODEL_HASH.write_text(f"{want}\n{sha256_file(MODEL)}\n")
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
    if env.get("POLICYBOT_ACTION_TOKEN"):  # Rasa sends it as ?token=…; the action server checks it
        config["action_endpoint"]["token"] = env["POLICYBOT_ACTION_TOKEN"]
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


WECHAT_CHANNEL = "bot.channels.wechat.WeChatInput"


def runtime_credentials(env: dict[str, str] | None = None) -> dict:
    """credentials.yml with the channels this environment can serve: WeChat only when WECHAT_TOKEN is set (its
    secrets stay in the environment, which the Rasa process inherits)."""
    env = dict(os.environ if env is None else env)
    config = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    if not env.get("WECHAT_TOKEN"):
        config.pop(WECHAT_CHANNEL, None)
    return config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status == 200
    except (OSError, ValueError):
        return False


def wait_for(url: str, timeout: float, process: subprocess.Popen, check=None) -> None:
    """Until `url` answers 200 (or `check()` is true, for a server that does not speak HTTP)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with status {process.returncode} while starting")
        if check() if check is not None else healthy(url):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{url}: no answer within {timeout:.0f} s")


@dataclass
class Server:
    """One server process as the supervisor sees it: how to start it, where to ask whether it is well."""

    name: str
    cmd: list[str]
    env: dict[str, str]
    health_url: str
    process: subprocess.Popen | None = None
    started: float = 0.0
    ready: bool = False  # answered a health check since it was (re)started
    failures: int = 0  # health checks failed in a row
    restarts: list[float] = field(default_factory=list)
    check: Callable[[], bool] | None = None  # health check of a server without HTTP (PostgreSQL, Redis)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def is_healthy(self, timeout: float = 2.0) -> bool:
        return self.check() if self.check is not None else healthy(self.health_url, timeout)


def verdict(alive: bool, is_healthy: bool, ready: bool, failures: int, age: float, *,
            start_grace: float, max_failures: int) -> str:
    """What to do about a server after one health check: "ok", "wait" (starting, or one failed check), or
    "restart" (it exited, never came up within the grace, or failed `max_failures` checks in a row)."""
    if not alive:
        return "restart"
    if is_healthy:
        return "ok"
    if not ready:
        return "restart" if age > start_grace else "wait"
    return "restart" if failures >= max_failures else "wait"


def backoff(restarts: Sequence[float], now: float, window: float = 300.0) -> float:
    """Seconds to wait before the next restart: none for the first, then doubling with each restart in the last
    `window` seconds, at most a minute — a server that cannot start is not restarted in a tight loop."""
    recent = [t for t in restarts if now - t < window]
    return 0.0 if not recent else min(60.0, 2.0 ** len(recent)) - (now - recent[-1])


class Services:
    """Both servers as child processes; a context manager that stops them on exit.

    `front=True` puts the front (ops/front.py) on `rasa_port` and the Rasa server on a private port, so that
    the REST channel answers even while Rasa restarts. `supervise()` starts the health checks in a thread.
    `log_dir` sends each server's output to <log_dir>/<name>.log (else the terminal, or nowhere when `quiet`)."""

    def __init__(self, rasa_port: int | None = None, action_port: int | None = None, *,
                 tracker_db: Path | None = None, quiet: bool = False, interface: str = "127.0.0.1",
                 front: bool = False, log_dir: Path | None = None, env: dict[str, str] | None = None):
        self.rasa_port = rasa_port or free_port()
        self.action_port = action_port or free_port()
        self.rasa_private_port = free_port() if front else self.rasa_port
        self.tracker_db = tracker_db
        self.quiet = quiet
        self.interface = interface
        self.log_dir = log_dir
        self.env = dict(os.environ if env is None else env)
        self.servers: dict[str, Server] = {}
        self.front = None
        self.with_front = front
        self.supervisor: Supervisor | None = None
        self.runtime_files: list[Path] = []  # written at start for the servers, removed at stop (may hold a token)

    @property
    def processes(self) -> list[subprocess.Popen]:
        return [s.process for s in self.servers.values() if s.process is not None]

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def spawn(self, server: Server) -> None:
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.log_dir / f"{server.name}.log", os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
            out = err = fd
        elif self.quiet:
            out, err, fd = subprocess.DEVNULL, subprocess.STDOUT, None
        else:
            out = err = fd = None
        try:
            server.process = subprocess.Popen(server.cmd, cwd=ROOT, env={**self.env, **server.env}, stdout=out,
                                              stderr=err, start_new_session=True)
        finally:
            if fd is not None:
                os.close(fd)
        server.started, server.ready, server.failures = time.monotonic(), False, 0

    def kill(self, server: Server) -> None:
        if server.alive:
            os.killpg(server.process.pid, signal.SIGKILL)  # also ends a SIGSTOP'ed one
        if server.process is not None:
            server.process.wait()

    def restart(self, server: Server) -> None:
        self.kill(server)
        server.restarts.append(time.monotonic())
        self.spawn(server)

    def start(self, timeout: float = 180) -> "Services":
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        env = {**self.env, **({"TRACKER_DB_PATH": str(self.tracker_db)} if self.tracker_db else {})}
        endpoints = RUN_DIR / f"endpoints-{self.rasa_port}.yml"
        # the file may hold the action token: owner-only, like the tracker db
        fd = os.open(endpoints, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(yaml.safe_dump(runtime_endpoints(f"{self.action_url}/webhook", env), allow_unicode=True))
        # the widget's signing secret: a short one stops here with its message, not in a Rasa restart loop; without
        # one, the generated file is made here once, before Rasa (and its restarts) read it
        from bot.webchat.ids import DEFAULT_SECRET_FILE, load_secret

        load_secret(env, DEFAULT_SECRET_FILE)
        credentials = RUN_DIR / f"credentials-{self.rasa_port}.yml"
        credentials.write_text(yaml.safe_dump(runtime_credentials(env), allow_unicode=True), encoding="utf-8")
        self.runtime_files += [endpoints, credentials]
        # Browsers may call the REST channel only from the origins configured (none by default, not "*").
        origins = self.env.get("POLICYBOT_CORS_ORIGINS", "").split()
        cors = ["--cors", *origins] if origins else []
        debug = ["--debug"] if self.env.get("POLICYBOT_DEBUG") else []
        rasa_interface = "127.0.0.1" if self.with_front else self.interface
        self.servers = {
            "actions": Server("actions", [str(APP_PYTHON), "-m", "actions.server", "--port", str(self.action_port),
                                          "--host", self.interface], {}, f"{self.action_url}/health"),
            "rasa": Server("rasa", [*RASA, "run", "--model", str(MODEL), "--endpoints",
                                    str(endpoints), "--credentials", str(credentials),
                                    "--port", str(self.rasa_private_port), "--interface", rasa_interface,
                                    *cors, *debug],
                           RASA_ENV, f"http://127.0.0.1:{self.rasa_private_port}/"),
        }
        try:
            for server in self.servers.values():
                self.spawn(server)
            for server in self.servers.values():
                wait_for(server.health_url, timeout, server.process)
                server.ready = True
            if self.with_front:
                from .front import Front

                self.front = Front(self.interface, self.rasa_port, self.rasa_private_port).start()
        except BaseException:
            self.stop()
            raise
        return self

    def supervise(self, **options) -> "Supervisor":
        """Health checks and restarts in a background thread, until `stop()`."""
        self.supervisor = Supervisor(self, **options)
        self.supervisor.start()
        return self.supervisor

    def stop(self, grace: float = 10) -> None:
        if self.supervisor is not None:
            self.supervisor.stop()
            self.supervisor = None
        if self.front is not None:
            self.front.stop()
            self.front = None
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.processes:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.servers.clear()
        self.remove_runtime_files()

    def remove_runtime_files(self) -> None:
        for path in self.runtime_files:
            path.unlink(missing_ok=True)
        self.runtime_files.clear()

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


class Supervisor:
    """Checks both servers every `interval` seconds and restarts one that exited, did not come up within
    `start_grace`, or failed `max_failures` health checks in a row (hung, e.g. SIGSTOP'ed). Never stops the other.
    Also deletes conversations idle longer than the retention (ops/retention.py) once an hour."""

    def __init__(self, services: Services, interval: float = 2.0, health_timeout: float = 2.0,
                 max_failures: int = 2, start_grace: float = 180.0, on_event=None):
        self.services = services
        self.interval, self.health_timeout = interval, health_timeout
        self.max_failures, self.start_grace = max_failures, start_grace
        self.on_event = on_event or (lambda text: print(text, file=sys.stderr, flush=True))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_purge = 0.0

    def step(self) -> list[str]:
        """One round of checks; the actions taken, as text."""
        events = []
        now = time.monotonic()
        for server in self.services.servers.values():
            ok = server.alive and server.is_healthy(self.health_timeout)
            server.failures = 0 if ok else server.failures + 1
            server.ready = server.ready or ok
            action = verdict(server.alive, ok, server.ready, server.failures, now - server.started,
                             start_grace=self.start_grace, max_failures=self.max_failures)
            if action == "restart" and backoff(server.restarts, now) <= 0:
                why = (f"exited with status {server.process.returncode}" if not server.alive
                       else f"failed {server.failures} health checks")
                self.services.restart(server)
                events.append(f"{server.name} {why}; restarted")
        for text in events:
            self.on_event(f"supervisor: {text}")
        if now - self._last_purge > 3600:
            self._last_purge = now
            self.purge()
        return events

    def purge(self) -> None:
        from .retention import purge_sqlite, retention_days

        if hasattr(self.services, "purge_conversations"):  # the scaled-out set: PostgreSQL (ops/cluster.py)
            try:
                removed = self.services.purge_conversations(retention_days(self.services.env))
                if removed:
                    self.on_event(f"supervisor: deleted {removed} conversations past the retention")
            except Exception as exc:  # retention must never take the service down
                self.on_event(f"supervisor: retention failed ({type(exc).__name__})")
            return

        db = self.services.tracker_db or runtime_endpoints("", self.services.env)["tracker_store"].get("db")
        if db and self.services.env.get("TRACKER_DB_DIALECT", "sqlite") == "sqlite":
            try:
                removed = purge_sqlite(Path(db), retention_days(self.services.env))
                if removed:
                    self.on_event(f"supervisor: deleted {removed} conversations past the retention")
            except Exception as exc:  # retention must never take the service down
                self.on_event(f"supervisor: retention failed ({type(exc).__name__})")

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            self.step()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="supervisor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)


def run_supervised(servers, banner: Callable[[], str]) -> int:
    """Start `servers` (a Services, or the scaled-out Cluster), print `banner()`, health-check and restart them
    until SIGINT or SIGTERM, then stop them."""
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    servers.start()
    supervisor = Supervisor(servers)
    print(banner(), flush=True)
    try:
        while not stop.wait(supervisor.interval):
            supervisor.step()
    finally:
        servers.stop()
    return 0


def run_forever() -> int:
    train()
    config = settings()
    services = Services(config.rasa_port, config.action_port, interface=config.interface, front=True,
                        log_dir=config.log_dir)

    def banner() -> str:
        wechat = f", WeChat {services.rasa_url}/webhooks/wechat/webhook" if services.env.get("WECHAT_TOKEN") else ""
        return (f"policybot is up: Rasa REST channel {services.rasa_url}/webhooks/rest/webhook{wechat}, "
                f"website widget demo {services.rasa_url.replace('127.0.0.1', 'localhost')}/webhooks/webchat/demo, "
                f"action server and /api {services.action_url}, logs in {services.log_dir}. Ctrl-C stops both.")

    return run_supervised(services, banner)


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
