"""`policybot eval`: run `ask` over a question file (tests/data/README.md format) and measure it."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from policybot.assistant import Assistant

_DASHES = re.compile(r"[—–－]")


def normalise_for_match(text: str) -> str:
    """As the evaluation sets compare (../shared/eval/README.md): no white space, the dashes – — － written as '-'."""
    return _DASHES.sub("-", re.sub(r"\s+", "", text))


def read_jsonl(path: Path, required: Sequence[str], what: str) -> list[dict[str, Any]]:
    """One JSON object a line, each with the `required` keys; blank lines skipped, errors name file and line."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: not a JSON object: {exc}") from exc
        if not isinstance(item, dict) or any(k not in item for k in required):
            raise ValueError(f"{path}:{n}: {what} needs {', '.join(map(repr, required))}")
        items.append(item)
    return items


def load_questions(path: Path) -> list[dict[str, Any]]:
    return read_jsonl(path, ("q", "policy"), "a question")


@dataclass
class Outcome:
    question: dict[str, Any]
    policy: int | None
    ranked: list[int]
    answer: str
    field: str
    ms: float

    @property
    def expected(self) -> set[int]:
        q = self.question
        return {q["policy"], *q.get("alt", [])} if q["policy"] is not None else set()

    @property
    def in_scope(self) -> bool:
        return self.question["policy"] is not None

    @property
    def top1(self) -> bool:
        return self.policy in self.expected

    @property
    def recall3(self) -> bool:
        return bool(self.expected & set(self.ranked[:3])) and self.policy is not None

    @property
    def facts_ok(self) -> bool:
        expect = self.question.get("expect") or []
        if not expect:
            return self.top1
        text = normalise_for_match(self.answer)
        return all(normalise_for_match(e) in text for e in expect)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    mode: str = "hybrid"

    def metrics(self) -> dict[str, Any]:
        inside = [o for o in self.outcomes if o.in_scope]
        outside = [o for o in self.outcomes if not o.in_scope]
        predicted_out = [o for o in self.outcomes if o.policy is None]
        ms = np.array([o.ms for o in self.outcomes]) if self.outcomes else np.zeros(1)
        lengths = [len(o.answer) for o in self.outcomes if o.policy is not None] or [0]
        true_out = sum(1 for o in predicted_out if not o.in_scope)
        return {
            "mode": self.mode,
            "n": len(self.outcomes),
            "n_in_scope": len(inside),
            "top1": _share(o.top1 for o in inside),
            "recall3": _share(o.recall3 for o in inside),
            "answer_fact_accuracy": _share(o.facts_ok for o in inside),
            "oos_precision": round(true_out / len(predicted_out), 4) if predicted_out else (1.0 if not outside else 0.0),
            "oos_recall": round(true_out / len(outside), 4) if outside else 1.0,
            "p50_ms": round(float(np.percentile(ms, 50)), 2),
            "p95_ms": round(float(np.percentile(ms, 95)), 2),
            "median_answer_chars": int(np.median(lengths)),
            "max_answer_chars": max(lengths),
            "max_answer_bytes": max((len(o.answer.encode("utf-8")) for o in self.outcomes), default=0),
        }

    def failures(self) -> list[str]:
        lines = []
        for o in self.outcomes:
            q = o.question
            problems = []
            if o.in_scope and not o.top1:
                problems.append(f"answered {o.policy}, expected {sorted(o.expected)} (ranked {o.ranked[:3]})")
            elif not o.in_scope and o.policy is not None:
                problems.append(f"out of scope, answered {o.policy}")
            if o.in_scope and not o.facts_ok and (q.get("expect") or []):
                missing = [e for e in q["expect"] if normalise_for_match(e) not in normalise_for_match(o.answer)]
                problems.append(f"answer lacks {missing}")
            if problems:
                lines.append(f"FAIL {q.get('id', '?')} {q['q']!r}: " + "; ".join(problems))
        return lines


def _share(flags: Iterable[bool]) -> float:
    flags = list(flags)
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def evaluate(assistant: Assistant, questions: Sequence[dict[str, Any]], mode: str = "hybrid") -> Report:
    report = Report(mode=mode)
    for q in questions:
        started = time.perf_counter()
        answer = assistant.ask(q["q"], mode=mode)
        ms = (time.perf_counter() - started) * 1000
        report.outcomes.append(Outcome(q, answer.policy, answer.ranked, answer.answer, answer.field, ms))
    return report
