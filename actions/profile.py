"""The profile form ("有什么政策适合我"): ask only for the facts not known yet, take several in one message,
let the user skip one or stop, then list the entries that fit."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from knowledge.vocab import facts as load_facts
from policybot.profile import PROFILE_FACTS, UNKNOWN, extract_facts, merge, valid_value

from .safety import SORRY, SafeAction, log
from .service import conversation
from .state import QUESTION_INTENTS, intent_of, slot_events, state_of, text_of, utter

FORM_FACTS = ("entity_type", "enterprise_size", "sector", "is_veteran", "owner_groups", "hires", "credit_issue")
STOP_WORDS = ("算了", "不填了", "不想回答", "不想答", "退出", "停止", "别问了", "不想继续", "不弄了", "结束")
NOT_UNDERSTOOD = "抱歉，这个回答我没看明白。可以回复选项的序号，或回复“不清楚”跳过、“算了”停止。"


def facts_from_message(tracker: Tracker, requested: str | None) -> dict[str, Any]:
    """Facts from button payloads (entities named after the facts) and from the text itself."""
    facts = load_facts()
    found: dict[str, Any] = {}
    message = tracker.latest_message or {}
    for e in message.get("entities") or []:
        key, value = e.get("entity"), e.get("value")
        if key in PROFILE_FACTS and value is not None:
            checked = valid_value(facts[key], value)
            if checked is not None:
                found[key] = checked
    text = message.get("text") or ""
    if not text.startswith("/"):
        # The words in context ("应届大学生" is people hired, not a 大学) over the NLU's lookup matches.
        found = merge(found, extract_facts(text, facts, requested))
    return found


class ValidateProfileForm(FormValidationAction):
    def name(self) -> str:
        return "validate_profile_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        profile = {k: tracker.get_slot(k) for k in FORM_FACTS}
        needed = set(conversation().missing_facts(profile)) | {k for k in FORM_FACTS if profile[k] is not None}
        return [k for k in FORM_FACTS if k in needed]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        try:
            return self._run(dispatcher, tracker)
        except Exception:
            log.exception("validate_profile_form failed for %s", tracker.sender_id)
            dispatcher.utter_message(text=SORRY)
            return [SlotSet("profile_stopped", True), SlotSet("requested_slot", None)]

    def _run(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        conv = conversation()
        requested = tracker.get_slot("requested_slot")
        text = text_of(tracker)
        intent, confidence = intent_of(tracker)
        if requested and (intent == "stop" and confidence >= 0.5 or any(w in text for w in STOP_WORDS)):
            return [SlotSet("profile_stopped", True), SlotSet("requested_slot", None)]
        found = facts_from_message(tracker, requested)
        if requested and requested not in found and intent == "skip" and confidence >= 0.6:
            found[requested] = UNKNOWN
        if requested and requested not in found and len(found) >= 2:
            # the user described themselves at length without this fact: not asked again ("文创工作室")
            found[requested] = UNKNOWN
        asks = intent in QUESTION_INTENTS and confidence >= 0.6 and conv.asks_question(text)
        if asks:
            found = {k: v for k, v in found.items() if k == requested}  # a question's words are not facts
        events: list[dict[str, Any]] = [SlotSet(k, v) for k, v in found.items() if k in PROFILE_FACTS]
        if requested and not found:
            if asks:
                # A question in the middle of the form: answer it, then the form asks again.
                reply = conv.answer(text, state_of(tracker), intent)
                utter(dispatcher, reply)
                events += slot_events(reply.updates)
            elif intent == "human_handoff":
                # a request for a person (the intent check kept it only with such words): the phones and the
                # 帮办代办 route, then the form asks again
                utter(dispatcher, conv.handoff(state_of(tracker)))
            else:
                dispatcher.utter_message(text=NOT_UNDERSTOOD)
            events.append(SlotSet("last_unparsed", text))
        profile = {k: tracker.get_slot(k) for k in FORM_FACTS}
        profile.update({k: v for k, v in found.items() if k in FORM_FACTS})
        missing = conv.missing_facts(profile)
        events.append(SlotSet("requested_slot", missing[0] if missing else None))
        return events


class AskFact(SafeAction):
    """action_ask_<fact>: the question for one fact, with its choices (from knowledge/facts.yml). Abstract:
    one subclass per fact is made below."""

    fact = ""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        utter(dispatcher, conversation().ask_fact(self.fact, tracker.get_slot("entity_type")))
        return []


# One registered action per fact the form asks; the SDK registers every Action subclass with a name.
for _fact in FORM_FACTS:
    _cls = type(f"AskFact_{_fact}", (AskFact,), {
        "fact": _fact, "__module__": __name__, "name": (lambda self, f=_fact: f"action_ask_{f}"),
    })
    globals()[_cls.__name__] = _cls


class ActionMatchPolicies(SafeAction):
    def name(self) -> str:
        return "action_match_policies"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        state = state_of(tracker)
        reply = conversation().match(state.profile, stopped=bool(tracker.get_slot("profile_stopped")))
        utter(dispatcher, reply)
        return slot_events(reply.updates) + [SlotSet("profile_stopped", None)]
