"""The Rasa side, with the real Rasa 3.6 (.venv-rasa) and the trained model: data validation, core test stories,
the NLU on held-back examples, rasa-sdk 3.21's webhook against Rasa 3.6's RemoteAction, and whole conversations
over the REST channel with both servers running."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml

from ops import services

from .conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

RASA = services.RASA
ENV = {**os.environ, **services.RASA_ENV}
BOT_TESTS = Path(__file__).resolve().parent / "bot"


@pytest.fixture(scope="module")
def model():
    services.train()  # a no-op when `make test` trained it already
    return services.MODEL


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([*RASA, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)


def probe(code: str, *args: str, stdin: str | None = None, speedups: bool = True, timeout: int = 600):
    """The JSON that a Python snippet run in the Rasa environment prints last."""
    env = {**ENV, "POLICYBOT_RASA_SPEEDUPS": "1"} if speedups else ENV
    done = subprocess.run([str(services.RASA_PYTHON), "-c", code, *args], input=stdin, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_rasa_data_validate():
    done = rasa("data", "validate", "--domain", "domain.yml", "--data", "bot/data", "--config", "config.yml")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_core_test_stories_pass(model, tmp_path):
    done = rasa("test", "core", "--stories", str(BOT_TESTS / "test_stories.yml"), "--model", str(model),
                "--out", str(tmp_path), "--fail-on-prediction-errors")
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text(encoding="utf-8") if failed.exists() else done.stdout[-3000:]
    assert done.returncode == 0, detail
    report = json.loads((tmp_path / "story_report.json").read_text(encoding="utf-8"))
    assert report["accuracy"] == 1.0


def _examples(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        if "intent" in block:
            out[block["intent"]] = [line.strip()[2:].strip() for line in block["examples"].splitlines()
                                    if line.strip().startswith("- ")]
    return out


def _norm(text: str) -> str:
    return re.sub(r"[\s，。？！,.?!]", "", re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text))


NLU_PROBE = r'''
import asyncio, json, sys
from rasa.core.agent import Agent
from rasa.utils.tensorflow.models import RasaModel
from bot import rasa_speedups

rasa_own_load = RasaModel.__dict__["load"]  # the classmethod itself, not bound to RasaModel
rasa_own_predict = RasaModel._rasa_predict
texts = json.load(sys.stdin)


def parses():
    agent = Agent.load(sys.argv[1])
    async def run():
        return [await agent.parse_message(t) for t in texts]
    return [{k: p.get(k) for k in ("intent", "intent_ranking", "entities")} for p in asyncio.run(run())]


rasa_speedups.install()
traced_without_autograph = RasaModel._rasa_predict is rasa_speedups.predict_traced_without_autograph
fell_back = []
own = rasa_speedups._rasa_load
rasa_speedups._rasa_load = lambda *a, **k: fell_back.append(1) or own(*a, **k)
restored_on_creation = parses()
RasaModel.load = rasa_own_load  # Rasa's own: one training step, then the checkpoint over it
RasaModel._rasa_predict = rasa_own_predict  # traced with AutoGraph
as_rasa_loads = parses()
print(json.dumps({"fell_back": len(fell_back), "traced_without_autograph": traced_without_autograph,
                  "intents": [p["intent"]["name"] for p in as_rasa_loads],
                  "differ": [t for t, a, b in zip(texts, restored_on_creation, as_rasa_loads) if a != b]},
                 ensure_ascii=False))
'''


@pytest.fixture(scope="module")
def held_back(model):
    """tests/bot/nlu_heldout.yml, written apart from the training data, without the examples that happen to equal a
    training example (你好, 谢谢 …), parsed by the whole NLU pipeline of the trained model loaded both ways, in one
    process (its start is most of the cost)."""
    seen = {_norm(e) for path in (ROOT / "bot" / "data").rglob("*.yml") for es in _examples(path).values()
            for e in es}
    unseen = [(i, e) for i, es in _examples(BOT_TESTS / "nlu_heldout.yml").items() for e in es if _norm(e) not in seen]
    return [i for i, _ in unseen], probe(NLU_PROBE, str(model), stdin=json.dumps([e for _, e in unseen]))


def weighted_f1(targets: list[str], predictions: list[str]) -> float:
    """The "weighted avg" F1 of `rasa test nlu`'s intent report (scikit-learn's classification_report)."""
    support = Counter(targets)
    total = 0.0
    for label in support:
        hits = sum(t == p == label for t, p in zip(targets, predictions))
        predicted = predictions.count(label)
        precision, recall = (hits / predicted if predicted else 0.0), hits / support[label]
        total += support[label] * (2 * precision * recall / (precision + recall) if hits else 0.0)
    return total / len(targets)


def test_weighted_f1_is_the_intent_reports():
    # classification_report: a has precision 1/2, recall 1 (F1 2/3); b precision 1, recall 1/2 (F1 2/3)
    assert weighted_f1(["a", "b", "b"], ["a", "b", "a"]) == pytest.approx(2 / 3)
    assert weighted_f1(["a", "b", "b", "b"], ["a", "b", "b", "b"]) == 1.0
    assert weighted_f1(["a", "a"], ["c", "c"]) == 0.0


def test_nlu_on_held_back_examples(held_back):
    targets, result = held_back
    f1 = weighted_f1(targets, result["intents"])
    print(f"\nNLU intent F1 on {len(targets)} unseen held-back examples ({len(set(targets))} intents): {f1:.3f}")
    assert len(targets) >= 250
    assert f1 >= 0.95


def test_diet_restored_on_creation_parses_as_rasa_loads_it(held_back):
    """bot/rasa_speedups.py loads DIET without Rasa's training step and traces its prediction without AutoGraph:
    every intent, confidence and entity of the held-back examples is the same, float for float, as with the model
    Rasa loads and traces its own way."""
    _, result = held_back
    assert result["fell_back"] == 0 and result["traced_without_autograph"]
    assert result["differ"] == []


TRACKER_PROBE = r'''
import asyncio, json, sys
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from bot import rasa_speedups

rasa_own = SQLTrackerStore._retrieve, SQLTrackerStore._additional_events, Event.resolve_by_type
rasa_speedups.install()
fast = SQLTrackerStore._retrieve, SQLTrackerStore._additional_events, Event.resolve_by_type
domain = Domain.load("domain.yml")
store = SQLTrackerStore(domain, dialect="sqlite", db=sys.argv[1])


def use(methods):
    SQLTrackerStore._retrieve, SQLTrackerStore._additional_events, resolve = methods
    Event.resolve_by_type = staticmethod(resolve)


async def conversation(sender, sessions, timestamps):
    tracker = DialogueStateTracker(sender, domain.slots)
    for s in range(sessions):
        tracker.update(ActionExecuted("action_session_start", timestamp=next(timestamps)))
        tracker.update(SessionStarted(timestamp=next(timestamps)))
        for text in ("高新技术企业认定有什么奖励", "需要什么材料"):
            tracker.update(UserUttered(text, {"name": "ask_amount", "confidence": 0.9}, timestamp=next(timestamps)))
            tracker.update(SlotSet("policy", "17", timestamp=next(timestamps)))
            tracker.update(ActionExecuted("action_answer", timestamp=next(timestamps)))
            await store.save(tracker)
            tracker = await store.retrieve(sender)


async def main():
    out = {}
    for methods, name in ((rasa_own, "rasa"), (fast, "fast")):
        use(methods)
        stamps = iter(range(1, 10_000))  # the two runs write the same rows
        for sender, sessions in ((f"{name}-none", 0), (f"{name}-one", 1), (f"{name}-three", 3)):
            await conversation(sender, sessions, stamps)
    for sender in ("none", "one", "three"):
        read = {}
        for methods, name in ((rasa_own, "rasa"), (fast, "fast")):
            use(methods)
            tracker = await store.retrieve(f"rasa-{sender}")
            events = [e.as_dict() for e in tracker.events] if tracker else None
            if tracker:
                tracker.update(UserUttered("再问一句", timestamp=99_999.0))
            counted = len(list(store._additional_events(store.sessionmaker(), tracker))) if tracker else None
            read[name] = (events, counted)
        out[sender] = {"same": read["rasa"] == read["fast"], "events": len(read["rasa"][0] or []),
                       "unsaved": read["rasa"][1]}
    use(fast)
    names = sorted({c.type_name for c in all_subclasses(Event)} | {"topic", "no such event"})
    def resolved(resolve, name):
        try:
            return resolve(name)
        except ValueError as exc:
            return str(exc)
    out["types"] = {"same": all(resolved(fast[2], n) == resolved(rasa_own[2], n) for n in names), "n": len(names)}
    print(json.dumps(out))

asyncio.run(main())
'''


def test_tracker_store_reads_with_statements_built_once_as_rasa_reads(tmp_path):
    """bot/rasa_speedups.py's tracker-store reads give the same latest session and the same count of unsaved events
    as Rasa's own, with no session, one, or several; the event classes resolve as Rasa resolves them."""
    result = probe(TRACKER_PROBE, str(tmp_path / "tracker.db"), timeout=300)
    assert result["types"]["same"] and result["types"]["n"] > 20
    assert {k: v["same"] for k, v in result.items()} == dict.fromkeys(result, True), result
    # the reads covered what matters: nothing stored, one session, the last of three (from its SessionStarted on: 7
    # events, not the 24 stored)
    assert result["none"]["events"] == 0 and result["one"]["events"] == result["three"]["events"] == 7
    assert result["one"]["unsaved"] == result["three"]["unsaved"] == 1


