"""One settings object for the edges (CLI, action server): [tool.policybot] in pyproject.toml, overridden by
environment variables POLICYBOT_<KEY>. Inner code takes explicit arguments and never reads this."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (the Rasa side)
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
# Settings whose environment variable predates the POLICYBOT_ prefix (Rasa's own examples use these names).
ENV_NAMES = {"rasa_port": "RASA_PORT", "action_port": "ACTION_SERVER_PORT", "action_host": "ACTION_SERVER_HOST"}


@dataclass(frozen=True)
class Settings:
    root: Path
    sources: tuple[Path, ...]
    knowledge_base: Path
    index_dir: Path
    embedding_model: str
    cache_dir: Path
    # where the servers listen (secrets — tokens, WeChat keys — stay in the environment, read where they are used)
    rasa_port: int = 5005  # RASA_PORT: the public port (the front, or Rasa itself)
    action_port: int = 5055  # ACTION_SERVER_PORT
    action_host: str = "127.0.0.1"  # ACTION_SERVER_HOST: the action server started on its own
    interface: str = "127.0.0.1"  # POLICYBOT_INTERFACE: the address `make run` publishes its servers on
    log_dir: Path = ROOT / "var" / "log"  # POLICYBOT_LOG_DIR
    cors_origins: tuple[str, ...] = ()  # POLICYBOT_CORS_ORIGINS, space-separated: browsers allowed to call
    api_rate: str | None = None  # POLICYBOT_API_RATE: /api's rate limit per client ("off", or "2/60")

    @property
    def teacher_cache(self) -> Path:
        return self.cache_dir / "teacher" / "usem3-words.npz"

    @property
    def model_cache(self) -> Path:
        return self.cache_dir / "static-models"


def _path(value: str, root: Path) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else root / p


def _raw(root: Path) -> dict[str, Any]:
    try:
        with (root / "pyproject.toml").open("rb") as fh:
            return tomllib.load(fh).get("tool", {}).get("policybot", {})
    except FileNotFoundError:
        return {}


def load(root: Path = ROOT, env: dict[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    raw = _raw(root)

    def get(key: str, default: Any) -> Any:
        return env.get(ENV_NAMES.get(key, f"POLICYBOT_{key.upper()}"), raw.get(key, default))

    sources = get("sources", [])
    if isinstance(sources, str):
        sources = [s for s in sources.split(os.pathsep) if s]
    return Settings(
        root=root,
        sources=tuple(_path(s, root) for s in sources),
        knowledge_base=_path(get("knowledge_base", "knowledge/build/knowledge.json"), root),
        index_dir=_path(get("index_dir", "index/build"), root),
        embedding_model=str(get("embedding_model", "builtin")),
        cache_dir=_path(get("cache_dir", "~/.cache/policybot"), root),
        rasa_port=int(get("rasa_port", 5005)),
        action_port=int(get("action_port", 5055)),
        action_host=str(get("action_host", "127.0.0.1")),
        interface=str(get("interface", "127.0.0.1")),
        log_dir=_path(get("log_dir", "var/log"), root),
        cors_origins=tuple(str(get("cors_origins", "")).split()),
        api_rate=get("api_rate", None) or None,
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load()
