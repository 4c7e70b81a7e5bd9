"""Log records that cannot be forged or flood the log: control characters in a message are escaped (a user's
newline cannot start a fake line), a message is cut at MAX_MESSAGE characters, and the lines of a traceback are
marked as its continuation. The action server calls `configure_logging`; in the Rasa server the REST channel calls
`install` when it is created, because Rasa's CLI replaces the root handlers (coloredlogs) after reading any logging
configuration — so the escaping happens where each record is made, whatever handler prints it.

Logs carry ids and lengths, not what users typed; POLICYBOT_LOG_LEVEL=DEBUG (Rasa: POLICYBOT_DEBUG=1) is the
exception, for a developer's machine. No import beyond the standard library: the Rasa environment loads it too."""

from __future__ import annotations

import logging
import os
import re

MAX_MESSAGE = 2_000  # characters of one log message
MAX_RECORD = 8_000  # characters of a record with its traceback
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape(text: str) -> str:
    """One line: control characters as escapes (\\n, \\x1b …), cut at MAX_MESSAGE characters."""
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    if len(text) > MAX_MESSAGE:
        text = f"{text[:MAX_MESSAGE]}…[{len(text) - MAX_MESSAGE} more characters]"
    return text


class SafeFormatter(logging.Formatter):
    def __init__(self, fmt: str | None = "%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt=None,
                 style="%", **kwargs):
        super().__init__(fmt, datefmt, style, **kwargs)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape(record.message)
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        first, _, rest = text.partition("\n")
        if rest:  # a traceback: every further line marked, so none of them reads as a record of its own
            rest = "\n".join("  | " + escape(line) for line in rest.split("\n"))
            text = f"{first}\n{rest}"
        if len(text) > MAX_RECORD:
            text = text[:MAX_RECORD] + "…[cut]"
        return text


def install() -> None:
    """Every log record made from now on carries its message already escaped and cut (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "policybot_safe", False):
        return

    def safe_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to logging's own error report
            return record
        record.msg, record.args = escape(message), None
        return record

    safe_record.policybot_safe = True
    logging.setLogRecordFactory(safe_record)


def level() -> str:
    return os.environ.get("POLICYBOT_LOG_LEVEL", "DEBUG" if os.environ.get("POLICYBOT_DEBUG") else "INFO").upper()


def configure_logging() -> None:
    """The root logger writes safe records to stderr at POLICYBOT_LOG_LEVEL (INFO)."""
    install()
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level())
