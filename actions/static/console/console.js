// 政策热线坐席台: search as the agent types, answer cards, one-click copy, the caller's profile and its matches.
// Plain JavaScript, nothing fetched but /api/ of this server. Text from the API is set with textContent, never as
// markup. Nothing the caller says is stored: the question and the profile live in this page only.
"use strict";

const DEBOUNCE_MS = 250;
const $ = (id) => document.getElementById(id);
const state = { cards: [], selected: -1, question: "", searchSeq: 0, searchAbort: null, matchSeq: 0,
                matchAbort: null, debounce: null, facts: [], factNames: {}, entry: null };

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// ---- talking to /api --------------------------------------------------------------------------------------

class ApiFailure extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, { method = "GET", body = null, signal = undefined } = {}) {
  const init = { method, signal, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== null) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const resp = await fetch(path, init);
  let data = null;
  try { data = await resp.json(); } catch (_) { data = null; }
  if (!resp.ok) throw new ApiFailure(resp.status, (data && data.error) || `HTTP ${resp.status}`);
  return data;
}

function explain(err) {
  if (err.status === 401) return "登录已失效，请刷新页面重新登录。";
  if (err.status === 429) return "查询太频繁了，请稍等几秒再试。";
  if (err.status === 503) return "政策库暂时不可用，请稍后再试。";
  if (err.status && err.status < 500) return `查询没有成功：${err.message}`;
  return "查询失败，请检查网络后重试。";
}

function setStatus(text, isError = false) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

// ---- search and cards -------------------------------------------------------------------------------------

function region() { return $("region").value; }

function scheduleSearch() {
  clearTimeout(state.debounce);
  state.entry = null;  // a new question: the search picks the entry again
  state.debounce = setTimeout(() => search(), DEBOUNCE_MS);
}

async function search(entry = null) {
  clearTimeout(state.debounce);
  const q = $("q").value.trim();
  if (state.searchAbort) state.searchAbort.abort();  // a stale request never overwrites newer results
  const seq = ++state.searchSeq;
  if (!q) { clearResults(); return; }
  const controller = new AbortController();
  state.searchAbort = controller;
  const params = new URLSearchParams({ q });
  if (region()) params.set("region", region());
  if (entry !== null) params.set("entry", String(entry));
  setStatus("查询中…");
  try {
    const data = await api(`/api/ask?${params}`, { signal: controller.signal });
    if (seq !== state.searchSeq) return;
    state.question = q;
    state.entry = entry;
    showResults(data.card);
    setStatus(data.card.covered ? `第${data.card.policy}项 · 问的是“${data.card.field_name}”` : "指南没有涉及这个问题");
  } catch (err) {
    if (err.name === "AbortError" || seq !== state.searchSeq) return;
    setStatus(explain(err), true);
  }
}

function clearResults() {
  state.cards = [];
  state.selected = -1;
  $("results").replaceChildren();
  $("q").setAttribute("aria-expanded", "false");
  $("q").removeAttribute("aria-activedescendant");
  setStatus("");
}

function showResults(card) {
  const items = [{ card, expanded: true }];
  for (const other of card.others || []) items.push({ card: other, expanded: false });
  state.cards = items;
  const list = $("results");
  list.replaceChildren(...items.map((item, i) => renderCard(item, i)));
  $("q").setAttribute("aria-expanded", "true");
  select(0);
}

function renderCard(item, index) {
  const node = $("card-template").content.firstElementChild.cloneNode(true);
  const c = item.card;
  node.id = `card-${index}`;
  node.dataset.policy = c.policy === null ? "" : String(c.policy);
  node.querySelector(".num").textContent = c.policy ? `第${c.policy}项` : "未涉及";
  node.querySelector(".title").textContent = c.title || "指南没有涉及这个问题";
  const cat = node.querySelector(".cat");
  if (c.category) cat.textContent = c.category; else cat.remove();
  node.addEventListener("click", (event) => {
    select(index);
    if (!event.target.closest("button")) activate(index, false);
  });
  if (!item.expanded) {
    node.querySelector(".card-head").append(el("span", "more", "Enter 展开"));
    return node;
  }
  node.classList.add("expanded");
  if (!c.covered) node.classList.add("not-covered");
  node.querySelector(".asked").textContent = c.covered ? `问的是：${c.field_name}` : "";
  node.querySelector(".answer").textContent = c.answer || (c.covered ? "（见下方电话）" : "");
  const audience = node.querySelector(".audience");
  const audienceLine = `适用对象：${c.audience}`;
  if (c.audience && !(c.answer || "").includes(audienceLine)) audience.textContent = audienceLine;
  else audience.remove();
  const facts = node.querySelector(".facts");
  // lines the answer already quotes are not repeated
  addLines(facts, "金额 / 标准", c.amounts.filter((line) => !(c.answer || "").includes(line.text)));
  addLines(facts, "时限", c.deadline);
  if (!facts.children.length) facts.remove();
  renderPhones(node.querySelector(".phones"), c);
  const source = node.querySelector(".source");
  if (c.citation) source.textContent = `出处：${c.citation}` +
      (c.entry_lines ? `；本项全文在原文第${c.entry_lines[0]}–${c.entry_lines[1]}行` : "");
  else source.remove();
  node.querySelector(".readout-text").textContent = c.readout;
  node.querySelector(".copy").addEventListener("click", () => { select(index); copyText(c.readout); });
  return node;
}

