"""The invalidation bus: at once in the process that publishes, after the commit only; through Redis to the
others, across a Redis restart; and a Redis that cannot be reached costs no request its answer."""

import threading
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from structlog.testing import capture_logs

from hireport.app import build_runtime, create_app
from hireport.kit.auth import Caller
from hireport.kit.clock import FrozenClock
from hireport.kit.invalidation import TENANT_SETTINGS, InvalidationBus
from hireport.services import api_tokens
from hireport.settings import Settings
from tests import factories
from tests.postgres import free_port
from tests.redis_server import RedisServer


@pytest.fixture
def backend() -> str:
    return "sqlite"  # one process


def test_publish_on_commit_tells_this_process_after_the_commit_and_never_after_a_rollback():
    bus, heard = InvalidationBus(), []
    bus.subscribe(TENANT_SETTINGS, heard.append)
    engine = create_engine("sqlite://")
    for outcome, key in ((Session.rollback, "rolled back"), (Session.commit, "committed")):
        with Session(engine) as session:
            session.execute(text("SELECT 1"))
            bus.publish_on_commit(session, TENANT_SETTINGS, key)
            assert heard == []
            outcome(session)
    assert heard == ["committed"]
    engine.dispose()


def _until_heard(publisher: InvalidationBus, heard: list[str], key: str) -> int:
    """Publish `key` until the other bus has heard it (its listener may still be connecting); how many
    times it was published."""
    deadline = time.monotonic() + 10
    published = 0
    while key not in heard:
        assert time.monotonic() < deadline, f"{key!r} was not heard in 10 s"
        publisher.publish(TENANT_SETTINGS, key)
        published += 1
        for _ in range(10):
            if key in heard:
                break
            time.sleep(0.02)
    return published


def test_buses_on_one_redis_tell_each_other_and_outlive_a_redis_restart(redis_server: RedisServer):
    here, there = InvalidationBus(redis_server.url), InvalidationBus(redis_server.url)
    heard_here: list[str] = []
    heard_there: list[str] = []
    here.subscribe(TENANT_SETTINGS, heard_here.append)
    there.subscribe(TENANT_SETTINGS, heard_there.append)
    here.start()
    there.start()
    try:
        published = _until_heard(here, heard_there, "218")
        assert heard_here == ["218"] * published  # told at once, and not again by its own message
        assert _until_heard(there, heard_here, "219") >= 1

        redis_server.stop()
        with capture_logs() as logs:
            here.publish(TENANT_SETTINGS, "220")  # Redis is down: this process is told, the others are not
        assert heard_here[-1] == "220" and "220" not in heard_there
        assert any(entry["log_level"] == "warning" for entry in logs)
        redis_server.start()  # the same port, nothing remembered
        _until_heard(here, heard_there, "221")
    finally:
        here.stop()
        there.stop()
    assert not [t for t in threading.enumerate() if t.name == "hireport-invalidation"]


def test_an_unreachable_redis_lets_requests_through_and_changes_still_apply_here(settings: Settings,
                                                                                  clock: FrozenClock,
                                                                                  operator_headers: dict[str, str]):
    unreachable = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    rt = build_runtime(unreachable, clock=clock)
    try:
        factories.tenant(rt, 218)
        with rt.db.transaction() as session:
            row, secret = api_tokens.create(session, Caller.operator(218), name="t", scopes=["Gupy.Jobs.Read"],
                                            clock=clock)
        bearer = {"Authorization": f"Bearer {secret}"}
        with TestClient(create_app(rt)) as http, capture_logs() as logs:
            jobs = http.get("/api/v1/jobs", headers=bearer)
            assert jobs.status_code == 200 and "x-ratelimit-limit" not in jobs.headers  # failed open
            revoked = http.delete(f"/manage/v1/tenants/218/api-tokens/{row.id}", headers=operator_headers)
            assert revoked.status_code == 200  # committed; only the other processes were not told
            assert http.get("/api/v1/jobs", headers=bearer).status_code == 403
        events = [entry["event"] for entry in logs]
        assert any(event.startswith("rate limit not applied") for event in events)
        assert any(event.startswith("invalidation not sent") for event in events)
    finally:
        rt.db.dispose()
