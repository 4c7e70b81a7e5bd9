"""Built static models kept by what decides them — the hash of their inputs and the versions of the packages that
train them — so that an index rebuilt with the same model inputs (a damaged index file repaired, a knowledge-base
change the passages do not see, a fresh checkout of the same guide) copies the model instead of training it again,
as `ops.services.train` keeps the Rasa model: the kept model was trained from exactly these inputs by the same
package versions. It is used only when its files match the checksums kept with it; the newest few are kept."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from knowledge.store import directory_checksums

log = logging.getLogger(__name__)

CHECKSUMS = "checksums.json"


class ModelCache:
    def __init__(self, directory: Path, versions: dict[str, str], keep: int = 4):
        self.directory, self.keep = Path(directory), keep
        self.versions = hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:12]

    def _entry(self, identity: str) -> Path:
        return self.directory / f"{identity}-{self.versions}"

    def restore(self, identity: str, out_dir: Path) -> bool:
        """Copy the kept model of `identity` to `out_dir`; False when there is none or it does not check."""
        entry = self._entry(identity)
        try:
            expected = json.loads((entry / CHECKSUMS).read_text(encoding="utf-8"))
            if directory_checksums(entry, skip=CHECKSUMS) != expected:
                raise ValueError("checksums differ")
        except (OSError, ValueError) as exc:
            if entry.exists():
                log.warning("kept model %s unusable (%s); training again", entry.name, exc)
                shutil.rmtree(entry, ignore_errors=True)
            return False
        shutil.copytree(entry, out_dir, ignore=shutil.ignore_patterns(CHECKSUMS), dirs_exist_ok=True)
        os.utime(entry)  # recently used: kept longer
        log.info("static model %s taken from the cache", identity)
        return True

    def store(self, identity: str, model_dir: Path) -> None:
        """Keep a copy of the model just trained (best effort: a cache that cannot be written only costs time)."""
        entry = self._entry(identity)
        scratch = entry.with_name(f".{entry.name}.{os.getpid()}")
        try:
            shutil.rmtree(scratch, ignore_errors=True)
            shutil.copytree(model_dir, scratch)
            sums = directory_checksums(scratch, skip=CHECKSUMS)
            (scratch / CHECKSUMS).write_text(json.dumps(sums), encoding="utf-8")
            shutil.rmtree(entry, ignore_errors=True)
            scratch.rename(entry)
            kept = sorted((p for p in self.directory.iterdir() if p.is_dir() and not p.name.startswith(".")),
                          key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[self.keep:]:
                shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            log.warning("could not keep the static model in %s: %s", self.directory, exc)
            shutil.rmtree(scratch, ignore_errors=True)
