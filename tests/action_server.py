"""The action server alone, started by a test on a free port with the environment it is given (tokens, rate)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import time

from ops import services


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body, headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data, resp


def start_server(env_extra: dict[str, str], host: str = "127.0.0.1") -> tuple[subprocess.Popen, int]:
    """The action server on a free port, its environment without this shell's POLICYBOT_ settings but for
    `env_extra`; returns when /health answers, or raises with the end of its log."""
    port = services.free_port()
    log = tempfile.TemporaryFile()  # a file, not a pipe: a pipe nobody reads would block the server once full
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_") or k == "POLICYBOT_ENV_CACHE"}
    env.update(env_extra)
    proc = subprocess.Popen([sys.executable, "-m", "actions.server", "--host", host, "--port", str(port)],
                            cwd=services.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(log.read().decode("utf-8", "replace")[-2000:])
        try:
            if request(port, "GET", "/health")[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the action server did not start")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