SDK_PROBE = r'''
import asyncio, json, sys
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

domain = Domain.load("domain.yml")
tracker = DialogueStateTracker.from_events("sdk-probe", [
    ActionExecuted("action_listen"),
    UserUttered("高新技术企业认定有什么奖励", intent={"name": "ask_amount", "confidence": 0.9}),
], domain.slots)
action = RemoteAction("action_answer", EndpointConfig(sys.argv[1]))
events = asyncio.run(action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                                tracker, domain))
print(json.dumps({
    "bot": [e.text for e in events if isinstance(e, BotUttered)],
    "slots": {e.key: e.value for e in events if isinstance(e, SlotSet)},
}, ensure_ascii=False))
'''


@pytest.fixture(scope="module")
def servers(rest_bot):
    return rest_bot


def test_rasa_sdk_3_21_webhook_serves_rasa_3_6(servers):
    result = probe(SDK_PROBE, f"{servers.action_url}/webhook", speedups=False, timeout=300)
    assert any("15万元" in t for t in result["bot"])
    assert result["slots"]["policy"] == "17" and result["slots"]["field"] == "amount"


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_question_follow_up_and_form_over_rest(servers):
    first = texts(servers.say("issue-u1", "高新技术企业认定有什么奖励"))
    assert "15万元" in first and "20万元" in first and "0483-8331872" in first
    follow = texts(servers.say("issue-u1", "需要什么材料"))
    assert "高新技术企业认定申请书" in follow and "0483-8331872" in follow
    form = servers.say("issue-u1", "有什么政策适合我")
    assert "您是以什么身份经营的" in texts(form) and form[-1].get("buttons")


