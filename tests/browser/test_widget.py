"""The website widget on its demo page, driven in Debian's chromium against the real servers (front, Rasa with the
webchat channel, action server; the session's `front_bot`): a conversation with a follow-up and a quick reply,
a reload that keeps transcript and conversation, the server gone and back, a phone-sized screen, markup in a
reply shown as text, and ids the server did not sign refused. Screenshots go to var/screenshots/."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from bot.input_check import UNAVAILABLE_REPLY
from ops import services
from ops.front import Front

from ..conftest import WEBCHAT_ORIGIN as ALLOWED_ORIGIN

pytestmark = [pytest.mark.browser, pytest.mark.slow]

W = "policybot-webchat"  # the widget's element; Playwright's CSS locators pierce its (open) shadow root
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def bot(front_bot):
    return front_bot


@pytest.fixture
def page(browser, bot):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{bot.rasa_url}/webhooks/webchat/demo")
    yield page
    context.close()


def bot_messages(page):
    return page.locator(f"{W} .msg.bot .text")


def say(page, text: str) -> str:
    """Types a message as a user would (Enter sends) and returns the reply's text."""
    before = bot_messages(page).count()
    page.locator(f"{W} textarea").fill(text)
    page.locator(f"{W} textarea").press("Enter")
    expect(bot_messages(page)).to_have_count(before + 1, timeout=TIMEOUT_MS)
    expect(page.locator(f"{W} .typing")).to_be_hidden()
    return bot_messages(page).last.inner_text()


def stored(page) -> dict:
    return page.evaluate("""() => JSON.parse(Object.entries(localStorage)
        .find(([k]) => k.startsWith("policybot-webchat:"))[1])""")


def test_a_conversation_with_a_follow_up_a_quick_reply_and_a_reload(page, screenshots):
    launcher = page.locator(f"{W} .launcher")
    expect(launcher).to_have_text("政策咨询")  # data-title
    launcher.click()
    expect(page.locator(f"{W} textarea")).to_be_focused()
    expect(page.locator(f"{W} [role=log]")).to_have_attribute("aria-live", "polite")
    first = say(page, "高新技术企业认定有什么奖励")
    assert "15万元" in first
    link = bot_messages(page).last.locator("a").first
    assert link.get_attribute("href").startswith("tel:0483") and "-" not in link.get_attribute("href")
    page.locator(f"{W} .quick button", has_text="全部材料").click()
    expect(page.locator(f"{W} .msg.user .text").last).to_have_text("全部材料")  # the title shows as the user's message
    expect(bot_messages(page)).to_have_count(3)  # the welcome and two replies
    assert "高新技术企业认定申请书" in bot_messages(page).last.inner_text()
    phones = say(page, "联系电话是多少")  # a typed follow-up keeps the entry
    assert phones.startswith("【国家高新技术企业】") and "0483-8331872" in phones
    page.screenshot(path=str(screenshots / "widget-desktop.png"))

    transcript = page.locator(f"{W} .msg .text").all_inner_texts()
    sender = stored(page)["sender"]
    page.reload()
    expect(page.locator(f"{W} .panel")).to_be_visible()  # it was open: it opens again, with the transcript
    assert page.locator(f"{W} .msg .text").all_inner_texts() == transcript
    assert stored(page)["sender"] == sender
    reply = say(page, "办下来要多久")
    assert reply.startswith("【国家高新技术企业】")  # the same conversation: the entry is still the one discussed

    page.locator(f"{W} textarea").press("Escape")  # keyboard: Esc closes and gives focus back to the launcher
    expect(page.locator(f"{W} .panel")).to_be_hidden()
    expect(launcher).to_be_focused()


def test_the_server_gone_and_back(page, bot):
    """The front stopped: the widget says it cannot connect, keeps the message, and "重试" sends it once the
    server is back. Rasa down behind a running front: the front's apology shows as the reply."""
    page.locator(f"{W} .launcher").click()
    assert "15万元" in say(page, "高新技术企业认定有什么奖励")
    status = page.locator(f"{W} .status")
    front = bot.front
    try:
        front.stop()
        page.locator(f"{W} textarea").fill("需要什么材料")
        page.locator(f"{W} textarea").press("Enter")
        expect(status).to_be_visible()
        expect(status).to_contain_text("连不上")
        expect(status.locator("button")).to_have_text("重试")
        expect(page.locator(f"{W} .typing")).to_be_hidden()
        assert bot_messages(page).count() == 2
        bot.front = front = Front(bot.interface, bot.rasa_port, bot.rasa_private_port).start()
        status.locator("button").click()
        expect(bot_messages(page)).to_have_count(3)
        assert "高新技术企业认定申请书" in bot_messages(page).last.inner_text()
        expect(status).to_be_hidden()
        assert page.locator(f"{W} .msg.user .text").all_inner_texts() == ["高新技术企业认定有什么奖励", "需要什么材料"]

        front.stop()  # a front whose Rasa does not answer (nothing listens on that port)
        bot.front = front = Front(bot.interface, bot.rasa_port, services.free_port(), timeout=2).start()
        assert say(page, "电话多少") == UNAVAILABLE_REPLY
        expect(status).to_be_hidden()
    finally:
        front.stop()
        bot.front = Front(bot.interface, bot.rasa_port, bot.rasa_private_port).start()


