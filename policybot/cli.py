"""`policybot` — the project's command line.

    policybot build                 parse the sources, write the knowledge base (and the index)
    policybot show ID [--json]      one entry
    policybot show --all --json     every entry
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Sequence

from knowledge.errors import PolicybotError
from knowledge.records import Record

from . import knowledge_base
from .settings import settings


def _cmd_build(args: argparse.Namespace) -> int:
    cfg = settings()
    started = time.perf_counter()
    records = knowledge_base.build(cfg)
    took = time.perf_counter() - started
    sections = sum(len(r.sections) for r in records)
    phones = sum(len(r.contacts) for r in records)
    print(f"knowledge base: {len(records)} entries, {sections} sections, {phones} phone contacts "
          f"→ {cfg.knowledge_base.relative_to(cfg.root)} ({took:.2f} s)")
    return 0


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


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policybot", description="阿拉善盟涉企政策问答机器人")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="parse the sources and write the knowledge base")
    b.set_defaults(func=_cmd_build)

    s = sub.add_parser("show", help="print one entry, or all of them")
    s.add_argument("id", nargs="?", type=int, help="entry number (1–56)")
    s.add_argument("--all", action="store_true", help="every entry")
    s.add_argument("--json", action="store_true", help="JSON records instead of text")
    s.set_defaults(func=_cmd_show)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except PolicybotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `policybot show --all | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
