"""The in-process rate-limit counters: `limits`' moving window, expired as they are used, with no thread,
counting by the injected clock."""

import threading
from types import SimpleNamespace

import pytest
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from hireport.kit.clock import FrozenClock
from hireport.kit.counters import SWEEP_EVERY, ProcessCounters
from hireport.kit.errors import RateLimited
from hireport.kit.ratelimit import Limiter


def test_a_moving_window_refuses_past_its_limit_and_frees_each_hit_a_window_later():
    clock = FrozenClock()
    limiter, item = MovingWindowRateLimiter(ProcessCounters(clock)), parse("3/minute")
    assert [limiter.hit(item, "token-a") for _ in range(3)] == [True, True, True]
    assert not limiter.hit(item, "token-a")
    assert limiter.hit(item, "token-b"), "each key counts alone"
    stats = limiter.get_window_stats(item, "token-a")
    assert (stats.remaining, stats.reset_time) == (0, clock.now().timestamp() + 60)

    clock.advance(30)
    assert not limiter.hit(item, "token-a"), "the window moves; it does not restart"
    clock.advance(30)  # the first three hits are a full minute old
    assert limiter.hit(item, "token-a")
    assert limiter.get_window_stats(item, "token-a").remaining == 2


def test_a_window_answers_as_limits_own_memory_storage_does(monkeypatch: pytest.MonkeyPatch):
    """The same hits, at the same times, through both storages: the same answers. `limits`' storage reads
    `time.time()`, so its module is handed the test's clock too."""
    clock = FrozenClock()
    monkeypatch.setattr("limits.storage.memory.time", SimpleNamespace(time=lambda: clock.now().timestamp()))
    ours, theirs = MovingWindowRateLimiter(ProcessCounters(clock)), MovingWindowRateLimiter(MemoryStorage())
    item = parse("5/minute")
    for _ in range(8):
        assert ours.hit(item, "k") == theirs.hit(item, "k")
        assert ours.get_window_stats(item, "k") == theirs.get_window_stats(item, "k")
        clock.advance(11)


def test_hits_start_no_thread():
    """limits' MemoryStorage starts a timer thread again and again as hits arrive; these counters none."""
    counters = ProcessCounters(FrozenClock())
    limiter, item = MovingWindowRateLimiter(counters), parse("1000/second")
    before = threading.active_count()
    for i in range(200):
        limiter.hit(item, f"key-{i % 7}")
    assert threading.active_count() == before


def test_keys_whose_window_has_passed_are_swept():
    clock = FrozenClock()
    counters = ProcessCounters(clock)
    limiter = MovingWindowRateLimiter(counters)
    for i in range(50):
        limiter.hit(parse("2/second"), f"address-{i}")
    assert len(counters) == 50
    clock.advance(SWEEP_EVERY)
    limiter.hit(parse("2/second"), "address-new")
    assert len(counters) == 1, "only the key hit after the sweep is held"


def test_a_window_holds_no_more_hits_than_its_limit():
    counters = ProcessCounters(FrozenClock())
    limiter, item = MovingWindowRateLimiter(counters), parse("10/hour")
    for _ in range(1000):
        limiter.hit(item, "busy")
    assert limiter.get_window_stats(item, "busy").remaining == 0
    assert counters.get_moving_window(item.key_for("busy"), 10, item.get_expiry())[1] == 10


def test_a_refusal_says_when_to_retry_by_the_clock_and_is_let_through_then():
    """Retry-After and X-RateLimit-Reset are the clock's: a caller waiting what it is told gets in, one
    second less does not; however long the test itself takes."""
    clock = FrozenClock()
    limiter = Limiter("2/minute", ProcessCounters(clock), namespace="test")
    limiter.hit("token")
    clock.advance(20)
    assert limiter.hit("token")["X-RateLimit-Remaining"] == "0"
    with pytest.raises(RateLimited) as refused:
        limiter.hit("token")
    assert refused.value.headers["Retry-After"] == "40", "the first hit leaves the window 40 s from now"
    assert refused.value.headers["X-RateLimit-Reset"] == str(int(clock.now().timestamp()) + 40)
    clock.advance(39)
    with pytest.raises(RateLimited) as again:
        limiter.hit("token")
    assert again.value.headers["Retry-After"] == "1"
    clock.advance(1)
    assert limiter.hit("token")["X-RateLimit-Remaining"] == "0", "the second hit is still in the window"
