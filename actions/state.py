"""Between Rasa trackers and policybot's conversation state: slots in, SlotSet events out."""

from __future__ import annotations

from typing import Any, Iterable

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from policybot.answers import fit
from policybot.conversation import Reply, State
from policybot.profile import profile_facts

QUESTION_INTENTS = {
    "ask_policy", "ask_materials", "ask_contact", "ask_amount", "ask_conditions", "ask_deadline",
    "ask_timelimit", "ask_process", "ask_agency", "ask_fee", "ask_scope", "ask_result", "ask_basis",
    "out_of_scope", "nlu_fallback",
}


def _entry(value: Any) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def state_of(tracker: Tracker) -> State:
    options = [e for e in (_entry(v) for v in (tracker.get_slot("options") or [])) if e is not None]
    offered = [e for e in (_entry(v) for v in (tracker.get_slot("offered") or [])) if e is not None]
    profile = {k: tracker.get_slot(k) for k in profile_facts() if tracker.get_slot(k) is not None}
    return State(
        policy=_entry(tracker.get_slot("policy")),
        field=tracker.get_slot("field"),
        region=tracker.get_slot("region"),
        options=options,
        offered=offered,
        profile=profile,
        subject=tracker.get_slot("subject"),
    )


def intent_of(tracker: Tracker) -> tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def text_of(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def entity_values(tracker: Tracker, entity: str) -> list[Any]:
    return [e.get("value") for e in (tracker.latest_message or {}).get("entities") or [] if e.get("entity") == entity]


def slot_events(updates: dict[str, Any]) -> list[SlotSet]:
    """SlotSet events for a Reply's updates; entry numbers are stored as text, options as a list of numbers.
    A reply that offers no numbered list clears the last one: a number means a choice only right after a list."""
    events = [] if "offered" in updates else [SlotSet("offered", [])]
    for key, value in updates.items():
        if key == "policy" and value is not None:
            value = str(value)
        events.append(SlotSet(key, value))
    return events


def fact_events(facts: dict[str, Any], only: Iterable[str] | None = None) -> list[SlotSet]:
    allowed = set(profile_facts() if only is None else only)
    return [SlotSet(k, v) for k, v in facts.items() if k in allowed]


def utter(dispatcher, reply: Reply) -> None:
    text = fit(reply.text)  # one WeChat reply holds 2,048 bytes
    if reply.buttons:
        dispatcher.utter_message(text=text, buttons=reply.buttons)
    else:
        dispatcher.utter_message(text=text)
