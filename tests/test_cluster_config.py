"""The scaled-out set's configuration, without starting it: the balancer's rules and the refusals at start."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ops.cluster import Cluster, ClusterError, redis_ping, render


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(5005, 5055, base=tmp_path / "cluster", env={})
    c.rasa_ports, c.action_ports = [41001, 41002], [41011, 41012]
    return c


def rasa_block(config: str) -> str:
    return config[config.index("upstream rasa"):config.index("upstream actions")]


def test_the_balancer_spreads_over_both_rasa_servers_and_never_resends_a_turn(cluster):
    config = cluster.nginx_config()
    assert "server 127.0.0.1:41001 max_fails=1" in rasa_block(config)
    assert "server 127.0.0.1:41002 max_fails=1" in rasa_block(config)
    public = config[config.index("listen 127.0.0.1:5005"):config.index("listen 127.0.0.1:5055")]
    assert "proxy_next_upstream error timeout;" in config and "non_idempotent" not in public
    assert "client_max_body_size 16k" in public and "access_log off;" in config
    import re

    assert not re.search(r"@[A-Z_]+@", config)  # every placeholder filled in


@pytest.mark.skipif(not (shutil.which("nginx") or shutil.os.path.exists("/usr/sbin/nginx")), reason="no nginx")
def test_nginx_accepts_the_generated_configuration(cluster, tmp_path):
    path = tmp_path / "nginx.conf"
    path.write_text(cluster.nginx_config())
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    done = subprocess.run([nginx, "-t", "-p", str(cluster.base), "-c", str(path), "-e", str(tmp_path / "e.log")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_action_servers_are_not_published_without_a_token(tmp_path):
    with pytest.raises(ClusterError, match="POLICYBOT_ACTION_TOKEN"):
        Cluster(base=tmp_path / "c", interface="0.0.0.0", env={}).start()


def test_redis_configuration_is_loopback_with_a_password():
    text = render("redis.conf", INTERFACE="127.0.0.1", PORT=6390, PASSWORD="pw", BASE="/tmp")
    assert "bind 127.0.0.1" in text and "requirepass pw" in text and "save \"\"" in text
    assert not redis_ping(1, "pw")  # nothing listens on port 1