function addLines(dl, name, lines) {
  if (!lines || !lines.length) return;
  const dd = el("dd");
  for (const line of lines) {
    const row = el("div", "line");
    if (line.label) row.append(el("span", "label", `${line.label}：`));
    row.append(document.createTextNode(line.text));
    dd.append(row);
  }
  dl.append(el("dt", null, name), dd);
}

function renderPhones(box, c) {
  if (!c.covered) { box.remove(); return; }
  if (!c.phones.length) { box.append(el("p", "hint", "指南这一项没有列出咨询电话。")); return; }
  if (c.region && !c.phones.some((g) => g.region === c.region)) {
    box.append(el("p", "hint", `本项没有${c.region}的专门电话，请用下面的电话。`));
  }
  for (const group of c.phones) {
    const row = el("div", "phone-group");
    if (c.region && group.region === c.region) row.classList.add("asked-region");
    row.append(el("span", "region-name", group.name));
    for (const p of group.phones) {
      const who = p.person ? `${p.label}（${p.person}）` : p.label;
      if (who && who !== group.name) row.append(el("span", "who", who));
      row.append(el("span", "phone", p.phone));
    }
    box.append(row);
  }
}

function select(index) {
  const nodes = $("results").children;
  if (!nodes.length) return;
  index = Math.max(0, Math.min(index, nodes.length - 1));
  state.selected = index;
  for (let i = 0; i < nodes.length; i++) nodes[i].setAttribute("aria-selected", String(i === index));
  $("q").setAttribute("aria-activedescendant", nodes[index].id);
  nodes[index].scrollIntoView({ block: "nearest" });
}

function activate(index, copy = true) {
  const item = state.cards[index];
  if (!item) return;
  if (item.expanded) {
    if (copy) copyText(item.card.readout);
    return;
  }
  $("q").value = state.question || $("q").value;
  search(item.card.policy);  // the same question, answered from this entry
}

// ---- copy -------------------------------------------------------------------------------------------------

async function copyText(text) {
  let ok = false;
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); ok = true; } catch (_) { ok = false; }
  }
  if (!ok) ok = copyWithTextarea(text);  // plain HTTP inside an intranet: no Clipboard API there
  toast(ok ? "已复制" : "复制失败，请选中文字后按 Ctrl+C");
  $("q").focus();
}

function copyWithTextarea(text) {
  const buffer = el("textarea", "copy-buffer");
  buffer.value = text;
  buffer.setAttribute("readonly", "");
  buffer.setAttribute("aria-hidden", "true");
  document.body.append(buffer);
  buffer.select();
  buffer.setSelectionRange(0, text.length);
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
  buffer.remove();
  return ok;
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 1800);
}

// ---- keyboard ---------------------------------------------------------------------------------------------

function onSearchKey(event) {
  if (event.isComposing) return;  // the IME is still composing: its Enter picks characters
  switch (event.key) {
    case "ArrowDown":
      event.preventDefault();
      select(state.selected + 1);
      break;
    case "ArrowUp":
      event.preventDefault();
      select(state.selected - 1);
      break;
    case "Enter":
      event.preventDefault();
      if ($("q").value.trim() !== state.question || !state.cards.length) search();
      else activate(Math.max(state.selected, 0));
      break;
    case "Escape":
      event.preventDefault();
      $("q").value = "";
      search();
      $("q").focus();
      break;
    default:
  }
}

// ---- the caller's profile ---------------------------------------------------------------------------------

