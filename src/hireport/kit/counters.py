"""Rate-limit counters kept in this process, for `limits`' moving-window strategy.

`limits`' own `MemoryStorage` expires its entries from a timer thread that it starts again whenever the
last one has finished: with requests arriving, a new thread every 10 ms or so, and starting one waits for
the GIL (about a third of the time of a rate-limited request under load, measured with cProfile). These counters
expire as they are used instead: a key's hits are a queue of timestamps, oldest first, trimmed to the
window whenever the key is touched, never longer than the limit; keys untouched for a whole window are
swept at most once a minute. Memory is bounded by the keys (tokens, e-mails, addresses) seen in the
last window times their limits.

Time is the runtime's `Clock` (`hireport.kit.clock`), so a test moves a window by moving its clock.
"""

import threading
from collections import deque
from dataclasses import dataclass, field

from limits.storage import MovingWindowSupport, Storage

from hireport.kit.clock import Clock

SWEEP_EVERY = 60.0  # seconds between sweeps of keys whose window has passed


@dataclass
class _Window:
    seconds: int
    hits: deque[float] = field(default_factory=deque)  # timestamps, oldest first

    def trim(self, now: float) -> deque[float]:
        start = now - self.seconds
        while self.hits and self.hits[0] <= start:
            self.hits.popleft()
        return self.hits


class ProcessCounters(Storage, MovingWindowSupport):
    """The moving window only (the one strategy hireport uses); thread-safe."""

    STORAGE_SCHEME = None

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self._clock = clock
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()
        self._swept = self.now()

    def now(self) -> float:
        """The time the windows count by (seconds since the epoch): the clock's."""
        return self._clock.now().timestamp()

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        now = self.now()
        with self._lock:
            self._sweep(now)
            window = self._windows.get(key)
            if window is None:
                window = self._windows[key] = _Window(expiry)
            hits = window.trim(now)
            if len(hits) + amount > limit:
                return False
            hits.extend([now] * amount)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(the oldest hit still in the window, the hits in it); (now, 0) for none."""
        now = self.now()
        with self._lock:
            window = self._windows.get(key)
            hits = window.trim(now) if window is not None else None
            return (hits[0], len(hits)) if hits else (now, 0)

    def _sweep(self, now: float) -> None:
        if now - self._swept < SWEEP_EVERY:
            return
        self._swept = now
        for key in [k for k, w in self._windows.items() if not w.trim(now)]:
            del self._windows[key]

    def __len__(self) -> int:
        """The keys held."""
        return len(self._windows)

    def clear(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def reset(self) -> int:
        with self._lock:
            count = len(self._windows)
            self._windows.clear()
            return count

    def check(self) -> bool:
        return True

    # the fixed-window strategies' operations: not used by hireport, refused rather than half-built
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("ProcessCounters serves the moving window only")

    def get(self, key: str) -> int:
        raise NotImplementedError("ProcessCounters serves the moving window only")

    def get_expiry(self, key: str) -> float:
        raise NotImplementedError("ProcessCounters serves the moving window only")
