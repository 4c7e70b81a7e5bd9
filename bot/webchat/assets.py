"""The widget's static files as the channel serves them (and the front, while Rasa restarts): widget.js with
widget.css inlined, so that a page loads one file, and the demo page. Read once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
CSS_SLOT = '/*WIDGET_CSS*/""'


@dataclass(frozen=True)
class Asset:
    content_type: str
    body: bytes


def widget_js() -> bytes:
    js = (STATIC / "widget.js").read_text(encoding="utf-8")
    css = (STATIC / "widget.css").read_text(encoding="utf-8")
    if CSS_SLOT not in js:
        raise RuntimeError(f"{STATIC / 'widget.js'} has no {CSS_SLOT} slot for the styles")
    # JSON is a JavaScript string literal; "</" is escaped so that the bundle could even be inlined in HTML
    return js.replace(CSS_SLOT, json.dumps(css, ensure_ascii=False).replace("</", "<\\/"), 1).encode("utf-8")


@lru_cache(maxsize=None)
def assets() -> dict[str, Asset]:
    """Route under /webhooks/webchat/ → what it serves."""
    return {
        "widget.js": Asset("application/javascript; charset=utf-8", widget_js()),
        "demo": Asset("text/html; charset=utf-8", (STATIC / "demo.html").read_bytes()),
    }


HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
