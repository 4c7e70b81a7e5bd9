"""The project's exception hierarchy.

It lives in the lowest layer so that every layer above (index, answers, actions, channels) can raise and catch
the same named errors; the edges turn them into a polite reply, an exit status or an HTTP status.
"""

from __future__ import annotations


class PolicybotError(Exception):
    """Base class of every error this project raises on purpose."""


class InvalidInput(PolicybotError, ValueError):
    """Input from outside (a request parameter, a profile, a search mode) that this project refuses. The message
    is safe to show: it names what is accepted and never repeats what was sent. Edges turn it into a 4xx or a
    polite reply."""


class SourceError(PolicybotError):
    """A guide source file is missing, unreadable, not UTF-8, or does not have the expected structure."""

    def __init__(self, path: str, message: str, *, entry: int | None = None, line: int | None = None):
        self.path = str(path)
        self.entry = entry
        self.line = line
        where = self.path
        if line is not None:
            where += f":{line}"
        if entry is not None:
            where += f" (entry {entry})"
        super().__init__(f"{where}: {message}")


class AnnotationError(PolicybotError):
    """A curated data file (aliases, audience, fields, facts) is malformed or names an unknown value."""

    def __init__(self, path: str, message: str):
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")


BUILD_COMMAND = "`make build` (or `policybot build`)"


class BuildUnavailable(PolicybotError):
    """The knowledge base or the index is missing, damaged, or was built from other inputs than the current ones.
    Serving only loads, so this stops a server at start; the message names the file and BUILD_COMMAND."""


class KnowledgeBaseMissing(BuildUnavailable):
    """The built knowledge base is absent or unreadable; `policybot build` makes it."""
