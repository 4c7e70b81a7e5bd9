"""The hotline console (/console/) in Debian's chromium against the real action server, started once per module:
finding an entry as an agent types, switching the 旗区, the keyboard, copying an answer (Clipboard API and the
plain-HTTP fallback), the caller's profile and its matches, and the login when a token is set."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.action_server import start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AGENT = "agent-" + "0f1e2d3c" * 3
VIEWPORT = {"width": 1280, "height": 860}
# Without the Clipboard API (plain HTTP in an intranet); execCommand("copy") records what it would copy.
NO_CLIPBOARD = """
Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined, configurable: true});
window.__copied = [];
const realExec = Document.prototype.execCommand;
Document.prototype.execCommand = function (name, ...rest) {
  if (name === 'copy') { window.__copied.push(document.activeElement && document.activeElement.value); return true; }
  return realExec.call(this, name, ...rest);
};
"""
# The first request for 高新 answers 1.5 s late, after the newer question's answer (an out-of-order response).
SLOW_FIRST = """
const realFetch = window.fetch;
window.__slowDone = false;
window.fetch = async (url, init = {}) => {
  if (String(url).includes(encodeURIComponent('高新')) && !window.__slowSeen) {
    window.__slowSeen = true;
    await new Promise((r) => setTimeout(r, 1500));
    const resp = await realFetch(url, {...init, signal: undefined});
    setTimeout(() => { window.__slowDone = true; }, 50);
    return resp;
  }
  return realFetch(url, init);
};
"""


@pytest.fixture(scope="module")
def server():
    proc, port = start_server({})  # loopback, no token: as an agent's own machine runs it
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/console/")
    page.wait_for_selector("#profile-form fieldset")  # the fact schema has arrived
    yield page
    context.close()
    assert errors == []  # no script error, no failed request, nothing blocked by the CSP


def poll(page, expression: str, timeout: float = 10) -> None:
    """wait_for_function evaluates a string, which the console's CSP forbids (no unsafe-eval); evaluate does not."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, expression
        time.sleep(0.05)


def ask(page, question: str, policy: int) -> None:
    page.keyboard.type(question, delay=15)  # debounced: one request after the agent pauses
    page.wait_for_selector(f'.card.expanded[data-policy="{policy}"]')


def test_the_console_finds_an_entry_as_the_agent_types_and_switches_the_region(page, screenshots):
    assert page.evaluate("document.activeElement.id") == "q"  # focused on load
    ask(page, "战略性新兴产业专项资金找谁咨询", 1)
    card = page.locator(".card.expanded")
    assert "战略性新兴产业发展专项资金项目服务指南" in card.locator(".title").inner_text()
    assert card.locator(".cat").inner_text() == "产业发展政策"
    assert "咨询电话" in card.locator(".asked").inner_text()
    assert "原文第" in card.locator(".source").inner_text()
    assert card.locator(".phone-group .region-name").first.inner_text() == "阿拉善左旗"
    page.select_option("#region", "额济纳旗")
    expect(page.locator(".card.expanded .phone-group").first).to_have_class(re.compile("asked-region"))
    first = page.locator(".card.expanded .phone-group").first
    assert first.locator(".region-name").inner_text() == "额济纳旗"
    assert first.locator(".phone").inner_text() == "0483-6521855"
    assert "0483-6521855" in page.locator(".card.expanded .readout-text").inner_text()
    assert page.evaluate("document.activeElement.id") == "q"
    page.locator("#q").fill("")
    page.keyboard.type("高新企业奖多少钱", delay=15)
    page.wait_for_selector('.card.expanded[data-policy="17"]')
    card = page.locator(".card.expanded")
    assert "15万元" in card.locator(".answer").inner_text() and "0483-8331872" in card.inner_text()
    assert "本项没有额济纳旗的专门电话" in card.locator(".phones").inner_text()
    page.screenshot(path=str(screenshots / "console-results.png"))


def test_arrows_enter_and_escape(page):
    ask(page, "银税贷额度多少", 23)
    others = page.locator(".results .card:not(.expanded)")
    assert others.count() >= 2
    second = others.first.get_attribute("data-policy")
    page.keyboard.press("ArrowDown")
    assert page.locator('.card[aria-selected="true"]').get_attribute("data-policy") == second
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # stays on the first
    assert page.locator('.card[aria-selected="true"]').get_attribute("data-policy") == "23"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # expands: the same question answered from that entry
    page.wait_for_selector(f'.card.expanded[data-policy="{second}"]')
    assert page.locator("#q").input_value() == "银税贷额度多少"
    page.keyboard.press("Escape")
    expect(page.locator(".results .card")).to_have_count(0)
    assert page.locator("#q").input_value() == "" and page.evaluate("document.activeElement.id") == "q"


