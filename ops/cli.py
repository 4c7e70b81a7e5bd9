"""`policybot` — the project's command line.

    policybot build [--force]                   knowledge base and index (each only when its inputs changed)
    policybot show ID [--json] | --all --json   entries as records
    policybot search QUERY [-k N] [--json]      ranked entries with scores and matched passages
    policybot ask QUESTION [--region R] [--json]
    policybot eval --questions FILE [--json] [--mode hybrid|lexical|dense]
    policybot bench [--queries N]               latency, build time, memory; hybrid vs lexical vs dense
    policybot match --profile JSON [--json]     entries that fit an enterprise profile
    policybot converse --file F [--url U]       conversations over a running bot's REST channel
    policybot wechat-sim [--url U] [--aes] [--fake-api-port P]   chat as a WeChat user (ops/wechat_sim.py)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Sequence

from knowledge.errors import PolicybotError
from knowledge.records import Record

from policybot import knowledge_base
from policybot.settings import settings


def _cmd_build(args: argparse.Namespace) -> int:
    cfg = settings()
    started = time.perf_counter()
    records, index, rebuilt = knowledge_base.build_all(cfg, force=args.force)
    took = time.perf_counter() - started
    sections = sum(len(r.sections) for r in records)
    phones = sum(len(r.contacts) for r in records)
    print(f"knowledge base: {len(records)} entries, {sections} sections, {phones} phone contacts "
          f"→ {_rel(cfg.knowledge_base, cfg.root)}")
    from knowledge.vocab import facts as load_facts
    from knowledge.vocab import fields as load_fields

    from bot import training_data

    written = training_data.write(records, load_facts(), load_fields())
    print(f"rasa training data: {', '.join(_rel(p, cfg.root) for p in written)}")
    m = index.manifest
    state = f"built in {m['build_seconds']} s" if rebuilt else "up to date"
    print(f"index: {m['passages']} passages, model {m['model']['id']} ({m['model']['dimension']} dims) "
          f"→ {_rel(index.directory, cfg.root)}, {state} ({took:.2f} s in all)")
    return 0


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


def _cmd_search(args: argparse.Namespace) -> int:
    from policybot.assistant import get_assistant

    assistant = get_assistant()
    result = assistant.search(args.query, k=args.k, mode=args.mode)
    scope = assistant.scope(result)
    if args.json:
        print(json.dumps({
            "query": args.query, "terms": result.terms, "fields": result.fields, "covered": scope.covered,
            "scope": scope.reason,
            "hits": [{
                "policy": h.entry, "title": assistant.records[h.entry].title, "score": round(h.score, 4),
                "lexical": round(h.lexical, 4), "dense": round(h.dense, 4), "named": h.named,
                "passages": [{"kind": p.passage.kind, "heading": p.passage.heading, "score": round(p.score, 4),
                              "lexical": round(p.lexical, 4), "dense": round(p.dense, 4),
                              "lines": [p.passage.first_line, p.passage.last_line], "text": p.passage.text}
                             for p in h.passages[:3]],
            } for h in result.hits],
        }, ensure_ascii=False, indent=1))
        return 0
    print(f"terms: {' '.join(result.terms)}   fields: {', '.join(result.fields) or '-'}   "
          f"{'in scope' if scope.covered else 'NOT covered'}: {scope.reason}")
    for rank, h in enumerate(result.hits, start=1):
        r = assistant.records[h.entry]
        print(f"{rank:2d}. [{h.score:.3f}] {r.id} {r.title}  (bm25 {h.lexical:.2f}, dense {h.dense:.2f}"
              + (f", names “{h.named}”" if h.named else "") + ")")
        for p in h.passages[:2]:
            snippet = p.passage.text.replace("\n", " ")[:70]
            print(f"      {p.passage.heading} [{p.score:.3f}] {snippet}")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from policybot.assistant import get_assistant

    answer = get_assistant().ask(args.question, region=args.region)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(answer.answer)
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from policybot.assistant import get_assistant
    from .evaluate import evaluate, load_questions

    try:
        questions = load_questions(Path(args.questions))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = evaluate(get_assistant(), questions, mode=args.mode)
    for line in report.failures():
        print(line)
    metrics = report.metrics()
    if not args.json:
        print("  ".join(f"{k}={v}" for k, v in metrics.items()))
    print(json.dumps(metrics, ensure_ascii=False))
    return 0


def _cmd_converse(args: argparse.Namespace) -> int:
    from .converse import load_conversations, play, rest_sender

    try:
        conversations = [c for f in args.file for c in load_conversations(Path(f))]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        report = play(conversations, rest_sender(args.url, timeout=args.timeout))
    except OSError as exc:
        print(f"error: the bot at {args.url} does not answer ({exc}); start it with `make run`", file=sys.stderr)
        return 1
    for line in report.failures():
        print(line)
    print(json.dumps(report.metrics(), ensure_ascii=False))
    return 0


def _cmd_match(args: argparse.Namespace) -> int:
    from knowledge.vocab import facts as load_facts

    from policybot.matcher import match
    from policybot.profile import canonical_profile

    raw = args.profile
    if not raw.lstrip().startswith("{") and Path(raw).is_file():
        raw = Path(raw).read_text(encoding="utf-8")
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("the profile is a JSON object of facts")
        profile = canonical_profile(data.get("profile", data), load_facts())
    except ValueError as exc:
        print(f"error: bad profile: {exc}", file=sys.stderr)
        return 2
    result = match(knowledge_base.records(), profile)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return 0
    for m in result.matches:
        why = "；".join(m.reasons) or "无限制条件"
        todo = f"  待确认：{'、'.join(m.missing_facts)}" if m.missing_facts else ""
        print(f"{m.policy:2d}. {m.title}（{why}）{todo}")
    if result.possible:
        print("可能适合（还需确认）：")
        for m in result.possible:
            print(f"{m.policy:2d}. {m.title}（需确认：{'、'.join(m.missing_facts)}）")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_bench

    return run_bench(queries=args.queries, question_files=args.questions, cold=args.cold, build=not args.no_build)


def render_record(r: Record) -> str:
    """A plain-text view of one entry, every section with its heading."""
    lines = [f"{r.id}. {r.title}", f"类别：{r.category}　来源：{r.source} 第{r.first_line}–{r.last_line}行"]
    if r.aliases:
        lines.append("又称：" + "、".join(r.aliases))
    for s in r.sections:
        lines.append("")
        lines.append(f"【{s.heading}】（{s.kind}，第{s.first_line}–{s.last_line}行）")
        lines.append(s.text)
    if r.contacts:
        lines.append("")
        lines.append("电话：")
        for c in r.contacts:
            who = f"{c.label}" + (f"（{c.person}）" if c.person else "")
            lines.append(f"  {who}：{c.phone}")
    return "\n".join(lines)


def _cmd_show(args: argparse.Namespace) -> int:
    records = knowledge_base.records()
    if args.all:
        chosen = records
    else:
        if args.id is None:
            print("error: give an entry number (1–56) or --all", file=sys.stderr)
            return 2
        chosen = [r for r in records if r.id == args.id]
        if not chosen:
            print(f"error: no entry {args.id}; entries are numbered 1–{len(records)}", file=sys.stderr)
            return 2
    if args.json:
        data = [r.to_dict() for r in chosen]
        print(json.dumps(data if args.all else data[0], ensure_ascii=False, indent=1))
    else:
        print("\n\n".join(render_record(r) for r in chosen))
    return 0


def _cmd_wechat_sim(args: argparse.Namespace) -> int:
    import os

    from ops.wechat_sim import FakeCustomerService, WeChatSim, repl

    token = os.environ.get("WECHAT_TOKEN")
    if not token:
        print("error: set WECHAT_TOKEN (and for --aes WECHAT_AES_KEY, WECHAT_APPID) as for the bot", file=sys.stderr)
        return 2
    if args.aes and not (os.environ.get("WECHAT_AES_KEY") and os.environ.get("WECHAT_APPID")):
        print("error: --aes needs WECHAT_AES_KEY and WECHAT_APPID", file=sys.stderr)
        return 2
    sim = WeChatSim(args.url, token, os.environ.get("WECHAT_AES_KEY"), os.environ.get("WECHAT_APPID"))
    fake = FakeCustomerService(args.fake_api_port) if args.fake_api_port is not None else None
    try:
        repl(sim, args.user, args.aes, fake)
    finally:
        if fake is not None:
            fake.stop()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policybot", description="阿拉善盟涉企政策问答机器人")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="parse the sources, write the knowledge base and the index")
    b.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    b.set_defaults(func=_cmd_build)

    s = sub.add_parser("show", help="print one entry, or all of them")
    s.add_argument("id", nargs="?", type=int, help="entry number (1–56)")
    s.add_argument("--all", action="store_true", help="every entry")
    s.add_argument("--json", action="store_true", help="JSON records instead of text")
    s.set_defaults(func=_cmd_show)

    q = sub.add_parser("search", help="ranked entries with scores and the passages that matched")
    q.add_argument("query")
    q.add_argument("-k", type=int, default=5, help="how many entries (default 5)")
    q.add_argument("--mode", choices=("hybrid", "lexical", "dense"), default="hybrid")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_search)

    a = sub.add_parser("ask", help="the answer a user would get")
    a.add_argument("question")
    a.add_argument("--region", help="旗区 whose phones come first")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=_cmd_ask)

    e = sub.add_parser("eval", help="measure ask over a question file; the last line is a JSON summary")
    e.add_argument("--questions", required=True, help="a .jsonl file as tests/data/dev_questions.jsonl")
    e.add_argument("--mode", choices=("hybrid", "lexical", "dense"), default="hybrid")
    e.add_argument("--json", action="store_true", help="only failures and the JSON line")
    e.set_defaults(func=_cmd_eval)

    c = sub.add_parser("converse", help="play conversation files over a running bot's REST channel")
    c.add_argument("--file", required=True, nargs="+", help="conversation .jsonl files (dev_conversations format)")
    c.add_argument("--url", default="http://localhost:5005", help="the Rasa server (default :5005)")
    c.add_argument("--timeout", type=float, default=30, help="seconds to wait for one reply")
    c.set_defaults(func=_cmd_converse)

    m = sub.add_parser("match", help="entries that fit an enterprise profile (canonical facts as JSON)")
    m.add_argument("--profile", required=True, help='JSON object or file, e.g. {"entity_type": "个体工商户"}')
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=_cmd_match)

    n = sub.add_parser("bench", help="latency, build time and memory of hybrid, lexical and dense search")
    n.add_argument("--queries", type=int, default=1000, help="timed queries per mode after warm-up")
    n.add_argument("--questions", nargs="*", default=None, help="question files (default: tests/data/*.jsonl)")
    n.add_argument("--cold", action="store_true", help="time the index build with an empty teacher cache")
    n.add_argument("--no-build", action="store_true", help="skip timing an index build")
    n.set_defaults(func=_cmd_bench)

    w = sub.add_parser("wechat-sim", help="chat with a running bot as a WeChat user (signed, optionally encrypted)")
    w.add_argument("--url", default="http://localhost:5005", help="the bot (default :5005)")
    w.add_argument("--aes", action="store_true", help="safe mode: encrypt requests, decrypt replies")
    w.add_argument("--user", default="oSIMUSER0000000000000000001", help="the OpenID to write as")
    w.add_argument("--fake-api-port", type=int, default=None,
                   help="run the customer-service API fake on this port and print what the bot pushes")
    w.set_defaults(func=_cmd_wechat_sim)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except PolicybotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `policybot show --all | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