function buildProfileForm(facts) {
  const form = $("profile-form");
  state.facts = facts;
  for (const fact of facts) state.factNames[fact.key] = fact.name;
  for (const fact of facts) {
    if (fact.key === "region") {
      const select = $("region");
      for (const o of fact.options) select.append(new Option(o.label, o.value));
      continue;  // the 旗区 is the one at the top of the page
    }
    const box = el("fieldset", "fact");
    box.dataset.fact = fact.key;
    box.append(el("legend", null, fact.name));
    if (fact.kind === "many") {
      const choices = el("div", "choices");
      for (const o of fact.options) {
        const label = el("label");
        const input = document.createElement("input");
        input.type = "checkbox";
        input.name = fact.key;
        input.value = o.value;
        label.append(input, document.createTextNode(o.label));
        choices.append(label);
      }
      box.append(choices);
    } else {
      const select = document.createElement("select");
      select.name = fact.key;
      select.setAttribute("aria-label", fact.name);
      select.append(new Option("不清楚", ""));
      for (const o of fact.options) select.append(new Option(o.label, JSON.stringify(o.value)));
      box.append(select);
    }
    form.append(box);
  }
  form.addEventListener("change", () => { applicability(); runMatch(); });
  $("profile-reset").addEventListener("click", () => { form.reset(); applicability(); runMatch(); });
  applicability();
  runMatch();
}

function applicability() {
  // a fact that does not apply to the entity type chosen (a 个体户's 企业规模) is hidden and left out
  const entity = profileValue("entity_type");
  for (const fact of state.facts) {
    const box = document.querySelector(`fieldset[data-fact="${fact.key}"]`);
    if (box) box.hidden = Boolean(entity && fact.applies_to.length && !fact.applies_to.includes(entity));
  }
}

function profileValue(key) {
  const form = $("profile-form");
  const field = form.elements.namedItem(key);
  if (!field || field instanceof RadioNodeList || field.type === "checkbox") return undefined;
  return field.value ? JSON.parse(field.value) : undefined;
}

function currentProfile() {
  const profile = {};
  for (const fact of state.facts) {
    const box = document.querySelector(`fieldset[data-fact="${fact.key}"]`);
    if (!box || box.hidden) continue;
    if (fact.kind === "many") {
      const checked = [...box.querySelectorAll("input:checked")].map((i) => i.value);
      if (checked.length) profile[fact.key] = checked;
    } else {
      const value = profileValue(fact.key);
      if (value !== undefined) profile[fact.key] = value;
    }
  }
  if (region()) profile.region = region();
  return profile;
}

async function runMatch() {
  const profile = currentProfile();
  const box = $("matches");
  if (state.matchAbort) state.matchAbort.abort();
  const seq = ++state.matchSeq;
  if (!Object.keys(profile).length) {
    box.replaceChildren(el("p", "hint", "选择来电企业的情况后，这里列出适用的政策、理由和还需问清的情况。"));
    return;
  }
  const controller = new AbortController();
  state.matchAbort = controller;
  try {
    const data = await api("/api/match", { method: "POST", body: { profile }, signal: controller.signal });
    if (seq !== state.matchSeq) return;
    renderMatches(data);
  } catch (err) {
    if (err.name === "AbortError" || seq !== state.matchSeq) return;
    box.replaceChildren(el("p", "status error", explain(err)));
  }
}

function renderMatches(data) {
  const box = $("matches");
  const parts = [el("h3", null, `适用的政策（${data.matches.length}项）`)];
  parts.push(matchList(data.matches, "还需问清："));
  if (data.possible.length) {
    parts.push(el("h3", null, `可能适用，需确认（${data.possible.length}项）`));
    parts.push(matchList(data.possible, "问清后可确定："));
  }
  box.replaceChildren(...parts);
}

function matchList(items, missingLabel) {
  const list = el("ol", "match-list");
  for (const m of items) {
    const li = el("li");
    li.dataset.policy = String(m.policy);
    const title = el("button", "m-title", `第${m.policy}项 ${m.title}`);
    title.type = "button";
    title.title = "在左侧查看这一项";
    title.addEventListener("click", () => {
      $("q").value = m.title;
      search(m.policy);
      $("q").focus();
    });
    li.append(title);
    if (m.reasons.length) li.append(el("div", "reasons", `符合：${m.reasons.join("；")}`));
    if (m.missing_facts.length) {
      const names = m.missing_facts.map((k) => state.factNames[k] || k);
      li.append(el("div", "missing", missingLabel + names.join("、")));
    }
    if (m.note) li.append(el("div", "hint", m.note));
    list.append(li);
  }
  return list;
}

// ---- start ------------------------------------------------------------------------------------------------

async function start() {
  const q = $("q");
  q.addEventListener("input", scheduleSearch);
  q.addEventListener("keydown", onSearchKey);
  $("region").addEventListener("change", () => {
    if (q.value.trim()) search(state.entry);
    runMatch();
    q.focus();
  });
  q.focus();
  try {
    buildProfileForm((await api("/api/facts")).facts);
  } catch (err) {
    $("matches").replaceChildren(el("p", "status error", explain(err)));
  }
}

document.addEventListener("DOMContentLoaded", start);
