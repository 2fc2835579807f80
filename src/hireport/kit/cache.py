"""A small bounded memory of facts confirmed recently, so hot paths skip a database round trip."""

from collections import OrderedDict
from collections.abc import Hashable

from hireport.kit.clock import Clock


class RecentlyConfirmed:
    """Keys confirmed in the last `ttl` seconds (by the injected clock); at most `size` of them, oldest
    forgotten first. Only positive facts are kept: a refusal is always checked afresh."""

    def __init__(self, clock: Clock, *, ttl: float = 10.0, size: int = 10_000) -> None:
        self._clock, self._ttl, self._size = clock, ttl, size
        self._seen: OrderedDict[Hashable, float] = OrderedDict()

    def __contains__(self, key: Hashable) -> bool:
        confirmed = self._seen.get(key)
        return confirmed is not None and self._clock.now().timestamp() - confirmed < self._ttl

    def add(self, key: Hashable) -> None:
        self._seen[key] = self._clock.now().timestamp()
        self._seen.move_to_end(key)
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)
