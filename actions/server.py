"""The action server: rasa-sdk's webhook for the Rasa server, /api/ for the web channels (actions/api.py) and the
hotline agents' console at /console/ (actions/console.py).

    python -m actions.server [--port 5055] [--host 127.0.0.1]

Two tokens, two roles (actions/access.py). POLICYBOT_ACTION_TOKEN guards /webhook and /actions, as `?token=…`
(what Rasa's action_endpoint sends) or `Authorization: Bearer …`. POLICYBOT_AGENT_TOKEN guards /api/ and
/console/, as `Authorization: Bearer …`, `X-Agent-Token: …` or the console login's cookie. On loopback either may
be absent; on any other address the server refuses to start without both. The health checks stay open. /api/ and
the login are rate-limited per client address (actions/ratelimit.py, POLICYBOT_API_RATE).
Errors are short JSON with a 4xx status, never a traceback or the request echoed. The knowledge base and index
load before the server accepts requests.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Request, response
from sanic.exceptions import SanicException

from knowledge.errors import BuildUnavailable, InvalidInput, PolicybotError
from ops.logs import configure_logging
from policybot.settings import settings

from .access import COOKIE, AgentAccess, bearer, is_loopback, missing_tokens, same_secret
from .api import ApiError, api, error
from .console import PAGE_HEADERS, console_blueprint
from .ratelimit import RateLimiter, from_setting
from .service import conversation

log = logging.getLogger("policybot.api")
OPEN_PATHS = ("/health", "/api/health")  # the supervisor's health checks need no token
__all__ = ["make_app", "is_loopback", "main"]


def action_token_ok(request: Request, token: str) -> bool:
    given = bearer(request.headers.get("authorization", "")) or request.args.get("token") or ""
    return same_secret(given, token)


def is_agent_path(path: str) -> bool:
    return path == "/api" or path.startswith(("/api/", "/console"))


def is_console_open(path: str, method: str) -> bool:
    """The console's files that hold no data, and its login and logout: reachable without the agent token."""
    return path in ("/console/login", "/console/logout", "/console/console.css",
                    "/console/favicon.svg") or (
        path == "/console/" and method == "GET")  # the page itself sends the agent to the login


def make_app(token: str | None = None, cors_origins: list[str] | None = None, *, agent_token: str | None = None,
             limiter: RateLimiter | None = None):
    """`token`: the action token (/webhook, /actions); `agent_token`: the console's and /api's; `limiter`: the
    rate limit of /api and the login (None: none)."""
    executor = ActionExecutor()
    executor.register_package("actions")
    # rasa-sdk allows CORS from "*" by default; browsers may call only from the configured origins
    app = create_app(executor, cors_origins=cors_origins or None)
    app.blueprint(api)
    access = AgentAccess(agent_token)
    app.blueprint(console_blueprint(access))

    if limiter is not None:
        @app.on_request
        async def rate_limit(request: Request):
            limited = (request.path.startswith("/api/") and request.path not in OPEN_PATHS) or (
                request.path == "/console/login" and request.method == "POST")
            if limited:
                wait = limiter.take(request.ip or "?")
                if wait > 0:
                    return response.json({"error": "too many requests; wait a moment"}, status=429,
                                         headers={"Retry-After": str(max(1, math.ceil(wait)))})

    @app.on_request
    async def require_tokens(request: Request):
        path = request.path
        if path in OPEN_PATHS:
            return None
        if is_agent_path(path):
            if access.required and not is_console_open(path, request.method) \
                    and not access.allowed(request.headers, request.cookies.get(COOKIE)):
                if path.startswith("/console"):
                    return response.redirect("/console/login", status=303, headers=PAGE_HEADERS)
                return error(401, "an agent token is required (Authorization: Bearer, X-Agent-Token, or log in at "
                                  "/console/login)")
        elif token and not action_token_ok(request, token):
            return error(401, "a valid token is required")
        return None

    @app.on_request
    async def check_action_call(request: Request):
        # rasa-sdk reads any JSON and fails with a 500 that echoes the body when it is not an action call
        if request.path == "/webhook" and request.method == "POST":
            try:
                call = request.json
            except Exception:
                call = None
            if not (isinstance(call, dict) and isinstance(call.get("next_action"), str)
                    and isinstance(call.get("tracker"), dict)):
                return error(400, "not an action call")

    @app.exception(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return error(exc.status, str(exc))

    @app.exception(InvalidInput)
    async def invalid_input(request: Request, exc: InvalidInput):
        return error(400, str(exc))

    @app.exception(BuildUnavailable)
    async def build_unavailable(request: Request, exc: BuildUnavailable):
        log.error("%s %s: %s", request.method, request.path, exc)
        return error(503, "the policy knowledge base is not available right now")

    @app.exception(PolicybotError)
    async def policybot_error(request: Request, exc: PolicybotError):
        log.exception("%s %s failed", request.method, request.path)
        return error(500, "internal error")

    @app.exception(SanicException)
    async def http_error(request: Request, exc: SanicException):
        # not found, method not allowed, malformed request: Sanic's status, our short message
        status = getattr(exc, "status_code", 400) or 400
        return error(status, {404: "not found", 405: "method not allowed"}.get(status, "bad request"))

    @app.on_response
    async def no_store(request: Request, resp):
        if request.path.startswith("/api/"):
            resp.headers.setdefault("Cache-Control", "no-store")  # answers are looked up live, never cached

    @app.on_response
    async def no_internals(request: Request, resp):
        # rasa-sdk's own handler of any exception answers 500 with its text and the request body; what an action
        # call that rasa-sdk could not read gets is a 400, anything else a bare 500 (the log has the traceback)
        if resp.status >= 500:
            if request.path == "/webhook":
                return error(400, "malformed action call")
            return error(500, "internal error")

    return app


def main() -> None:
    config = settings()
    parser = argparse.ArgumentParser(description="policybot action server (rasa-sdk) and /api")
    parser.add_argument("--port", type=int, default=config.action_port)
    parser.add_argument("--host", default=config.action_host)
    args = parser.parse_args()
    configure_logging()
    token = os.environ.get("POLICYBOT_ACTION_TOKEN") or None
    agent_token = os.environ.get("POLICYBOT_AGENT_TOKEN") or None
    problems = missing_tokens(args.host, token, agent_token)
    if problems:
        sys.exit(f"refusing to start the action server on {args.host}: " + "; ".join(
            p if "must" in p or "shorter" in p else f"missing {p}" for p in problems))
    try:
        limiter = from_setting(config.api_rate)
    except ValueError as exc:
        sys.exit(str(exc))
    conversation()  # load the knowledge base, index and model now, not on the first request
    app = make_app(token, list(config.cors_origins), agent_token=agent_token,
                   limiter=limiter)
    log.info("action server on http://%s:%d (webhook /webhook%s; api /api and console /console/%s)", args.host,
             args.port, ", action token required" if token else "", ", agent token required" if agent_token else "")
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
