"""Requests per credential in a moving window (the `limits` library), counted in the runtime's storage: in
memory (this process) or in Redis (every process). A dialect that limits its callers keeps one `Limiter`.

In memory the windows count by the runtime's clock (`ProcessCounters`), so tests move them by moving the
clock. In Redis they count by wall time: `limits` stamps each hit with the calling host's `time.time()`
and Redis expires the keys on its own clock; the counters are shared by every process, so no injected clock
could move them."""

import math
import time
from collections.abc import Callable

import structlog
from limits import parse
from limits.errors import StorageError
from limits.storage import Storage
from limits.strategies import MovingWindowRateLimiter

from hireport.kit.counters import ProcessCounters
from hireport.kit.errors import RateLimited

log = structlog.get_logger("hireport.ratelimit")


class Limiter:
    """Requests per token in a moving window, counted in `storage`: the runtime's, in memory (this process)
    or in Redis (every process).

    Should Redis be unreachable, a request is let through without the rate-limit headers and a warning is
    logged (failing open, as most API gateways do: an outage of the counters is not an outage of the API)."""

    def __init__(self, rate: str, storage: Storage, *, namespace: str,
                 refusal: str = "rate limit of {rate} exceeded for this token; retry after the reset") -> None:
        self.item = parse(rate)
        self.namespace = namespace
        self.refusal = refusal  # what a refused caller reads ({rate}: the limit)
        self.in_memory = isinstance(storage, ProcessCounters)  # else every hit is a network round trip
        self._now = counting_time(storage)
        self._limiter = MovingWindowRateLimiter(storage)

    def hit(self, key: str) -> dict[str, str]:
        try:
            allowed = self._limiter.hit(self.item, self.namespace, key)
            reset, remaining = self._limiter.get_window_stats(self.item, self.namespace, key)
        except StorageError as exc:
            log.warning("rate limit not applied: its counters cannot be reached", error=str(exc.storage_error))
            return {}
        headers = {"X-RateLimit-Limit": str(self.item.amount), "X-RateLimit-Remaining": str(max(remaining, 0)),
                   "X-RateLimit-Reset": str(int(reset))}
        if not allowed:
            retry = {"Retry-After": str(seconds_until(reset, self._now()))}
            raise RateLimited(self.refusal.format(rate=self.item), headers={**headers, **retry})
        return headers


def counting_time(storage: Storage) -> Callable[[], float]:
    """The time `storage`'s windows count by: the runtime's clock in memory, the wall clock in Redis."""
    return storage.now if isinstance(storage, ProcessCounters) else time.time


def seconds_until(reset: float, now: float) -> int:
    """A Retry-After: whole seconds until a window's oldest hit leaves it (at least 1)."""
    return max(1, math.ceil(reset - now))
