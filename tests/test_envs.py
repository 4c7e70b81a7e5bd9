"""tools/envs.py: interpreter discovery and cache keys (the real environments are what this suite runs in)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from .conftest import ROOT

spec = importlib.util.spec_from_file_location("envs", ROOT / "tools" / "envs.py")
envs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(envs)


def test_missing_interpreter_says_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("PYENV_ROOT", "/nonexistent")
    monkeypatch.setattr(envs.Path, "home", lambda: envs.Path("/nonexistent"))
    with pytest.raises(envs.EnvError) as err:
        envs.find_python("3.99")
    assert "Python 3.99" in str(err.value) and "pyenv install 3.99" in str(err.value)


def test_current_interpreter_is_found():
    version = "%d.%d" % sys.version_info[:2]
    assert envs.find_python(version)


def test_cache_key_follows_the_lock_file(tmp_path, monkeypatch):
    monkeypatch.setattr(envs, "REQ", tmp_path)
    (tmp_path / "app.lock").write_text("numpy==1\n")
    first = envs.env_key("app", sys.executable)
    assert first == envs.env_key("app", sys.executable)
    (tmp_path / "app.lock").write_text("numpy==2\n")
    assert envs.env_key("app", sys.executable) != first


def test_this_venv_is_layered_on_the_cache():
    pth = list((ROOT / ".venv").glob("lib/python3.*/site-packages/_policybot_deps.pth"))
    assert pth and "addsitedir" in pth[0].read_text()
    assert (ROOT / ".venv" / "bin" / "policybot").exists()


def test_locking_again_keeps_the_versions_pinned_already(tmp_path, monkeypatch):
    """Adding a package to app.in and locking adds it (and what it needs) without upgrading the rest."""
    import types

    monkeypatch.setattr(envs, "REQ", tmp_path)
    monkeypatch.setattr(envs, "find_python", lambda version: sys.executable)
    (tmp_path / "app.in").write_text("numpy\npytest-xdist\n")
    (tmp_path / "app.lock").write_text("# generated\nnumpy==1.0\n")
    commands: list[list[str]] = []
    monkeypatch.setattr(envs, "run", lambda cmd, **kw: commands.append([str(c) for c in cmd]))
    frozen = "numpy==1.0\npip==26.0\npytest-xdist==3.8.0\nexecnet==2.1.2\ntorch==2.13.0+cpu\n"
    monkeypatch.setattr(envs.subprocess, "run", lambda *a, **kw: types.SimpleNamespace(stdout=frozen))
    envs.lock("app")
    install = next(c for c in commands if "-r" in c)
    assert install[install.index("-c") + 1] == str(tmp_path / "app.lock")
    lines = (tmp_path / "app.lock").read_text().splitlines()
    assert lines[1:] == ["execnet==2.1.2", "numpy==1.0", "pytest-xdist==3.8.0", "torch==2.13.0"]
