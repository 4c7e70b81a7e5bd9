"""knowledge/facts.yml is the one schema of the enterprise facts: a fact added to a copy of it reaches the domain's
slots, the form (its required slots, extraction, validation, question), the NLU lookups, the profile questions,
the parser of messages and the matcher, with no other edit."""

from __future__ import annotations

import dataclasses
import importlib

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge import vocab
from knowledge.records import Audience
from bot import training_data
from policybot.matcher import assess
from policybot.profile import extract_facts

from .conftest import ROOT

NEW_FACT = """
  exporter:
    kind: bool
    name: 外贸出口
    about: [外贸, 出口]
    none: false
    ask: 企业做外贸出口吗？
    values:
      true: [做外贸, 搞出口, 出口企业]
      false: [不做外贸, 没有出口]
"""


@pytest.fixture
def facts_with_a_new_fact(tmp_path, monkeypatch):
    copy = tmp_path / "facts.yml"
    copy.write_text((ROOT / "knowledge" / "facts.yml").read_text(encoding="utf-8").rstrip("\n") + "\n" + NEW_FACT,
                    encoding="utf-8")
    monkeypatch.setattr(vocab, "FACTS_FILE", copy)
    vocab.facts.cache_clear()
    import actions.profile
    import actions.service

    monkeypatch.setattr(actions.service, "_conversation", None)  # the actions' conversation, built anew

    yield vocab.facts()
    monkeypatch.undo()
    vocab.facts.cache_clear()
    importlib.reload(actions.profile)


def test_a_new_fact_reaches_the_domain(facts_with_a_new_fact, records):
    domain = yaml.safe_load(training_data.sync_domain((ROOT / "domain.yml").read_text(encoding="utf-8"),
                                                 facts_with_a_new_fact))
    assert domain["slots"]["exporter"]["mappings"][0]["type"] == "custom"
    assert domain["forms"]["profile_form"]["required_slots"][-1] == "exporter"
    assert "action_ask_exporter" in domain["actions"] and "exporter" in domain["entities"]
    assert "做外贸" in training_data.lookups(records, facts_with_a_new_fact)["lookup"]["exporter"]


async def test_a_new_fact_reaches_the_form(facts_with_a_new_fact, assistant):
    import actions.profile

    profile = importlib.reload(actions.profile)
    form = profile.ValidateProfileForm()
    assert "exporter" in profile.FORM_FACTS and hasattr(profile, "AskFact_exporter")
    tracker = Tracker.from_dict({
        "sender_id": "u", "slots": {"entity_type": "企业", "requested_slot": "exporter"},
        "latest_message": {"text": "我们是做外贸的", "intent": {"name": "inform", "confidence": 0.9}, "entities": []},
        "events": [], "paused": False, "followup_action": None, "active_loop": {"name": "profile_form"},
        "latest_action_name": "action_listen",
    })
    dispatcher = CollectingDispatcher()
    slots = list(facts_with_a_new_fact)
    assert "exporter" in await form.required_slots(slots, dispatcher, tracker, {})
    assert form.extract_exporter(dispatcher, tracker, {}) == {"exporter": True}
    assert form.validate_exporter("<b>", dispatcher, tracker, {}) == {"exporter": None}


def test_a_new_fact_reaches_the_parser_and_the_matcher(facts_with_a_new_fact, records):
    assert extract_facts("我们厂不做外贸", facts_with_a_new_fact)["exporter"] is False
    entry = next(r for r in records if r.matchable)
    only_exporters = dataclasses.replace(entry, audience=Audience(restrict={"exporter": (True,)}))
    verdict, match = assess(only_exporters, {"entity_type": "企业", "exporter": True})
    assert verdict == "match" and "外贸出口：是" in match.reasons
    assert assess(only_exporters, {"entity_type": "企业", "exporter": False})[0] == "excluded"
    assert assess(only_exporters, {"entity_type": "企业"})[1].missing_facts == ["exporter"]
