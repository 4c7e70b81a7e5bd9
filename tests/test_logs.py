"""Log records cannot be forged by a newline in what a user sent, nor grow to the size of a message."""

from __future__ import annotations

import logging

from ops.logs import MAX_MESSAGE, SafeFormatter, escape


def record(msg, *args, exc_info=None):
    return logging.LogRecord("policybot.test", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_a_newline_in_an_argument_does_not_start_a_line():
    line = SafeFormatter().format(record("sender %s said %s", "u1", "hi\n2026-01-01 00:00:00 ERROR forged\r\x1b[31m"))
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert "hi\\n2026-01-01" in line and "\\x1b" in line


def test_a_long_message_is_cut():
    line = SafeFormatter().format(record("%s", "字" * 100_000))
    assert len(line) < MAX_MESSAGE + 200 and "more characters" in line


def test_traceback_lines_are_marked_as_continuation():
    try:
        raise ValueError("bad\nFAKE RECORD")
    except ValueError:
        import sys

        text = SafeFormatter().format(record("failed", exc_info=sys.exc_info()))
    lines = text.split("\n")
    assert len(lines) > 1 and all(line.startswith("  | ") for line in lines[1:])


def test_escape_keeps_chinese_and_tabs_out():
    assert escape("高企\t奖励") == "高企\\t奖励"


def test_records_are_escaped_whatever_handler_prints_them():
    # Rasa's CLI swaps the root handlers for coloredlogs; the escaping is in the record itself
    import io

    from ops.logs import install

    install()
    install()  # idempotent
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("policybot.test.factory")
    logger.addHandler(handler)
    try:
        logger.error("text %s", "a\nFORGED")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == "text a\\nFORGED\n"
