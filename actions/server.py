"""The action server: rasa-sdk's webhook for the Rasa server, plus /api/ for the web channels (actions/api.py).

    python -m actions.server [--port 5055] [--host 127.0.0.1]

It listens on loopback unless POLICYBOT_ACTION_TOKEN is set; with a token, /webhook, /actions and /api/ (all but
the health checks) need it, as `?token=…` (what Rasa's action_endpoint sends) or `Authorization: Bearer …`.
Errors are short JSON with a 4xx status, never a traceback or the request echoed. The knowledge base and index
load before the server accepts requests.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import logging
import os
import sys

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Request, response
from sanic.exceptions import SanicException

from knowledge.errors import BuildUnavailable, InvalidInput, PolicybotError
from ops.logs import configure_logging

from .api import ApiError, api, error
from .service import conversation

log = logging.getLogger("policybot.api")
OPEN_PATHS = ("/health", "/api/health")  # the supervisor's health checks need no token


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_ok(request: Request, token: str) -> bool:
    given = request.args.get("token") or ""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode())


def make_app(token: str | None = None, cors_origins: list[str] | None = None):
    executor = ActionExecutor()
    executor.register_package("actions")
    # rasa-sdk allows CORS from "*" by default; browsers may call only from the configured origins
    app = create_app(executor, cors_origins=cors_origins or None)
    app.blueprint(api)

    if token:
        @app.on_request
        async def require_token(request: Request):
            if request.path not in OPEN_PATHS and not token_ok(request, token):
                return error(401, "a valid token is required")

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
    async def no_internals(request: Request, resp):
        # rasa-sdk's own handler of any exception answers 500 with its text and the request body; what an action
        # call that rasa-sdk could not read gets is a 400, anything else a bare 500 (the log has the traceback)
        if resp.status >= 500:
            if request.path == "/webhook":
                return error(400, "malformed action call")
            return error(500, "internal error")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="policybot action server (rasa-sdk) and /api")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", 5055)))
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    args = parser.parse_args()
    configure_logging()
    token = os.environ.get("POLICYBOT_ACTION_TOKEN") or None
    if not token and not is_loopback(args.host):
        sys.exit(f"refusing to listen on {args.host} without POLICYBOT_ACTION_TOKEN: anyone could run the actions")
    conversation()  # load the knowledge base, index and model now, not on the first request
    app = make_app(token, os.environ.get("POLICYBOT_CORS_ORIGINS", "").split())
    log.info("action server on http://%s:%d (webhook /webhook, api /api%s)", args.host, args.port,
             ", token required" if token else "")
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