def test_a_phone_sized_screen(browser, bot, screenshots):
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{bot.rasa_url}/webhooks/webchat/demo")
        page.locator(f"{W} .launcher").tap()
        box = page.locator(f"{W} .panel").bounding_box()
        assert box == {"x": 0, "y": 0, "width": 375, "height": 667}  # full screen
        reply = say(page, "创业担保贷款需要什么材料")
        assert "身份证" in reply
        page.locator(f"{W} .handoff").tap()  # "转人工 / 联系电话": the phones of the entry under discussion
        expect(bot_messages(page)).to_have_count(3)
        expect(page.locator(f"{W} .msg.user .text").last).to_have_text("转人工")
        assert "0483" in bot_messages(page).last.inner_text()
        page.screenshot(path=str(screenshots / "widget-phone.png"))
    finally:
        context.close()


def test_markup_in_a_reply_or_a_message_is_shown_as_text(page):
    markup = '<img src=x onerror="window.__pwned=1">'
    page.locator(f"{W} .launcher").click()
    say(page, markup)  # through the real servers: the user's own bubble
    # No reply quotes what a user wrote, so the webhook's answer is replaced by one that holds markup.
    crafted = [{"recipient_id": "x", "text": f"第一行 {markup} 0483-8338355；0483-8338356\n拨12345或13912345678，共1234567元",
                "buttons": [{"title": "<b>粗体</b>", "payload": "详细内容"}]}]
    page.route("**/webhooks/webchat/webhook", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(crafted)))
    reply = say(page, "随便问一句")
    assert reply == f"第一行 {markup} 0483-8338355；0483-8338356\n拨12345或13912345678，共1234567元"
    expect(page.locator(f"{W} .quick button")).to_have_text(["<b>粗体</b>"])
    assert page.locator(f"{W} .msg.user .text").first.inner_text() == markup
    assert page.locator(f"{W} img").count() == 0 and page.locator(f"{W} b").count() == 0
    assert page.evaluate("window.__pwned") is None
    links = [a.get_attribute("href") for a in bot_messages(page).last.locator("a").all()]
    assert links == ["tel:04838338355", "tel:04838338356", "tel:12345", "tel:13912345678"]


def post(url: str, body: dict, origin: str | None = None) -> tuple[int, dict, dict]:
    headers = {"Content-Type": "application/json", **({"Origin": origin} if origin else {})}
    req = urllib.request.Request(url, json.dumps(body).encode(), headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read()), {k.lower(): v for k, v in r.getheaders()}
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), {k.lower(): v for k, v in err.headers.items()}


def test_ids_the_server_did_not_sign_are_refused_and_cors_is_for_the_configured_origins(bot):
    from bot.webchat.ids import SenderIds

    base = f"{bot.rasa_url}/webhooks/webchat"
    status, data, _ = post(f"{base}/session", {})
    token = data["sender"]
    assert status == 200 and token.startswith("w1.")
    status, data, _ = post(f"{base}/webhook", {"sender": token, "message": "高新技术企业认定有什么奖励"})
    assert status == 200 and "15万元" in data[0]["text"]
    random_part, mac = token.split(".")[1:]
    forged = [f"w1.{random_part[::-1]}.{mac}", f"w1.{random_part}", "web:" + random_part, "u1",
              SenderIds(b"a-secret-this-server-does-not-have-0123").issue()]
    for sender in forged:
        status, data, _ = post(f"{base}/webhook", {"sender": sender, "message": "需要什么材料"})
        assert status == 403 and set(data) == {"error"}, sender
    status, _, _ = post(f"{base}/webhook", {"sender": 5, "message": "hi"})
    assert status == 400

    _, _, headers = post(f"{base}/session", {}, origin=ALLOWED_ORIGIN)
    assert headers.get("access-control-allow-origin") == ALLOWED_ORIGIN
    _, _, headers = post(f"{base}/session", {}, origin="https://elsewhere.example")
    assert "access-control-allow-origin" not in headers
    preflight = urllib.request.Request(f"{base}/webhook", method="OPTIONS", headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    with urllib.request.urlopen(preflight, timeout=30) as r:
        assert r.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN


def test_a_kept_id_the_server_refuses_starts_a_new_conversation(page):
    """An id from another secret (rotated) in localStorage: the widget says so, takes a new id, and is answered."""
    page.evaluate("""() => localStorage.setItem("policybot-webchat:" + location.origin + "/webhooks/webchat/",
        JSON.stringify({sender: "w1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA", items: [], open: false}))""")
    page.reload()
    page.locator(f"{W} .launcher").click()
    assert "15万元" in say(page, "高新技术企业认定有什么奖励")
    expect(page.locator(f"{W} .msg.note .text")).to_have_text("之前的会话已失效，已为您开始新的会话。")
    assert stored(page)["sender"] != "w1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"
