"""Questions, follow-ups, alternatives, choices and handoff."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.vocab import is_question

from .safety import SafeAction
from .service import conversation
from .state import entity_values, fact_events, intent_of, slot_events, state_of, text_of, utter


class ActionAnswer(SafeAction):
    """Any question, follow-up or low-confidence message: answered from the guide by policybot."""

    def name(self) -> str:
        return "action_answer"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        conv = conversation()
        state = state_of(tracker)
        text = text_of(tracker)
        intent, _ = intent_of(tracker)
        if (tracker.active_loop or {}).get("name") and not conv.asks_question(text):
            # the profile form could not read this as an answer, and it asks nothing: say so (the form asks again)
            dispatcher.utter_message(response="utter_profile_unclear")
            return []
        # Facts are taken from statements only: a question's policy names (高新技术企业) are not facts about the
        # user. A 旗区 is a follow-up's subject, handled by the conversation. In the profile questions a message
        # not phrased as a question states facts, whatever words of the guide it uses ("被罚过款，公示系统上还挂着").
        stated = intent == "inform" or bool((tracker.active_loop or {}).get("name")) and not is_question(text)
        facts = conv.facts_in(text) if stated else {}
        facts.pop("region", None)
        events = fact_events(facts)
        if stated and facts and (intent != "inform" or not conv.wants_answer(text, state)):
            reply = conv.acknowledge(facts)
        else:
            reply = conv.answer(text, state)
        utter(dispatcher, reply)
        return events + slot_events(reply.updates)


class ActionMoreAlternatives(SafeAction):
    def name(self) -> str:
        return "action_more_alternatives"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = conversation().alternatives(state_of(tracker))
        utter(dispatcher, reply)
        return slot_events(reply.updates)


class ActionChooseOption(SafeAction):
    """An entry picked from the offered list: by button, number (1, 第二个) or guide number (第46项)."""

    def name(self) -> str:
        return "action_choose_option"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        options = entity_values(tracker, "option")
        text = text_of(tracker)
        # A button carries the entry's number in the guide; a typed number is a place in the list.
        from_button = text.startswith("/choose_option")
        reply = conversation().choose(state_of(tracker), text=text if not from_button else "",
                                      option=options[0] if (from_button and options) else None)
        utter(dispatcher, reply)
        return slot_events(reply.updates)


class ActionHandoff(SafeAction):
    def name(self) -> str:
        return "action_handoff"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = conversation().handoff(state_of(tracker))
        utter(dispatcher, reply)
        return slot_events(reply.updates)