def test_region_switch(servers):
    assert "0483-8229456" in texts(servers.say("u-region", "战新资金申报找谁"))
    switched = texts(servers.say("u-region", "额济纳旗的呢"))
    assert switched.index("0483-6521855") < switched.index("0483-8229456")


def test_form_with_several_facts_skip_and_result(servers):
    assert "身份" in texts(servers.say("u-form", "有什么政策适合我"))
    after_facts = texts(servers.say("u-form", "我是退伍军人，开了个饭馆，个体户"))
    assert "本人属于" in after_facts  # size and sector were not asked: a 个体工商户 has no size, the sector was said
    assert "招用" in texts(servers.say("u-form", "不清楚"))
    assert "信用" in texts(servers.say("u-form", "没有"))
    result = texts(servers.say("u-form", "没有"))
    assert "第26项" in result and "第37项" in result and "咨询电话" in result
    chosen = texts(servers.say("u-form", "2"))
    assert "退役士兵个体经营税费减免政策" in chosen


def test_form_stop(servers):
    servers.say("u-stop", "我适合哪些政策")
    servers.say("u-stop", "个体户")
    stopped = texts(servers.say("u-stop", "算了，不填了"))
    assert "经营主体：个体工商户" in stopped


def test_handoff_and_out_of_scope(servers):
    servers.say("u-hand", "崇军贷需要什么材料")
    handoff = texts(servers.say("u-hand", "转人工"))
    assert "0483-8331241" in handoff and "帮办代办" in handoff
    assert "没有涉及" in texts(servers.say("u-oos", "护照在哪里办理"))


