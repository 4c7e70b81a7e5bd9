"""Build the knowledge base from the sources and curated files, save it atomically, load it back. The file carries
the SHA-256 of its own content; a file changed after the build is refused on load (and rebuilt by the app)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Iterable, Sequence

from .annotations import ANNOTATIONS_FILE, annotate, load_annotations
from .errors import BUILD_COMMAND, KnowledgeBaseMissing, SourceError
from .parser import parse_guide
from .records import Record
from .vocab import FACTS_FILE, FIELDS_FILE, load_facts, load_fields, region_of

FORMAT_VERSION = 2  # 2: with the content's checksum


def sha256_file(path: Path) -> str:
    """A file's SHA-256, read in blocks (index files and the Rasa model are checked against their digests)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def directory_checksums(directory: Path, skip: str) -> dict[str, str]:
    """Every file under `directory` but those named `skip` (the record of these checksums), by its path relative to
    it."""
    return {p.relative_to(directory).as_posix(): sha256_file(p) for p in sorted(Path(directory).rglob("*"))
            if p.is_file() and p.name != skip}


def curated_files() -> list[Path]:
    return [FIELDS_FILE, FACTS_FILE, ANNOTATIONS_FILE]


def inputs_hash(sources: Sequence[Path], extra: Iterable[Path] = ()) -> str:
    """A hash of every input file's bytes (sources and curated data), to tell when a rebuild is due."""
    digest = hashlib.sha256()
    for path in [*sources, *extra]:
        digest.update(Path(path).name.encode())
        try:
            digest.update(Path(path).read_bytes())
        except OSError as exc:
            raise SourceError(str(path), f"cannot be read: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def build_records(sources: Sequence[Path]) -> list[Record]:
    """Parse every source and attach the curated annotations; raises SourceError/AnnotationError."""
    if not sources:
        raise SourceError("knowledge/sources", "no source files configured")
    fields = load_fields()
    facts = load_facts()
    region = facts["region"]
    records: list[Record] = []
    for source in sources:
        parsed = parse_guide(Path(source), fields, lambda label: region_of(label, region))
        taken = {r.id for r in records}
        clash = [r.id for r in parsed if r.id in taken]
        if clash:
            raise SourceError(str(source), f"entry numbers {clash} are already used by another source")
        records.extend(parsed)
    return annotate(records, load_annotations(facts))


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename, so a failed write leaves the old file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def content_hash(payload: dict) -> str:
    """SHA-256 of everything in the saved payload but the checksum itself (key order and spacing do not count)."""
    body = {k: v for k, v in payload.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def save(records: Sequence[Record], path: Path, source_hash: str) -> None:
    payload = {
        "format": FORMAT_VERSION,
        "source_hash": source_hash,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "records": [r.to_dict() for r in records],
    }
    payload["sha256"] = content_hash(payload)
    write_atomic(Path(path), json.dumps(payload, ensure_ascii=False, indent=1))


def build(sources: Sequence[Path], path: Path) -> list[Record]:
    """Parse and save; on any error the previous build at `path` is left in place."""
    source_hash = inputs_hash(sources, curated_files())
    records = build_records(sources)
    save(records, path, source_hash)
    return records


def stored_hash(path: Path) -> str | None:
    """The input hash a saved knowledge base was built from, or None if there is none to read or the file is not
    the one the build wrote (so a damaged file counts as stale and is rebuilt)."""
    try:
        with Path(path).open(encoding="utf-8") as fh:
            payload = json.load(fh)
        return payload.get("source_hash") if payload.get("sha256") == content_hash(payload) else None
    except (OSError, ValueError, AttributeError):
        return None


def load(path: Path) -> list[Record]:
    """The saved records; KnowledgeBaseMissing when the file is absent or unreadable."""
    try:
        with Path(path).open(encoding="utf-8") as fh:
            payload = json.load(fh)
    except FileNotFoundError as exc:
        raise KnowledgeBaseMissing(f"{path}: no knowledge base; run {BUILD_COMMAND}") from exc
    except (OSError, ValueError) as exc:
        raise KnowledgeBaseMissing(f"{path}: knowledge base unreadable ({exc}); run {BUILD_COMMAND}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise KnowledgeBaseMissing(f"{path}: knowledge base of another format; run {BUILD_COMMAND}")
    if payload.get("sha256") != content_hash(payload):
        raise KnowledgeBaseMissing(f"{path}: knowledge base damaged (checksum mismatch); run {BUILD_COMMAND}")
    try:
        return [Record.from_dict(r) for r in payload["records"]]
    except (KeyError, TypeError) as exc:
        raise KnowledgeBaseMissing(f"{path}: knowledge base damaged ({exc}); run {BUILD_COMMAND}") from exc
