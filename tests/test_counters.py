"""The in-process rate-limit counters: `limits`' moving window, expired as they are used, with no thread."""

import threading

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from hireport.kit.counters import SWEEP_EVERY, ProcessCounters


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_moving_window_refuses_past_its_limit_and_frees_each_hit_a_window_later():
    clock = FakeTime()
    limiter, item = MovingWindowRateLimiter(ProcessCounters(clock)), parse("3/minute")
    assert [limiter.hit(item, "token-a") for _ in range(3)] == [True, True, True]
    assert not limiter.hit(item, "token-a")
    assert limiter.hit(item, "token-b"), "each key counts alone"
    stats = limiter.get_window_stats(item, "token-a")
    assert (stats.remaining, stats.reset_time) == (0, clock.now + 60)

    clock.now += 30
    assert not limiter.hit(item, "token-a"), "the window moves; it does not restart"
    clock.now += 30  # the first three hits are a full minute old
    assert limiter.hit(item, "token-a")
    assert limiter.get_window_stats(item, "token-a").remaining == 2


def test_a_window_answers_as_limits_own_memory_storage_does():
    """The same sequence of hits and stats through both storages: same answers (the reset within a second)."""
    ours, theirs = MovingWindowRateLimiter(ProcessCounters()), MovingWindowRateLimiter(MemoryStorage())
    item = parse("5/minute")
    for _ in range(8):
        assert ours.hit(item, "k") == theirs.hit(item, "k")
        mine, reference = ours.get_window_stats(item, "k"), theirs.get_window_stats(item, "k")
        assert mine.remaining == reference.remaining
        assert abs(mine.reset_time - reference.reset_time) < 1


def test_hits_start_no_thread():
    """limits' MemoryStorage starts a timer thread again and again as hits arrive; these counters none."""
    counters = ProcessCounters()
    limiter, item = MovingWindowRateLimiter(counters), parse("1000/second")
    before = threading.active_count()
    for i in range(200):
        limiter.hit(item, f"key-{i % 7}")
    assert threading.active_count() == before


def test_keys_whose_window_has_passed_are_swept():
    clock = FakeTime()
    counters = ProcessCounters(clock)
    limiter = MovingWindowRateLimiter(counters)
    for i in range(50):
        limiter.hit(parse("2/second"), f"address-{i}")
    assert len(counters) == 50
    clock.now += SWEEP_EVERY
    limiter.hit(parse("2/second"), "address-new")
    assert len(counters) == 1, "only the key hit after the sweep is held"


def test_a_window_holds_no_more_hits_than_its_limit():
    counters = ProcessCounters()
    limiter, item = MovingWindowRateLimiter(counters), parse("10/hour")
    for _ in range(1000):
        limiter.hit(item, "busy")
    assert limiter.get_window_stats(item, "busy").remaining == 0
    assert counters.get_moving_window(item.key_for("busy"), 10, item.get_expiry())[1] == 10