def test_alternatives_and_choice_by_number(servers):
    servers.say("u-alt", "移出经营异常名录要什么材料")
    listed = texts(servers.say("u-alt", "还有别的吗"))
    assert "1. 第" in listed
    chosen = texts(servers.say("u-alt", "1"))
    assert "【" in chosen and "出处" in chosen


def test_conversations_survive_a_restart(servers):
    assert "0483-8331872" in texts(servers.say("u-restart", "高新技术企业认定有什么奖励"))
    rasa = servers.servers["rasa"]
    before = rasa.process.pid
    os.killpg(before, signal.SIGTERM)  # stopped as Ctrl-C on `make run` stops it
    rasa.process.wait(timeout=60)
    servers.spawn(rasa)  # a new process: whatever it knows of the conversation comes from the SQLite tracker store
    services.wait_for(rasa.health_url, 180, rasa.process)
    assert rasa.process.pid != before
    again = texts(servers.say("u-restart", "需要什么材料"))
    assert "高新技术企业认定申请书" in again  # the entry under discussion came back


def test_a_malformed_request_gets_an_error_not_a_crash(servers):
    import urllib.error
    import urllib.request

    req = urllib.request.Request(f"{servers.rasa_url}/webhooks/rest/webhook", b"{not json",
                                 {"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert 400 <= err.value.code < 500
    assert "15万元" in texts(servers.say("u-after-bad", "高新技术企业认定有什么奖励"))  # still serving


def _get(url: str):
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_action_server_api(servers):
    from urllib.parse import quote

    status, data = _get(f"{servers.action_url}/api/ask?q={quote('创业担保贷款需要什么材料')}")
    assert status == 200 and data["policy"] == 22 and "企业现有职工花名册" in data["answer"]
    status, data = _get(f"{servers.action_url}/api/search?q={quote('高企')}&k=3")
    assert status == 200 and data["hits"][0]["policy"] == 17 and len(data["hits"]) == 3
    status, data = _get(f"{servers.action_url}/api/entries/26")
    assert status == 200 and data["title"].startswith("中国银行内蒙古分行")
    assert _get(f"{servers.action_url}/api/entries/99")[0] == 404
    assert _get(f"{servers.action_url}/api/ask")[0] == 400
    import urllib.request

    body = json.dumps({"profile": {"entity_type": "个体工商户", "credit_issue": "经营异常名录"}}).encode()
    req = urllib.request.Request(f"{servers.action_url}/api/match", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        matched = [m["policy"] for m in json.loads(r.read())["matches"]]
    assert 46 in matched and 43 not in matched
    bad = urllib.request.Request(f"{servers.action_url}/api/match", b'{"profile": {"entity_type": "x"}}',
                                 {"Content-Type": "application/json"})
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(bad, timeout=30)
    assert err.value.code == 400
