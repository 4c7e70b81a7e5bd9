"""The one settings object: pyproject's [tool.policybot], overridden by the environment."""

from __future__ import annotations

from policybot.settings import ROOT, load


def test_defaults_work_on_a_fresh_machine():
    s = load(env={})
    assert (s.rasa_port, s.action_port, s.interface, s.action_host) == (5005, 5055, "127.0.0.1", "127.0.0.1")
    assert s.log_dir == ROOT / "var" / "log" and s.cors_origins == () and s.api_rate is None


def test_hosts_and_ports_come_from_the_environment():
    s = load(env={"RASA_PORT": "6005", "ACTION_SERVER_PORT": "6055", "POLICYBOT_INTERFACE": "0.0.0.0",
                  "POLICYBOT_CORS_ORIGINS": "https://a.gov.cn https://b.gov.cn", "POLICYBOT_LOG_DIR": "/tmp/pb",
                  "POLICYBOT_API_RATE": "off"})
    assert (s.rasa_port, s.action_port, s.interface) == (6005, 6055, "0.0.0.0")
    assert s.cors_origins == ("https://a.gov.cn", "https://b.gov.cn")
    assert str(s.log_dir) == "/tmp/pb" and s.api_rate == "off"
