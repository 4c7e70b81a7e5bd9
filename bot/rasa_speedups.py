"""Five changes to how Rasa 3.6 spends its time, found by profiling the server (py-spy; see README "Scale-out and
load"). Each keeps what Rasa does; it only stops it from doing it the slow way.

1. Rasa checks every answer of the action server against its JSON schema with `jsonschema.validate`, which first
   checks the *schema itself* against the metaschema and builds a new validator, on every call: about a third of
   the Rasa process's CPU per turn. Here the schema is checked once and its validator kept; each answer is still
   validated, and an invalid one still raises the same `ValidationError` with Rasa's message.
2. The SQLite tracker store commits each turn with a rollback journal and an fsync per commit, in the server's
   event loop. Here SQLite connections use write-ahead logging with `synchronous=NORMAL`: a commit survives the
   process being killed (the supervisor's restarts), though the last turns may be lost if the machine itself
   loses power. PostgreSQL (the scaled-out set) is not touched.
3. To load DIET, Rasa first runs one training step on an example (tracing the whole training function: about 4 of the
   ~11 s a Rasa server took to start here) only to create the model's variables, then overwrites every one of them
   from the checkpoint. Here the checkpoint is restored as each variable is created, by the prediction step Rasa runs
   next anyway to warm up. Every variable the prediction uses must have come from the checkpoint, or Rasa's own way
   is taken; the parses are bit for bit the same (tests/test_rasa.py). A restarted server answers sooner.
4. Each turn, the SQL tracker store reads the sender's latest session and, to save, counts its events, each time
   building the same two ORM queries again (SQLAlchemy's cache keys for them were ~8 % of the process's CPU under
   load). Here both are Core statements built once per table, with the sender as a bound parameter: the same SQL and
   the same rows, for SQLite and PostgreSQL alike. Reading the events back, Rasa looks up each event's class by
   walking every subclass of Event (a quarter of what is left of a read); the lookup is kept once made.
5. Rasa traces DIET's prediction step into a TensorFlow graph with AutoGraph, which first rewrites the step's Python
   source (~1.7 s of a start here). The step's branches and loops are on Python values, so the plain trace makes the
   same graph: traced without AutoGraph, the parses are the same, float for float (tests/test_rasa.py). A step
   needing AutoGraph (a branch on a tensor) fails to trace rather than tracing differently.

`install()` is idempotent. It is called when the REST channel is loaded (bot/channels/rest.py) and when the pipeline's
own component is imported (bot/components.py), so every Rasa server and `rasa test` run this project starts has it.
POLICYBOT_RASA_SPEEDUPS=0 leaves Rasa as it ships (`make bench` measures both).
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import os
from typing import Any, Dict, Text

log = logging.getLogger(__name__)
_installed = False


@functools.lru_cache(maxsize=None)
def action_response_validator():
    """The validator of Rasa's action-server response format, with its schema checked once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator built once."""
    from jsonschema import ValidationError, exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


