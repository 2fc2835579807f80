"""A small bounded memory of facts confirmed recently, so hot paths skip a database round trip."""

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from hireport.kit.clock import Clock


class RecentlyConfirmed:
    """Keys confirmed in the last `ttl` seconds (by the injected clock), each with what was found; at most
    `size` of them, oldest forgotten first. Only positive facts are kept: a refusal is checked afresh."""

    def __init__(self, clock: Clock, *, ttl: float = 10.0, size: int = 10_000) -> None:
        self._clock, self._ttl, self._size = clock, ttl, size
        self._seen: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def __contains__(self, key: Hashable) -> bool:
        return self.get(key) is not None

    def get(self, key: Hashable) -> Any:
        """What was confirmed under `key`, if it still holds; else None."""
        entry = self._seen.get(key)
        if entry is None or self._clock.now().timestamp() - entry[0] >= self._ttl:
            return None
        return entry[1]

    def forget(self, key: Hashable) -> None:
        """Drop what was confirmed under `key` (it was revoked), so the next check looks again."""
        self._seen.pop(key, None)

    def add(self, key: Hashable, value: Any = True) -> None:
        self._seen[key] = (self._clock.now().timestamp(), value)
        self._seen.move_to_end(key)
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)