def test_copy_puts_the_readout_with_the_phone_on_the_clipboard(page):
    ask(page, "高新企业奖多少钱", 17)
    page.locator(".card.expanded .copy").click()
    page.wait_for_selector("#toast:not([hidden])")
    assert page.locator("#toast").inner_text() == "已复制"
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "15万元" in copied and "0483-8331872" in copied and "第17项" in copied
    assert copied == page.locator(".card.expanded .readout-text").inner_text()


def test_copy_works_without_the_clipboard_api(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(NO_CLIPBOARD)
    page = context.new_page()
    page.goto(f"{server}/console/")
    assert page.evaluate("navigator.clipboard") is None
    ask(page, "创业贷款要啥材料", 22)
    page.keyboard.press("Enter")  # Enter on the selected card copies it
    page.wait_for_selector("#toast:not([hidden])")
    copied = page.evaluate("window.__copied")
    assert len(copied) == 1 and "0483-8771031" in copied[0] and "营业执照" in copied[0]
    assert page.locator("#toast").inner_text() == "已复制"
    assert page.locator("textarea").count() == 0  # the hidden buffer is gone again
    context.close()


def test_a_late_answer_to_an_older_question_never_replaces_the_newer_one(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(SLOW_FIRST)
    page = context.new_page()
    page.goto(f"{server}/console/")
    page.keyboard.type("高新企业奖多少钱")
    poll(page, "window.__slowSeen === true")
    page.locator("#q").fill("创业贷款要啥材料")
    page.keyboard.press("Enter")
    page.wait_for_selector('.card.expanded[data-policy="22"]')
    poll(page, "window.__slowDone === true")
    assert page.locator(".card.expanded").get_attribute("data-policy") == "22"
    context.close()


def test_a_profile_lists_the_matching_entries_with_reasons_and_missing_facts(page, screenshots):
    form = page.locator("#profile-form")
    assert form.locator('fieldset[data-fact="region"]').count() == 0  # the 旗区 is the top selector
    form.locator('select[name="entity_type"]').select_option(label="个体工商户")
    # a fact that does not apply to a 个体工商户 is hidden; one that does is shown
    assert form.locator('fieldset[data-fact="enterprise_size"]').is_hidden()
    assert form.locator('fieldset[data-fact="owner_groups"]').is_visible()
    form.locator('select[name="is_veteran"]').select_option(label="是")
    form.locator('select[name="sector"]').select_option(label="批发零售餐饮服务")
    page.select_option("#region", "额济纳旗")
    expect(page.locator("#matches")).to_contain_text("退役军人：是")
    matches = page.locator("#matches .match-list").first.locator("li")
    assert matches.count() >= 3
    text = page.locator("#matches").inner_text()
    assert "适用的政策" in text and "经营主体：个体工商户" in text
    # in one read: the list may be drawn again (the 旗区 changed) between a count and the items read one by one
    titles = matches.locator(".m-title").all_inner_texts()
    assert any("退役" in t or "崇军贷" in t for t in titles[:5]), titles
    # a match opens as a card on the left
    matches.first.locator(".m-title").click()
    policy = matches.first.get_attribute("data-policy")
    page.wait_for_selector(f'.card.expanded[data-policy="{policy}"]')
    page.screenshot(path=str(screenshots / "console-profile.png"))
    page.locator("#profile-reset").click()
    expect(page.locator("#matches")).not_to_contain_text("经营主体：个体工商户")


def test_with_a_token_the_console_asks_for_a_login_first(browser):
    proc, port = start_server({"POLICYBOT_AGENT_TOKEN": AGENT})
    try:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/console/")
        assert page.url.endswith("/console/login")
        page.fill("#token", "wrong-token-wrong-token")
        page.keyboard.press("Enter")
        page.wait_for_selector(".error")
        page.fill("#token", AGENT)
        page.keyboard.press("Enter")
        page.wait_for_url("**/console/")
        cookie = next(c for c in context.cookies() if c["name"] == "policybot_agent")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and AGENT not in cookie["value"]
        page.wait_for_selector("#profile-form fieldset")
        ask(page, "高新企业奖多少钱", 17)
        context.close()
    finally:
        stop_server(proc)


def test_docs_screenshots_exist():
    """The README shows the screenshots this module saves; copies live in docs/screenshots/."""
    from tests.browser.conftest import ROOT

    for name in ("console-results.png", "console-profile.png"):
        assert (ROOT / "docs" / "screenshots" / name).stat().st_size < 400_000, name
