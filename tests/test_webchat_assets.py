"""The widget's files (bot/webchat/): one script with its styles inlined, and nothing in it that could turn a
reply's text into markup or code."""

from __future__ import annotations

import json
import re

from bot.webchat.assets import CSS_SLOT, STATIC, assets


def test_the_script_carries_its_styles_as_a_string():
    js = assets()["widget.js"].body.decode("utf-8")
    css = (STATIC / "widget.css").read_text(encoding="utf-8")
    assert CSS_SLOT not in js
    literal = re.search(r"var CSS = (\".*?(?<!\\)\");", js, re.S).group(1)
    assert json.loads(literal.replace("<\\/", "</")) == css
    assert "@media (max-width: 480px)" in css and ":host" in css


def test_the_script_never_builds_markup_from_strings():
    """Replies are text: the script creates elements and text nodes only (the browser tests show it with a reply
    that holds an <img onerror>). None of the sinks that parse strings as HTML or code may appear."""
    js = (STATIC / "widget.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", js, flags=re.S)  # comments may name them
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setTimeout(\"", "DOMParser", "createContextualFragment", "srcdoc"):
        assert sink not in code, sink
    assert "attachShadow" in code and 'aria-live": "polite"' in code


def test_the_demo_page_embeds_the_widget_with_one_tag():
    html = assets()["demo"].body.decode("utf-8")
    assert html.count("<script") == 1
    assert '<script src="/webhooks/webchat/widget.js" data-title="政策咨询"></script>' in html
