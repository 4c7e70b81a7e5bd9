"""The action server: rasa-sdk's webhook for the Rasa server, plus /api/ for the web channels.

    python -m actions.server [--port 5055] [--host 127.0.0.1]

/api/search?q=…&k=5, /api/ask?q=…&region=…, /api/entries/<id>, POST /api/match {"profile": {...}}; errors are JSON
with a 4xx status, never a traceback. The knowledge base and index load before the server accepts requests.
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Blueprint, Request, response

from knowledge.errors import PolicybotError
from knowledge.vocab import facts as load_facts
from policybot.assistant import get_assistant
from policybot.matcher import match
from policybot.profile import canonical_profile

from .service import conversation

log = logging.getLogger("policybot.api")
api = Blueprint("policybot_api", url_prefix="/api")
MAX_QUESTION = 500  # characters; a longer "question" is not a question


def _question(request: Request) -> str:
    q = request.args.get("q")
    if q is None and request.method == "POST":
        body = request.json if request.body else {}
        q = (body or {}).get("q") if isinstance(body, dict) else None
    q = (q or "").strip()
    if not q:
        raise ValueError("missing q (the question)")
    if len(q) > MAX_QUESTION:
        raise ValueError(f"q is longer than {MAX_QUESTION} characters")
    return q


def _error(status: int, message: str):
    return response.json({"error": message}, status=status)


@api.get("/health")
async def health(_: Request):
    return response.json({"status": "ok", "entries": len(get_assistant().records)})


@api.route("/ask", methods=["GET", "POST"])
async def ask(request: Request):
    try:
        q = _question(request)
        region = request.args.get("region") or ((request.json or {}).get("region") if request.method == "POST"
                                                 and request.body else None)
        return response.json(get_assistant().ask(q, region=region).to_dict())
    except ValueError as exc:
        return _error(400, str(exc))


@api.route("/search", methods=["GET", "POST"])
async def search(request: Request):
    try:
        q = _question(request)
        k = max(1, min(int(request.args.get("k", 5)), 20))
    except ValueError as exc:
        return _error(400, str(exc))
    assistant = get_assistant()
    result = assistant.search(q, k=k)
    scope = assistant.scope(result)
    return response.json({
        "query": q, "covered": scope.covered, "fields": result.fields,
        "hits": [{"policy": h.entry, "title": assistant.records[h.entry].title, "score": round(h.score, 4),
                  "passages": [{"heading": p.passage.heading, "text": p.passage.text,
                                "lines": [p.passage.first_line, p.passage.last_line]} for p in h.passages[:2]]}
                 for h in result.hits],
    })


@api.get("/entries/<entry:int>")
async def entry(_: Request, entry: int):
    record = get_assistant().record(entry)
    if record is None:
        return _error(404, f"no entry {entry}; entries are numbered 1–{len(get_assistant().records)}")
    return response.json(record.to_dict())


@api.post("/match")
async def match_profile(request: Request):
    try:
        body = request.json
    except Exception:  # sanic raises on malformed JSON
        return _error(400, "the body is not JSON")
    if not isinstance(body, dict):
        return _error(400, 'send {"profile": {...}} with canonical facts')
    try:
        profile = canonical_profile(body.get("profile", body), load_facts())
    except ValueError as exc:
        return _error(400, str(exc))
    return response.json(match(list(get_assistant().records.values()), profile).to_dict())


def make_app():
    executor = ActionExecutor()
    executor.register_package("actions")
    app = create_app(executor)
    app.blueprint(api)

    @app.exception(PolicybotError)
    async def policybot_error(request: Request, exc: PolicybotError):
        log.error("%s %s: %s", request.method, request.path, exc)
        return _error(503, "the policy knowledge base is not available right now")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="policybot action server (rasa-sdk) and /api")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", 5055)))
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    conversation()  # load the knowledge base, index and model now, not on the first request
    app = make_app()
    log.info("action server on http://%s:%d (webhook /webhook, api /api)", args.host, args.port)
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
