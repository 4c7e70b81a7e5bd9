"""Two changes to how Rasa 3.6 spends its time on a turn, found by profiling the server under load (py-spy; see
README "Scale-out and load"). Both keep what Rasa does; they only stop it from doing it the slow way.

1. Rasa checks every answer of the action server against its JSON schema with `jsonschema.validate`, which first
   checks the *schema itself* against the metaschema and builds a new validator, on every call: about a third of
   the Rasa process's CPU per turn. Here the schema is checked once and its validator kept; each answer is still
   validated, and an invalid one still raises the same `ValidationError` with Rasa's message.
2. The SQLite tracker store commits each turn with a rollback journal and an fsync per commit, in the server's
   event loop. Here SQLite connections use write-ahead logging with `synchronous=NORMAL`: a commit survives the
   process being killed (the supervisor's restarts), though the last turns may be lost if the machine itself
   loses power. PostgreSQL (the scaled-out set) is not touched.

`install()` is idempotent and is called when the REST channel is loaded (bot/channels/rest.py), i.e. in every Rasa
server this project runs. POLICYBOT_RASA_SPEEDUPS=0 leaves Rasa as it ships (`make bench` measures both).
"""

from __future__ import annotations

import functools
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


def install() -> None:
    global _installed
    if _installed or os.environ.get("POLICYBOT_RASA_SPEEDUPS", "1") == "0":
        return
    from rasa.core.actions.action import RemoteAction
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    RemoteAction._validate_action_result = validate_action_result
    event.listen(Engine, "connect", _sqlite_pragmas)
    _installed = True
    log.debug("rasa speed-ups installed: cached action-response validator, SQLite WAL")
