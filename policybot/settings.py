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


@dataclass(frozen=True)
class Settings:
    root: Path
    sources: tuple[Path, ...]
    knowledge_base: Path
    index_dir: Path
    embedding_model: str
    cache_dir: Path

    @property
    def teacher_cache(self) -> Path:
        return self.cache_dir / "teacher" / "usem3-words.npz"


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
        return env.get(f"POLICYBOT_{key.upper()}", raw.get(key, default))

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
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load()
