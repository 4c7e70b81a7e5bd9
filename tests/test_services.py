"""The runtime endpoints the service runner writes, from the environment."""

from __future__ import annotations

from ops import services


def test_default_tracker_store_is_sqlite_and_action_url_is_set(tmp_path):
    config = services.runtime_endpoints("http://127.0.0.1:6000/webhook", {"TRACKER_DB_PATH": str(tmp_path / "t.db")})
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:6000/webhook"
    assert config["tracker_store"] == {"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "t.db")}
    assert "lock_store" not in config


def test_postgres_and_redis_for_several_instances():
    config = services.runtime_endpoints("http://a/webhook", {
        "TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": "db.internal", "TRACKER_DB_NAME": "policybot",
        "TRACKER_DB_USER": "bot", "TRACKER_DB_PASSWORD": "secret", "LOCK_STORE_REDIS_HOST": "redis.internal",
        "ACTION_SERVER_URL": "http://actions.internal:5055/webhook",
    })
    assert config["tracker_store"]["dialect"] == "postgresql" and config["tracker_store"]["url"] == "db.internal"
    assert config["tracker_store"]["port"] == 5432 and config["tracker_store"]["db"] == "policybot"
    assert config["lock_store"] == {"type": "redis", "url": "redis.internal", "port": 6379, "db": 1, "password": None}
    assert config["action_endpoint"]["url"] == "http://actions.internal:5055/webhook"


def test_training_inputs_cover_what_the_model_is_built_from():
    names = {p.name for p in services.training_inputs()}
    assert {"config.yml", "domain.yml", "nlu.yml", "rules.yml", "stories.yml", "lookups.yml", "userdict.txt"} <= names


def test_the_sqlite_tracker_store_is_private(tmp_path):
    import stat

    from ops.services import runtime_endpoints

    db = tmp_path / "var" / "tracker.db"
    config = runtime_endpoints("http://localhost:5055/webhook", {"TRACKER_DB_PATH": str(db)})
    assert config["tracker_store"]["db"] == str(db)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_the_action_token_reaches_rasa_s_endpoint():
    config = services.runtime_endpoints("http://a/webhook", {"POLICYBOT_ACTION_TOKEN": "s3cret"})
    assert config["action_endpoint"] == {"url": "http://a/webhook", "token": "s3cret"}
    assert "token" not in services.runtime_endpoints("http://a/webhook", {})["action_endpoint"]


def test_loopback_addresses():
    from actions.server import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")
