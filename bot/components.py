"""Custom components of the Rasa pipeline (config.yml). Thin adapters over plain-Python logic in bot/."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from knowledge.vocab import load_dialogue, load_fields

from . import rasa_speedups
from .intent_check import IntentCheck

log = logging.getLogger(__name__)

# Rasa imports this module when it reads the model's graph, before it loads the components: the speed-ups are then
# in place for `rasa test` and `rasa shell` too, not only for the servers whose channels install them.
rasa_speedups.install()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentGuard(GraphComponent, IntentClassifier):
    """Replaces an intent whose defining words the message lacks (bot/intent_check.py)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config
        self.check = IntentCheck(load_dialogue(), load_fields())

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "IntentGuard":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name = intent.get(INTENT_NAME_KEY)
            text = message.get(TEXT) or ""
            if not name or not text:
                continue
            ranking = [(r.get(INTENT_NAME_KEY), r.get(PREDICTED_CONFIDENCE_KEY, 0.0))
                       for r in message.get(INTENT_RANKING_KEY) or []]
            entities = [e.get(ENTITY_ATTRIBUTE_TYPE) for e in message.get(ENTITIES) or []]
            checked = self.check.checked(name, ranking, text, entities)
            if checked != name:
                confidence = dict(ranking).get(checked, intent.get(PREDICTED_CONFIDENCE_KEY, 0.0))
                log.debug("intent %s replaced by %s", name, checked)
                message.set(INTENT, {INTENT_NAME_KEY: checked, PREDICTED_CONFIDENCE_KEY: confidence,
                                     "checked_from": name}, add_to_output=True)
        return messages
