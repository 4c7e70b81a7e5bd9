"""/api/ for the web channels: one-shot questions, search, entries, profile matches.

    GET|POST /api/ask     q (≤ 500 characters), region (a 旗区), entry (answer from this entry); the answer and
                          its console card (policybot/card.py)
    GET|POST /api/search  q, k (1–20)
    GET      /api/entries/<id>
    GET      /api/facts   the enterprise facts and their values (knowledge/facts.yml), for forms built from data
    POST     /api/match   {"profile": {...canonical facts...}}

Every parameter's type and length is checked before the assistant is called; a bad request is a 4xx with a short
JSON error that never repeats what the client sent (the caller knows it, and a page could render it).
"""

from __future__ import annotations

import json
from typing import Any

from sanic import Blueprint, Request, response

from knowledge.errors import InvalidInput
from knowledge.vocab import facts as load_facts, fields as load_fields
from index.query import detect_region
from policybot.assistant import get_assistant
from policybot.card import make_card
from policybot.matcher import match
from policybot.profile import canonical_profile, options

api = Blueprint("policybot_api", url_prefix="/api")
MAX_QUESTION = 500  # characters; a longer "question" is not a question
MAX_K = 20


class ApiError(InvalidInput):
    """A request the API refuses, with its HTTP status; the message is safe to return (no client input in it)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def error(status: int, message: str) -> response.HTTPResponse:
    return response.json({"error": message}, status=status)


def body_object(request: Request) -> dict[str, Any]:
    """The JSON object a POST carries ({} for GET or an empty body)."""
    if request.method != "POST" or not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise ApiError("the body must be a JSON object")
    return body


def param(request: Request, body: dict[str, Any], name: str) -> str | None:
    """A string parameter from the query string or the JSON body; anything but a string is refused."""
    values = request.args.getlist(name) if name in request.args else None
    if values is not None:
        if len(values) != 1:
            raise ApiError(f"{name} given more than once")
        return values[0]
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ApiError(f"{name} must be a string")
    return value


def question(request: Request, body: dict[str, Any]) -> str:
    q = (param(request, body, "q") or "").strip()
    if not q:
        raise ApiError("missing q (the question)")
    if len(q) > MAX_QUESTION:
        raise ApiError(f"q is longer than {MAX_QUESTION} characters")
    return q


def region_of(request: Request, body: dict[str, Any]) -> str | None:
    raw = param(request, body, "region")
    if not raw or not raw.strip():
        return None
    region = detect_region(raw[:50], load_facts()["region"])
    if region is None:
        raise ApiError("unknown region; give a 旗区 such as 阿拉善左旗")
    return region


def top_k(request: Request, body: dict[str, Any]) -> int:
    raw = request.args.get("k") if "k" in request.args else body.get("k", 5)
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit() and len(raw.strip()) <= 3:
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_K:
        raise ApiError(f"k must be a whole number from 1 to {MAX_K}")
    return raw


def entry_of(request: Request, body: dict[str, Any]) -> int | None:
    raw = param(request, body, "entry")
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    entry = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else None
    if entry is None or get_assistant().record(entry) is None:
        raise ApiError(f"entry must be an entry number, 1–{len(get_assistant().records)}")
    return entry


@api.get("/health")
async def health(_: Request):
    return response.json({"status": "ok", "entries": len(get_assistant().records)})


@api.route("/ask", methods=["GET", "POST"])
async def ask(request: Request):
    body = body_object(request)
    q, region, chosen = question(request, body), region_of(request, body), entry_of(request, body)
    assistant = get_assistant()
    answer = assistant.ask(q, region=region, entry=chosen)
    card = make_card(answer, assistant.records, load_fields(), list(load_facts()["region"].values))
    return response.json({**answer.to_dict(), "card": card.to_dict()})


@api.route("/search", methods=["GET", "POST"])
async def search(request: Request):
    body = body_object(request)
    q, k = question(request, body), top_k(request, body)
    assistant = get_assistant()
    result = assistant.search(q, k=k)
    scope = assistant.scope(result)
    return response.json({
        "covered": scope.covered, "fields": result.fields,
        "hits": [{"policy": h.entry, "title": assistant.records[h.entry].title, "score": round(h.score, 4),
                  "passages": [{"heading": p.passage.heading, "text": p.passage.text,
                                "lines": [p.passage.first_line, p.passage.last_line]} for p in h.passages[:2]]}
                 for h in result.hits],
    })


@api.get("/entries/<entry:str>")
async def entry(_: Request, entry: str):
    count = len(get_assistant().records)
    record = get_assistant().record(int(entry)) if entry.isascii() and entry.isdigit() and len(entry) <= 4 else None
    if record is None:
        raise ApiError(f"no such entry; entries are numbered 1–{count}", 404)
    return response.json(record.to_dict())


@api.get("/facts")
async def fact_schema(_: Request):
    """The one fact schema, for a profile form built from data: each fact's name, kind, question, the entity
    types it applies to, and its values as (label, value) options in the file's order."""
    return response.json({"facts": [
        {"key": f.key, "name": f.name, "kind": f.kind, "ask": f.ask, "applies_to": list(f.applies_to),
         "form": f.form, "options": [{"label": label, "value": value} for label, value in options(f)]}
        for f in load_facts().values()]})


@api.post("/match")
async def match_profile(request: Request):
    body = body_object(request)
    profile = body.get("profile", body)
    if not isinstance(profile, dict):
        raise ApiError('send {"profile": {...}} with canonical facts')
    try:
        checked = canonical_profile(profile, load_facts())
    except ValueError as exc:  # its messages name the fact and the accepted values, never the value sent
        raise ApiError(str(exc)) from None
    return response.json(match(list(get_assistant().records.values()), checked).to_dict())
