"""The profile form ("有什么政策适合我"): ask only for the facts not known yet, take several in one message,
let the user skip one or stop, then list the entries that fit. The facts, their order and questions are those of
knowledge/facts.yml."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from knowledge.vocab import facts as load_facts
from knowledge.vocab import form_facts
from policybot.conversation import Reply
from policybot.profile import UNKNOWN, mentions, merge, the_rest_unknown, valid_value

from .safety import SafeAction
from .service import conversation
from .state import QUESTION_INTENTS, fact_events, intent_of, slot_events, state_of, text_of, utter

FORM_FACTS = tuple(form_facts(load_facts()))  # knowledge/facts.yml: the facts the profile questions ask
TOLD_MUCH = 3  # facts in one message that make the next question come with what fits already


def facts_from_message(tracker: Tracker, requested: str | None) -> dict[str, Any]:
    """Facts from button payloads (entities named after the facts) and from the text itself."""
    facts = load_facts()
    found: dict[str, Any] = {}
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    spans = [] if text.startswith("/") else [(m.start, m.end) for m in mentions(text, facts)]
    for e in message.get("entities") or []:
        key, value = e.get("entity"), e.get("value")
        start, end = e.get("start"), e.get("end")
        if isinstance(start, int) and isinstance(end, int) \
                and any(a <= start and end <= b and b - a > end - start for a, b in spans):
            continue  # the lookup's 大学 inside the words' 大学生: the longer spelling says what is meant
        if isinstance(start, int) and isinstance(end, int) and the_rest_unknown(text, start, end):
            continue  # "其他不清楚": the rest is unknown, not the sector 其他
        if key in facts and value is not None:
            checked = valid_value(facts[key], value)
            if checked is not None:
                found[key] = checked
    if not text.startswith("/"):
        # The words in context ("应届大学生" is people hired, not a 大学) over the NLU's lookup matches.
        found = merge(found, conversation().facts_in(text, requested))
    return found


# the last trackers read, by identity (a Tracker compares by value and is not hashable)
_answered: dict[int, tuple[Tracker, dict[str, Any]]] = {}
_ANSWERED_KEPT = 64


def facts_answered(tracker: Tracker) -> dict[str, Any]:
    """What the latest message says about the profile. Nothing when it asks a question (its policy words are not
    facts about the user) unless it also answers the fact asked; the fact asked is 不清楚 when the user skips it
    or describes themselves at length without it ("文创工作室，没招人" asked about the sector). Read once per
    run of the form's validation: every extract_<fact> of that run asks the same tracker."""
    kept = _answered.get(id(tracker))
    if kept is None or kept[0] is not tracker:
        if len(_answered) >= _ANSWERED_KEPT:
            _answered.pop(next(iter(_answered)))
        kept = _answered[id(tracker)] = (tracker, _read_facts(tracker))
    return dict(kept[1])


def _read_facts(tracker: Tracker) -> dict[str, Any]:
    requested = tracker.get_slot("requested_slot")
    intent, confidence = intent_of(tracker)
    if intent == "stop":
        # "信用没啥问题，就这些": the form fills nothing, so the stop rule runs; the matching reads these facts
        return {}
    found = facts_from_message(tracker, requested)
    # a question the classifier was sure of, or one the words made of its guess (bot/intent_check.py)
    checked = bool(((tracker.latest_message or {}).get("intent") or {}).get("checked_from"))
    if intent in QUESTION_INTENTS and (confidence >= 0.6 or checked) and conversation().asks_question(text_of(tracker)):
        # "做餐饮的，能申请啥" answers the fact asked as it asks; "对了 高企认定研发人员…" turns away and answers nothing
        if conversation().asks_aside(text_of(tracker)):
            return {}
        return {k: v for k, v in found.items() if k == requested}
    if requested and requested not in found and (intent == "skip" and confidence >= 0.6 or len(found) >= 2):
        found[requested] = UNKNOWN
    return found


class ValidateProfileForm(FormValidationAction):
    """The profile form's slots: which facts to ask (those that apply to the user's kind of business), one
    `extract_<fact>` and one `validate_<fact>` per fact (made below from knowledge/facts.yml). A message that
    fills nothing (a question, a request for a person, "算了") makes the form reject the turn, and the rules in
    bot/data/rules.yml answer it and resume or stop the form."""

    def name(self) -> str:
        return "validate_profile_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        profile = {k: tracker.get_slot(k) for k in domain_slots}
        needed = set(conversation().missing_facts(profile)) | {k for k in domain_slots if profile[k] is not None}
        return [k for k in domain_slots if k in needed]


def _extractor(key: str):
    def extract(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict[str, Any]:
        found = facts_answered(tracker)
        return {key: found[key]} if key in found else {}
    extract.__name__ = f"extract_{key}"
    return extract


def _validator(key: str):
    def validate(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
                 ) -> dict[str, Any]:
        # a value from anywhere but the extraction above (a typed /inform payload) must be one facts.yml knows
        return {key: value if value == UNKNOWN else valid_value(load_facts()[key], value)}
    validate.__name__ = f"validate_{key}"
    return validate


for _fact in FORM_FACTS:
    setattr(ValidateProfileForm, f"extract_{_fact}", _extractor(_fact))
    setattr(ValidateProfileForm, f"validate_{_fact}", _validator(_fact))


class AskFact(SafeAction):
    """action_ask_<fact>: the question for one fact, with its choices (from knowledge/facts.yml). Abstract:
    one subclass per fact is made below."""

    fact = ""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        conv = conversation()
        question = conv.ask_fact(self.fact, tracker.get_slot("entity_type"))
        told = [v for v in facts_from_message(tracker, None).values() if v != UNKNOWN]
        if len(told) >= TOLD_MUCH:
            # a message that told much at once sees what fits already; the questions then go on
            fits = conv.interim(state_of(tracker).profile)
            if fits:
                question = Reply(f"{fits}\n{question.text}", question.buttons)
        utter(dispatcher, question)
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
        said = _said_with_stop(tracker)
        return _match(dispatcher, {**state.profile, **said}, said)


class ActionStop(SafeAction):
    """A stop outside the profile questions: "…种了300亩苜蓿，就这些" after facts were told lists what fits; a
    bare "算了" with nothing known about the user is only acknowledged."""

    def name(self) -> str:
        return "action_stop"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        said = _said_with_stop(tracker)
        profile = {**state_of(tracker).profile, **said}
        if not any(v not in (None, UNKNOWN, [], "") for v in profile.values()):
            dispatcher.utter_message(response="utter_anything_else")
            return []
        return _match(dispatcher, profile, said)


def _said_with_stop(tracker: Tracker) -> dict[str, Any]:
    """"在左旗，没上过异常名录，就这些": the facts said with the stop count."""
    if intent_of(tracker)[0] != "stop":
        return {}
    return {k: v for k, v in facts_from_message(tracker, None).items() if v != UNKNOWN}


def _match(dispatcher: CollectingDispatcher, profile: dict[str, Any], said: dict[str, Any]) -> list[dict[str, Any]]:
    conv = conversation()
    # the questions stopped before every fact was answered or skipped: "算了"
    reply = conv.match(profile, stopped=bool(conv.missing_facts(profile)))
    utter(dispatcher, reply)
    return fact_events(said) + slot_events(reply.updates)
