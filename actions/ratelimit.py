"""A token bucket per client: the rate limit of /api and of the console's login.

Each client (the peer address of the connection; a forwarded-for header is not trusted) has a bucket of `burst`
requests that refills at `rate` a second; a request takes one, and with none left it is refused with the seconds to
wait. Buckets are kept for at most `max_clients` clients: a full bucket says nothing a missing one does not, so
those go first, then the least recently used.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from typing import Callable

DEFAULT_RATE = 2.0  # requests a second, sustained: an agent typing makes one request per pause
DEFAULT_BURST = 60  # requests at once: a busy minute at the console


class RateLimiter:
    def __init__(self, rate: float = DEFAULT_RATE, burst: int = DEFAULT_BURST, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be above 0 and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client → (tokens, when)

    def take(self, client: str) -> float:
        """0 when the request may go ahead (a token is taken), else the seconds until one is available."""
        now = self.clock()
        tokens, when = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - when) * self.rate)
        if tokens >= 1:
            self._buckets[client] = (tokens - 1, now)
            wait = 0.0
        else:
            self._buckets[client] = (tokens, now)
            wait = (1 - tokens) / self.rate
        if len(self._buckets) > self.max_clients:
            self._forget(now)
        return wait

    def _forget(self, now: float) -> None:
        for client, (tokens, when) in list(self._buckets.items()):
            if tokens + (now - when) * self.rate >= self.burst:
                del self._buckets[client]
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)


def from_setting(value: str | None) -> RateLimiter | None:
    """POLICYBOT_API_RATE: "RATE/BURST" (requests a second / at once, e.g. "2/60", the default), or "off"."""
    if value is None or not value.strip():
        return RateLimiter()
    value = value.strip().lower()
    if value in ("off", "0", "none"):
        return None
    rate, _, burst = value.partition("/")
    try:
        r, b = float(rate), int(burst) if burst else DEFAULT_BURST
    except ValueError:
        raise ValueError('POLICYBOT_API_RATE is "RATE/BURST" (e.g. "2/60") or "off"') from None
    if not math.isfinite(r):
        raise ValueError('POLICYBOT_API_RATE is "RATE/BURST" (e.g. "2/60") or "off"')
    return RateLimiter(r, b)
