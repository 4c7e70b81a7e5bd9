"""`policybot bench`: latency, index build time and memory of hybrid, lexical-only and dense-only search, and
their answer quality on the question files, side by side, all measured in one run."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from policybot.assistant import get_assistant
from .evaluate import evaluate, load_questions
from policybot.settings import settings

MODES = ("hybrid", "lexical", "dense")
WARMUP = 50

# Each child loads one retriever's part of the index and reports its peak resident memory.
_MEMORY_PROBE = """
import json, sys
from pathlib import Path

def hwm():
    # VmHWM: this process's peak resident memory (ru_maxrss would include the parent's, inherited over exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

from policybot.settings import settings
from knowledge import store
from index.store import load_index
from index.lexical import LexicalIndex
part = sys.argv[1]
cfg = settings()
records = store.load(cfg.knowledge_base)
base = hwm()
if part == "lexical":
    kept = [LexicalIndex.load(cfg.index_dir / "bm25"), LexicalIndex.load(cfg.index_dir / "entries_bm25")]
else:
    kept = load_index(cfg.index_dir, records)
    if part == "dense":
        kept.lexical = kept.entry_lexical = None
    kept.dense.scores("预热")
peak = hwm()
print(json.dumps({"peak_mb": round(peak / 1024, 1), "index_mb": round((peak - base) / 1024, 1)}))
"""


def _percentiles(ms: Sequence[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {f"p{q}_ms": round(float(np.percentile(a, q)), 2) for q in (50, 95, 99)}


def _component_bytes(assistant) -> dict[str, float]:
    index = assistant.index
    lexical = sum(
        v.nbytes for lx in (index.lexical, index.entry_lexical) for v in lx.bm25.scores.values()
        if isinstance(v, np.ndarray)
    )
    faiss_bytes = index.dense.size * assistant.index.embedder.dimension * 4
    model_bytes = index.embedder.nbytes
    return {
        "lexical_mb": round(lexical / 2**20, 2),
        "dense_vectors_mb": round(faiss_bytes / 2**20, 2),
        "embedding_model_mb": round(model_bytes / 2**20, 2),
    }


def _memory(part: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, part], capture_output=True, text=True)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no output"}


def _build_times(cold: bool) -> dict[str, float]:
    """A full index build into a scratch directory (the real one is untouched)."""
    from index.store import build_index
    from knowledge import store
    from knowledge.vocab import load_facts, load_fields

    from policybot.knowledge_base import knowledge_hash

    cfg = settings()
    records = store.load(cfg.knowledge_base)
    with tempfile.TemporaryDirectory(prefix="policybot-bench-") as tmp:
        teacher = Path(tmp) / "teacher.npz" if cold else cfg.teacher_cache
        started = time.perf_counter()
        index = build_index(records, knowledge_hash(cfg), Path(tmp) / "index", model_spec=cfg.embedding_model,
                            teacher_cache=teacher, facts=load_facts(), fields=load_fields())
        total = time.perf_counter() - started
    t = index.manifest["timings"]
    return {
        "teacher_cache": "cold" if cold else "warm",
        "total_s": round(total, 2),
        "lexical_s": t["lexical_s"],
        "dense_s": round(t["model_s"] + t["dense_s"], 2),
        "model_s": t["model_s"],
    }


def run_bench(queries: int = 1000, question_files: Sequence[str] | None = None, cold: bool = False,
              build: bool = True) -> int:
    cfg = settings()
    files = [Path(f) for f in question_files] if question_files else sorted((cfg.root / "tests" / "data").glob(
        "*_questions.jsonl"))
    sets = {f.stem: load_questions(f) for f in files}
    pool = [q["q"] for qs in sets.values() for q in qs]
    if not pool:
        print("error: no questions to run", file=sys.stderr)
        return 2

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    assistant = get_assistant()
    load_s = time.perf_counter() - started
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    results: dict[str, dict] = {}
    for mode in MODES:
        for q in pool[:WARMUP]:
            assistant.ask(q, mode=mode)
        ms = []
        for i in range(max(queries, 1)):
            q = pool[i % len(pool)]
            t = time.perf_counter()
            assistant.ask(q, mode=mode)
            ms.append((time.perf_counter() - t) * 1000)
        quality = {name: evaluate(assistant, qs, mode=mode).metrics() for name, qs in sets.items()}
        results[mode] = {"queries": len(ms), **_percentiles(ms), "quality": quality}

    # the spelling corrector runs on every message before the search
    for q in pool[:WARMUP]:
        assistant.correct(q)
    spell = []
    for i in range(max(queries, 1)):
        t = time.perf_counter()
        assistant.correct(pool[i % len(pool)])
        spell.append((time.perf_counter() - t) * 1000)
    build_times = _build_times(cold) if build else {}
    memory = {part: _memory(part) for part in MODES}
    summary = {
        "queries_per_mode": queries,
        "index_load_s": round(load_s, 2),
        "process_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "loaded_index_mb": round((rss_loaded - rss_before) / 1024, 1),
        "components": _component_bytes(assistant),
        "build": build_times,
        "spelling": _percentiles(spell),
        "modes": results,
        "memory": memory,
    }
    _print_table(summary, list(sets))
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _print_table(s: dict, sets: list[str]) -> None:
    build = s["build"]
    print(f"ask latency over {s['queries_per_mode']} queries per mode (after {WARMUP} warm-up), "
          + (f"index build ({build['teacher_cache']} teacher cache), " if build else "")
          + "peak memory of a process loading that part")
    head = f"{'mode':8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'build s':>8} {'peak MB':>8}"
    for name in sets:
        head += f" | {name}: top1 recall3 facts oosP oosR"
    print(head)
    nan = float("nan")
    build_of = {"hybrid": build.get("total_s", nan), "lexical": build.get("lexical_s", nan),
                "dense": build.get("dense_s", nan)}
    for mode, r in s["modes"].items():
        mem = s["memory"].get(mode, {}).get("peak_mb", "-")
        line = f"{mode:8} {r['p50_ms']:7.2f} {r['p95_ms']:7.2f} {r['p99_ms']:7.2f} {build_of[mode]:8.2f} {mem:>8}"
        for name in sets:
            m = r["quality"][name]
            line += (f" | {' ' * (len(name) - 2)}{m['top1']:.3f} {m['recall3']:.3f} {m['answer_fact_accuracy']:.3f} "
                     f"{m['oos_precision']:.3f} {m['oos_recall']:.3f}")
        print(line)
    sp = s["spelling"]
    print(f"spelling correction per message: p50 {sp['p50_ms']:.2f} ms, p95 {sp['p95_ms']:.2f} ms")
    c = s["components"]
    print(f"loaded index: BM25 {c['lexical_mb']} MB, passage vectors {c['dense_vectors_mb']} MB, "
          f"embedding model {c['embedding_model_mb']} MB; process peak {s['process_peak_mb']} MB")