_keepers: dict[str, object] = {}


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        path = next((row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"), "")
        cursor.close()
        if path and path not in _keepers:
            # SQLAlchemy opens and closes a SQLite connection per session (NullPool); when the last one closes,
            # SQLite checkpoints the log into the file and syncs it — once a turn. One idle connection kept open
            # leaves checkpoints to SQLite's own schedule (every ~1,000 pages).
            keeper = sqlite3.connect(path, check_same_thread=False)
            keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()  # a reader joins the log
            _keepers[path] = keeper


_rasa_load = None


def load_restoring_on_creation(cls, model_file_name, model_data_example, predict_data_example=None,
                               finetune_mode=False, *args, **kwargs):
    """RasaModel.load without the training step (3. above); Rasa's own load for fine-tuning or when no prediction
    example is given, or when a variable the prediction created was not in the checkpoint."""
    if finetune_mode or predict_data_example is None:
        return _rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    model = cls(*args, **kwargs)
    status = model.load_weights(model_file_name)  # restored as the variables are created
    try:
        model.run_inference(predict_data_example)  # creates them, as Rasa's warm-up does
        status.assert_existing_objects_matched()
    except AssertionError as exc:
        log.warning("DIET could not be restored without a training step (%s); loading it as Rasa does", exc)
        return _rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    return model


@functools.lru_cache(maxsize=None)
def latest_session_statements(table):
    """(its events' data in order, how many there are) for the latest session of the sender bound as `sender_id`:
    Rasa's SQLTrackerStore._event_query(fetch_events_from_all_sessions=False), built once."""
    import sqlalchemy as sa
    from rasa.shared.core.events import SessionStarted

    sender = sa.bindparam("sender_id")
    session_start = (sa.select(sa.func.max(table.c.timestamp))
                     .where(table.c.sender_id == sender, table.c.type_name == SessionStarted.type_name)
                     .scalar_subquery())
    latest = sa.and_(table.c.sender_id == sender,
                     sa.or_(table.c.timestamp >= session_start, session_start.is_(None)))
    return (sa.select(table.c.data).where(latest).order_by(table.c.id),
            sa.select(sa.func.count()).select_from(table).where(latest))


_rasa_predict = None


def predict_traced_without_autograph(self, batch_in):
    """RasaModel._rasa_predict, with the prediction step's graph traced without AutoGraph (5. above)."""
    if self._tf_predict_step is None and not self._run_eagerly:
        import tensorflow as tf

        self._tf_predict_step = tf.function(self.predict_step, input_signature=self._dynamic_signature(batch_in),
                                            autograph=False)
    return _rasa_predict(self, batch_in)


_rasa_retrieve = None


async def retrieve_latest_session(self, sender_id, fetch_events_from_all_sessions):
    """SQLTrackerStore._retrieve with the prepared statement (4. above); Rasa's own for all sessions."""
    if fetch_events_from_all_sessions:
        return await _rasa_retrieve(self, sender_id, fetch_events_from_all_sessions)
    from rasa.shared.core.trackers import DialogueStateTracker

    select_events, _ = latest_session_statements(self.SQLEvent.__table__)
    with self.session_scope() as session:
        events = [json.loads(data) for data in session.execute(select_events, {"sender_id": sender_id}).scalars()]
    if self.domain and events:
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
    return None


_rasa_resolve_by_type = None


@functools.lru_cache(maxsize=None)
def _event_classes() -> dict:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    classes: dict = {}
    for cls in all_subclasses(Event):  # the first of a name wins, as in Rasa's loop
        classes.setdefault(cls.type_name, cls)
    return classes


def resolve_event_type(type_name, default=None):
    """Event.resolve_by_type from the classes found at the first call; Rasa's own walk for a name not among them
    (an Event subclass defined later, "topic", an unknown name and its error)."""
    return _event_classes().get(type_name) or _rasa_resolve_by_type(type_name, default)


def events_not_stored(self, session, tracker):
    """SQLTrackerStore._additional_events with the prepared count (4. above)."""
    _, count_events = latest_session_statements(self.SQLEvent.__table__)
    stored = session.execute(count_events, {"sender_id": tracker.sender_id}).scalar()
    return itertools.islice(tracker.events, stored, len(tracker.events))


def install() -> None:
    global _installed
    if _installed or os.environ.get("POLICYBOT_RASA_SPEEDUPS", "1") == "0":
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import Event
    from rasa.utils.tensorflow.models import RasaModel
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    global _rasa_load, _rasa_predict, _rasa_retrieve, _rasa_resolve_by_type
    RemoteAction._validate_action_result = validate_action_result
    event.listen(Engine, "connect", _sqlite_pragmas)
    _rasa_load = RasaModel.load.__func__
    RasaModel.load = classmethod(load_restoring_on_creation)
    _rasa_predict = RasaModel._rasa_predict
    RasaModel._rasa_predict = predict_traced_without_autograph
    _rasa_retrieve = SQLTrackerStore._retrieve
    SQLTrackerStore._retrieve = retrieve_latest_session
    SQLTrackerStore._additional_events = events_not_stored
    _rasa_resolve_by_type = Event.resolve_by_type
    Event.resolve_by_type = staticmethod(resolve_event_type)
    _installed = True
    log.debug("rasa speed-ups installed: cached action-response validator, SQLite WAL, DIET restored on creation, "
              "tracker store statements built once, DIET traced without AutoGraph")
