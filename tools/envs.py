#!/usr/bin/env python3
"""Create the project's two Python environments (stdlib only; run with any Python 3).

    python3 tools/envs.py ensure app     # .venv       (Python 3.11): action server, knowledge, index, tests
    python3 tools/envs.py ensure rasa    # .venv-rasa  (Python 3.10): Rasa 3.6.21 dialogue server
    python3 tools/envs.py lock app|rasa  # re-resolve requirements/<name>.in into requirements/<name>.lock

Why two layers: the heavy third-party packages (TensorFlow for Rasa, torch for sentence-transformers) are
installed once into a cache outside the checkout, keyed by a hash of the lock file and the interpreter
(~/.cache/policybot/envs/<name>-<hash>, or $POLICYBOT_ENV_CACHE). Each checkout then gets a small venv of its
own (.venv, .venv-rasa) whose site-packages reaches the cached packages through a .pth file, and into which this
project is installed in editable mode. A fresh clone (CI) so sets up in seconds once the cache exists, and a
changed lock file builds a new cache entry instead of mutating one another checkout uses.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQ = ROOT / "requirements"
ENVS = {
    "app": {"python": "3.11", "local": ROOT / ".venv"},
    "rasa": {"python": "3.10", "local": ROOT / ".venv-rasa"},
}
LAYOUT_VERSION = "1"  # bump when the way environments are built changes


class EnvError(Exception):
    pass


def find_python(version: str) -> str:
    """An interpreter of the given minor version: on PATH, then under pyenv; else a clear error."""
    candidates = [shutil.which(f"python{version}")]
    if version == f"{sys.version_info.major}.{sys.version_info.minor}":
        candidates.append(sys.executable)
    roots = [os.environ.get("PYENV_ROOT"), str(Path.home() / ".pyenv")]
    try:
        roots.append(subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        pass
    for root in filter(None, roots):
        candidates += sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"), reverse=True)
    for exe in filter(None, candidates):
        try:
            out = subprocess.run(
                [exe, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True, text=True, check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
        if out == version:
            return exe
    raise EnvError(
        f"Python {version} is needed but was not found on PATH or under pyenv. Install it, for example "
        f"`pyenv install {version}`, or put a python{version} on PATH."
    )


def cache_root() -> Path:
    return Path(os.environ.get("POLICYBOT_ENV_CACHE", Path.home() / ".cache" / "policybot" / "envs"))


def env_key(name: str, python: str) -> str:
    lock = REQ / f"{name}.lock"
    if not lock.exists():
        raise EnvError(f"{lock} is missing; run `python3 tools/envs.py lock {name}`")
    version = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True,
                             check=True).stdout
    digest = hashlib.sha256(lock.read_bytes() + version.encode() + LAYOUT_VERSION.encode())
    return digest.hexdigest()[:16]


def site_packages(prefix: Path) -> Path:
    out = subprocess.run(
        [str(prefix / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    return Path(out)


def run(cmd: list[str], *, quiet: bool = False) -> None:
    """Run a command; a quiet one shows its output only when it fails."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    if not quiet:
        subprocess.run([str(c) for c in cmd], check=True)
        return
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise subprocess.CalledProcessError(done.returncode, cmd)


def ensure_cache(name: str, python: str) -> Path:
    """The cached environment holding the locked third-party packages, built if absent."""
    key = env_key(name, python)
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"{name}-{key}"
    with open(root / f"{name}-{key}.lock", "w") as lock_fh:
        fcntl.flock(lock_fh, fcntl.LOCK_EX)  # two checkouts building the same entry wait for each other
        if (target / ".complete").exists():
            return target
        if target.exists():
            shutil.rmtree(target)
        print(f"Building the {name} environment cache at {target} (once per lock file) …", flush=True)
        try:
            run([python, "-m", "venv", target])
            pip = [target / "bin" / "python", "-m", "pip"]
            run([*pip, "install", "--quiet", "--upgrade", "pip"])
            run([*pip, "install", "--quiet", "--no-deps", "-r", REQ / f"{name}.lock"])
            run([*pip, "check"])
        except subprocess.CalledProcessError as exc:
            shutil.rmtree(target, ignore_errors=True)
            raise EnvError(f"installing the {name} environment failed: {exc}") from exc
        (target / ".complete").write_text(key + "\n")
    return target


def ensure(name: str) -> Path:
    """The checkout's own venv for `name`, layered on the cache and with this project installed editable."""
    spec = ENVS[name]
    python = find_python(spec["python"])
    cache = ensure_cache(name, python)
    local: Path = spec["local"]
    marker = local / ".policybot-env"
    # the project's own metadata too: a package added to pyproject.toml needs the editable install redone
    project = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    want = f"{cache}\n{ROOT}\n{project}\n"
    if marker.exists() and marker.read_text() == want and (local / "bin" / "python").exists():
        return local
    if local.exists() or local.is_symlink():
        if local.is_symlink() or local.is_file():
            local.unlink()
        else:
            shutil.rmtree(local)
    # No pip of its own: pip, setuptools and every dependency come from the cache through the .pth below.
    run([python, "-m", "venv", "--without-pip", local])
    deps = site_packages(cache)
    own = site_packages(local)
    (own / "_policybot_deps.pth").write_text(f"import site; site.addsitedir({str(deps)!r})\n")
    try:
        run([local / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-build-isolation",
             "--disable-pip-version-check", "-e", ROOT], quiet=True)
    except subprocess.CalledProcessError as exc:
        raise EnvError(f"installing this project into {local} failed") from exc
    marker.write_text(want)
    return local


def lock(name: str) -> None:
    """Resolve requirements/<name>.in in a scratch venv and write the exact versions to <name>.lock. The versions
    the lock holds already are kept (pip constraints): adding a package adds it and what it needs, and upgrades
    nothing else; delete the lock first to re-resolve everything."""
    python = find_python(ENVS[name]["python"])
    current = REQ / f"{name}.lock"
    with tempfile.TemporaryDirectory(prefix=f"policybot-lock-{name}-") as tmp:
        venv = Path(tmp) / "venv"
        run([python, "-m", "venv", venv])
        pip = [venv / "bin" / "python", "-m", "pip"]
        run([*pip, "install", "--quiet", "--upgrade", "pip"])
        constraints = ["-c", current] if current.exists() else []
        run([*pip, "install", "--quiet", "-r", REQ / f"{name}.in", *constraints])
        frozen = subprocess.run([*map(str, pip), "freeze", "--all"], capture_output=True, text=True,
                                check=True).stdout
    lines = []
    for line in frozen.splitlines():
        if line.startswith("pip=="):
            continue
        # The local CPU build of torch is "2.13.0+cpu"; pinning 2.13.0 takes it here and stays installable
        # from PyPI elsewhere.
        if line.startswith("torch==") and "+" in line:
            line = line.split("+", 1)[0]
        lines.append(line)
    header = f"# Generated by `python3 tools/envs.py lock {name}` from {name}.in; do not edit by hand.\n"
    (REQ / f"{name}.lock").write_text(header + "\n".join(sorted(lines, key=str.lower)) + "\n")
    print(f"wrote requirements/{name}.lock ({len(lines)} packages)")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("ensure", "lock", "python") or argv[1] not in ENVS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if argv[0] == "ensure":
            ensure(argv[1])
        elif argv[0] == "lock":
            lock(argv[1])
        else:
            print(find_python(ENVS[argv[1]]["python"]))
    except EnvError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
