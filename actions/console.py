"""/console/: the hotline agents' page (actions/static/console/), its login, and the headers its pages carry.

    GET  /console/          the console (a login first when an agent token is set and none was given)
    GET  /console/login     the login form; POST with `token` sets the signed cookie (actions/access.py)
    POST /console/logout    clears the cookie
    GET  /console/<file>    console.js, console.css, favicon.svg

The page is plain HTML, CSS and JavaScript from this repository: no CDN, no build step, nothing fetched from
elsewhere (the Content-Security-Policy says so to the browser too). It calls only /api/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

from sanic import Blueprint, Request, response

from .access import COOKIE, AgentAccess

STATIC = Path(__file__).resolve().parent / "static" / "console"
ASSETS = {"console.js": "text/javascript; charset=utf-8", "console.css": "text/css; charset=utf-8",
          "favicon.svg": "image/svg+xml"}
MAX_LOGIN_BODY = 1024  # bytes of a login form
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
LOGIN_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>政策热线坐席台 · 登录</title><link rel="icon" href="/console/favicon.svg"><link rel="stylesheet" href="/console/console.css"></head>
<body class="login"><main class="login-box"><h1>政策热线坐席台</h1>
<form method="post" action="/console/login">
<label for="token">坐席口令（POLICYBOT_AGENT_TOKEN）</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">登录</button></form>{message}</main></body></html>
"""
WRONG_TOKEN = '<p class="error" role="alert">口令不正确，请重试。</p>'


def console_blueprint(access: AgentAccess) -> Blueprint:
    bp = Blueprint("policybot_console", url_prefix="/console")
    files = {name: (STATIC / name).read_bytes() for name in ("index.html", *ASSETS)}  # loaded once, at start

    def page(body: str | bytes, status: int = 200, content_type: str = "text/html; charset=utf-8"):
        return response.raw(body.encode() if isinstance(body, str) else body, status=status,
                            content_type=content_type, headers=PAGE_HEADERS)

    def see_other(where: str):
        return response.redirect(where, status=303, headers=PAGE_HEADERS)

    def signed_in(request: Request) -> bool:
        return access.allowed(request.headers, request.cookies.get(COOKIE))

    @bp.get("/")
    async def index(request: Request):
        if not signed_in(request):
            return see_other("/console/login")
        return page(files["index.html"])

    @bp.get("/<name:str>")
    async def asset(_: Request, name: str):
        if name not in ASSETS:
            return response.json({"error": "not found"}, status=404)
        return page(files[name], content_type=ASSETS[name])

    @bp.route("/login", methods=["GET", "POST"])
    async def login(request: Request):
        if not access.required:
            return see_other("/console/")
        if request.method == "GET":
            return page(LOGIN_PAGE.format(message=""))
        body = request.body or b""
        form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=4) if len(body) <= MAX_LOGIN_BODY else {}
        given = (form.get("token") or [""])[0]
        if not access.token_ok(given):
            return page(LOGIN_PAGE.format(message=WRONG_TOKEN), status=401)
        resp = see_other("/console/")
        secure = request.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
        resp.add_cookie(COOKIE, access.issue_cookie(), path="/", max_age=access.ttl, httponly=True,
                        samesite="Strict", secure=secure)
        return resp

    @bp.post("/logout")
    async def logout(_: Request):
        resp = see_other("/console/login")
        resp.add_cookie(COOKIE, "", path="/", max_age=0, httponly=True, samesite="Strict", secure=False)
        return resp

    return bp
