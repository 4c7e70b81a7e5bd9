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
