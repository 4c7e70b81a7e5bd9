"""WeChat retries a message it got no reply to within 5 s, up to three times in all. Each message is worked on
once: the first request starts its turn, a retry finds the same task (held here by a strong reference, so the
event loop cannot drop it) and waits on it instead of making a second bot turn."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Generic, TypeVar

T = TypeVar("T")
ATTEMPTS = 3  # WeChat's requests for one message: the first and its retries


def message_key(msg_id: object, sender: str, create_time: object) -> str:
    """MsgId for messages; events have none, so their sender and CreateTime."""
    return f"id:{msg_id}" if msg_id else f"ev:{sender}:{create_time}"


@dataclass
class Flight(Generic[T]):
    task: "asyncio.Task[T]"
    started: float
    attempts: int = 0
    handled: bool = False  # its answer went out (passively or pushed); later retries get an empty reply
    extra: dict = field(default_factory=dict)


class InFlight(Generic[T]):
    """key → the task answering that message, kept `keep` seconds after it started (longer than WeChat retries)
    and at most `max_entries` (the oldest finished ones are dropped first)."""

    def __init__(self, keep: float = 60.0, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.keep, self.max_entries, self.clock = keep, max_entries, clock
        self._flights: dict[str, Flight[T]] = {}

    def attend(self, key: str, start: Callable[[], Awaitable[T]]) -> Flight[T]:
        """The flight for this message, started now when it is new; counts the attempt."""
        self._prune()
        flight = self._flights.get(key)
        if flight is None:
            flight = Flight(asyncio.ensure_future(start()), self.clock())
            self._flights[key] = flight
        flight.attempts += 1
        return flight

    def __len__(self) -> int:
        return len(self._flights)

    def _prune(self) -> None:
        now = self.clock()
        for key in [k for k, f in self._flights.items() if f.task.done() and now - f.started > self.keep]:
            del self._flights[key]
        while len(self._flights) >= self.max_entries:
            done = next((k for k, f in self._flights.items() if f.task.done()), None)
            if done is None:
                break  # every entry still running: keep them all rather than lose a reference
            del self._flights[done]
