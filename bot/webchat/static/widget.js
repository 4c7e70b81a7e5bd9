/* policybot's website chat widget. A page embeds it with one tag:
 *   <script src="https://bot.example.gov.cn/webhooks/webchat/widget.js" data-title="政策咨询"></script>
 * Plain JavaScript, no dependencies. Everything it draws lives in a shadow root, so the host page's CSS cannot
 * change it. Replies are rendered as text (DOM text nodes, never HTML); phone numbers become tel: links.
 * The server issues a signed sender id (POST session); the widget keeps it and its transcript in localStorage, so a
 * reload shows the conversation and continues it.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__policybotWebchat) return; // one widget per page
  window.__policybotWebchat = true;

  var CSS = /*WIDGET_CSS*/"";
  var TITLE = (script.getAttribute("data-title") || "政策咨询").slice(0, 40);
  var BASE = new URL(script.getAttribute("data-server") || "/webhooks/webchat/", script.src);
  if (!/\/$/.test(BASE.pathname)) BASE = new URL(BASE.pathname + "/", BASE);
  var STORE_KEY = "policybot-webchat:" + BASE.href;
  var MAX_ITEMS = 80; // transcript entries kept for a reload
  var MAX_CHARS = 500; // the channel's limit (bot/input_check.py)
  var TIMEOUT_MS = 20000;
  var HANDOFF = "转人工";
  var UNREACHABLE = "暂时连不上咨询服务，您的消息没有发出。请检查网络后点“重试”。着急的话，可拨打12345政务服务便民热线。";
  var WELCOME = {
    from: "bot",
    text: "您好！我是阿拉善盟涉企政策咨询助手，回答依据《阿拉善盟2025年促进民营经济高质量发展—涉企政策服务指南（二）》。" +
      "\n您可以直接提问，也可以说“有什么政策适合我”，我来帮您逐项对照。",
    buttons: [
      { title: "有什么政策适合我", payload: "/start_matching" },
      { title: "高新技术企业认定有什么奖励", payload: "高新技术企业认定有什么奖励" },
      { title: "创业担保贷款需要什么材料", payload: "创业担保贷款需要什么材料" }
    ]
  };
  // 0483-8338355, mobile numbers, and the short hotlines (12345, 12366); not digits inside longer numbers.
  // No look-behind: older Safari cannot parse one, and a syntax error would lose the whole widget.
  var PHONE = /(^|[^\d.])(0\d{2,3}-\d{7,8}|1[3-9]\d{9}|123\d{2})(?![\d.])/g;

  // -- state, kept in localStorage --------------------------------------------------------------------------
  var state = load();
  var busy = false;
  var pending = null; // the payload waiting for a retry

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.items)) {
        return { sender: typeof saved.sender === "string" ? saved.sender : null, items: saved.items.filter(valid),
                 open: saved.open === true };
      }
    } catch (e) { /* storage blocked or damaged: start afresh */ }
    return { sender: null, items: [], open: false };
  }
  function valid(item) {
    return item && typeof item.text === "string" && (item.from === "user" || item.from === "bot" || item.from === "note");
  }
  function save() {
    state.items = state.items.slice(-MAX_ITEMS);
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode: no memory */ }
  }

  // -- the DOM, inside a shadow root ------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }
  var host = el("policybot-webchat");
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", null, CSS));

  var launcher = el("button", { "class": "launcher", type: "button", "aria-expanded": "false",
                                "aria-controls": "pb-panel" });
  var icon = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  icon.appendChild(path);
  launcher.appendChild(icon);
  launcher.appendChild(el("span", null, TITLE));

  var panel = el("section", { "class": "panel", id: "pb-panel", role: "dialog", "aria-label": TITLE });
  panel.hidden = true;
  var header = el("div", { "class": "header" });
  header.appendChild(el("h2", null, TITLE));
  var handoff = el("button", { "class": "handoff", type: "button" }, "转人工 / 联系电话");
  var close = el("button", { "class": "close", type: "button", "aria-label": "关闭对话窗口" }, "×");
  header.appendChild(handoff);
  header.appendChild(close);
  var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "对话记录", tabindex: "0" });
  var typing = el("div", { "class": "typing", role: "status" });
  var dots = el("span", { "class": "dots", "aria-hidden": "true" });
  dots.appendChild(el("span"));
  dots.appendChild(el("span"));
  dots.appendChild(el("span"));
  typing.appendChild(dots);
  typing.appendChild(el("span", null, "正在查询…"));
  typing.hidden = true;
  var status = el("div", { "class": "status", role: "alert" });
  var statusText = el("p");
  var retry = el("button", { type: "button" }, "重试");
  status.appendChild(statusText);
  status.appendChild(retry);
  status.hidden = true;
  var form = el("form", { "class": "composer" });
  var input = el("textarea", { rows: "1", maxlength: String(MAX_CHARS), "aria-label": "输入您的问题",
                               placeholder: "请输入您的问题，按回车发送" });
  var sendButton = el("button", { type: "submit" }, "发送");
  form.appendChild(input);
  form.appendChild(sendButton);
  var footnote = el("p", { "class": "footnote" }, "回答摘自官方政策指南，仅供参考；请勿输入身份证号等个人信息。");
  [header, log, typing, status, form, footnote].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(launcher);
  root.appendChild(panel);
  (document.body || document.documentElement).appendChild(host);

  // -- rendering: text only ---------------------------------------------------------------------------------
  function appendText(parent, text) {
    var last = 0, match;
    PHONE.lastIndex = 0;
    while ((match = PHONE.exec(text)) !== null) {
      var start = match.index + match[1].length;
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      parent.appendChild(el("a", { href: "tel:" + match[2].replace(/-/g, "") }, match[2]));
      last = start + match[2].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderItem(item) {
    var row = el("div", { "class": "msg " + item.from });
    var bubble = el("div", { "class": "bubble" });
    if (item.from !== "note") bubble.appendChild(el("span", { "class": "sr-only" }, item.from === "user" ? "您：" : "助手："));
    var text = el("span", { "class": "text" });
    appendText(text, item.text);
    bubble.appendChild(text);
    row.appendChild(bubble);
    log.appendChild(row);
  }

  function renderButtons(buttons) {
    var old = log.querySelector(".quick");
    if (old) old.remove();
    if (!buttons || !buttons.length) return;
    var box = el("div", { "class": "quick", role: "group", "aria-label": "可选的回复" });
    buttons.forEach(function (b) {
      var button = el("button", { type: "button" }, b.title);
      button.addEventListener("click", function () { send(b.payload, b.title); });
      box.appendChild(button);
    });
    log.appendChild(box);
  }

  function renderAll() {
    while (log.firstChild) log.removeChild(log.firstChild);
    state.items.forEach(renderItem);
    var last = state.items[state.items.length - 1];
    renderButtons(last && last.from === "bot" ? last.buttons : null); // only the latest reply's choices are live
    scrollDown();
  }

  function add(item) {
    state.items.push(item);
    save();
    renderButtons(null);
    renderItem(item);
    if (item.from === "bot") renderButtons(item.buttons);
    scrollDown();
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    sendButton.disabled = value;
    log.querySelectorAll(".quick button").forEach(function (b) { b.disabled = value; });
    if (value) scrollDown();
  }

  function showStatus(text) {
    statusText.textContent = text;
    status.hidden = false;
  }

  // -- talking to the server --------------------------------------------------------------------------------
  function post(path, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(new URL(path, BASE).href, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      credentials: "omit", signal: controller ? controller.signal : undefined
    }).finally(function () { if (timer) clearTimeout(timer); });
  }

  function session() {
    if (state.sender) return Promise.resolve(state.sender);
    return post("session", {}).then(function (r) {
      if (!r.ok) throw new Error("session " + r.status);
      return r.json();
    }).then(function (data) {
      if (!data || typeof data.sender !== "string") throw new Error("session: no sender");
      state.sender = data.sender;
      save();
      return state.sender;
    });
  }

  function exchange(payload, renewed) {
    return session().then(function (sender) {
      return post("webhook", { sender: sender, message: payload });
    }).then(function (r) {
      if (r.status === 403 && !renewed) { // the id is not this server's (its secret changed): start anew once
        state.sender = null;
        add({ from: "note", text: "之前的会话已失效，已为您开始新的会话。" });
        return exchange(payload, true);
      }
      if (!r.ok) throw new Error("webhook " + r.status);
      return r.json();
    });
  }

  function deliver(payload) {
    if (busy) return;
    pending = payload;
    status.hidden = true;
    setBusy(true);
    exchange(payload, false).then(function (messages) {
      pending = null;
      var list = Array.isArray(messages) ? messages : [];
      var texts = list.map(function (m) { return m && typeof m.text === "string" ? m.text : ""; })
                      .filter(function (t) { return t; });
      var buttons = [];
      list.forEach(function (m) {
        (m && Array.isArray(m.buttons) ? m.buttons : []).forEach(function (b) {
          if (b && typeof b.title === "string" && typeof b.payload === "string") {
            buttons.push({ title: b.title, payload: b.payload });
          }
        });
      });
      add({ from: "bot", text: texts.join("\n\n") || "抱歉，这次没有得到回答，请换个说法再问一次。", buttons: buttons });
    }).catch(function () {
      showStatus(UNREACHABLE);
    }).finally(function () {
      setBusy(false);
    });
  }

  function send(payload, shown) {
    if (busy) return;
    add({ from: "user", text: shown || payload });
    deliver(payload);
  }

  // -- opening, closing, keys -------------------------------------------------------------------------------
  function open() {
    if (!state.items.length) add(WELCOME);
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    scrollDown();
    input.focus();
  }
  function shut() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  close.addEventListener("click", shut);
  handoff.addEventListener("click", function () { send(HANDOFF); });
  retry.addEventListener("click", function () { if (pending !== null) deliver(pending); });
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); shut(); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    resize();
    send(text);
  });
  input.addEventListener("keydown", function (e) {
    // Enter sends; Shift+Enter is a new line; Enter that confirms a Chinese input method's word does neither
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  function resize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 110) + "px";
  }
  input.addEventListener("input", resize);

  renderAll();
  if (state.open) { panel.hidden = false; launcher.hidden = true; launcher.setAttribute("aria-expanded", "true"); }
})();
