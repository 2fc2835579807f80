"""Migrations match the models; one transaction per request; nothing half-written."""

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite
from starlette.testclient import TestClient

from hireport.kit.auth import Caller
from hireport.kit.errors import Conflict
from hireport.kit.runtime import Runtime
from hireport.kit.web import DbSession, RuntimeDep
from hireport.migrations import runner
from hireport.models import Job
from hireport.models.base import UTCDateTime
from hireport.services import jobs
from hireport.services.jobs import JobFields
from tests import factories


def test_migrations_match_the_models(database_url: str):
    runner.check(database_url)  # raises if autogenerate would find a difference


def test_timestamps_come_back_timezone_aware(runtime: Runtime):
    factories.tenant(runtime)
    with runtime.db.transaction() as s:
        job_id = jobs.create(s, Caller.operator(218), JobFields(title="x"), clock=runtime.clock).id
    with runtime.db.transaction(write=False) as s:
        job = s.get(Job, job_id)
        assert job is not None and job.created_at == runtime.clock.now()
        assert job.created_at.utcoffset() is not None


@pytest.mark.parametrize(("stored", "read"), [
    ("2026-03-04 05:06:07.123456", datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)),
    ("2026-03-04 05:06:07", datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)),
    ("2026-03-04 05:06:07.5", datetime(2026, 3, 4, 5, 6, 7, 500000, tzinfo=UTC)),
    ("2026-03-04", datetime(2026, 3, 4, tzinfo=UTC)),  # fromisoformat drops the zone of a date alone
    ("2026-03-04 05:06:07+02:00", datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)),  # as the driver's parser has it
])
def test_sqlite_text_timestamps_are_read_as_utc(stored: str, read: datetime):
    process = UTCDateTime().result_processor(sqlite.dialect(), None)
    found = process(stored)
    assert found == read and found is not None and found.tzinfo is UTC
    assert process(None) is None


def test_a_request_that_fails_after_writing_leaves_nothing(runtime: Runtime):
    factories.tenant(runtime)
    app = FastAPI()
    app.state.runtime = runtime

    @app.exception_handler(Conflict)
    async def _conflict(_request: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse({"message": exc.message}, status_code=409)

    @app.post("/half")
    def half(session: DbSession, rt: RuntimeDep) -> dict[str, int]:
        jobs.create(session, Caller.operator(218), JobFields(title="written, then refused"), clock=rt.clock)
        raise Conflict("refused after the write")

    @app.post("/whole")
    def whole(session: DbSession, rt: RuntimeDep) -> dict[str, int]:
        return {"id": jobs.create(session, Caller.operator(218), JobFields(title="kept"), clock=rt.clock).id}

    http = TestClient(app)
    assert http.post("/half").status_code == 409
    assert http.post("/whole").status_code == 200
    with runtime.db.transaction(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 1
        assert s.scalar(select(Job.title)) == "kept"
