"""`kit.query.Query` answers what `Connection.execute` answers for the same statement, on both databases."""

from datetime import date

import pytest
from sqlalchemy import bindparam, func, select

from hireport.kit.auth import Caller
from hireport.kit.errors import InvalidInput
from hireport.kit.query import Query
from hireport.kit.runtime import Runtime
from hireport.kit.tenancy import bound, prepared
from hireport.models import Job, JobStatus
from hireport.services import jobs
from hireport.services.jobs import JobFields
from tests import factories

# every kind of column a read model takes: ids, text, an enum, timestamps, a date, a number, JSON, nulls
_COLUMNS = (Job.id, Job.external_id, Job.title, Job.status, Job.created_at, Job.updated_at, Job.hiring_deadline,
            Job.salary, Job.attributes, Job.summary)
_IN = prepared(Job, *_COLUMNS).where(Job.id.in_(bindparam("ids", expanding=True))).order_by(Job.id)
# values the statement holds itself: a constant, a constant list, and a caller's list beside them
_CONSTANTS = (prepared(Job, *_COLUMNS)
              .where(Job.status != JobStatus.canceled, Job.title.in_(["first", "second", "third"]),
                     Job.id.in_(bindparam("ids", expanding=True)))
              .order_by(Job.id.desc()).limit(bindparam("limit")))


@pytest.fixture
def job_ids(runtime: Runtime) -> list[int]:
    factories.tenant(runtime)
    factories.tenant(runtime, 219, "Other")
    made = []
    with runtime.db.transaction() as s:
        for title, fields in [("first", {"salary": 1234.5, "summary": "s"}),
                              ("second", {"external_id": "E-2", "hiring_deadline": date(2027, 1, 2)}),
                              ("third", {"attributes": {"Colour": "blue", "n": [1, 2]}}), ("fourth", {})]:
            made.append(jobs.create(s, Caller.operator(218), JobFields(title=title, **fields),
                                    clock=runtime.clock).id)
        jobs.create(s, Caller.operator(219), JobFields(title="first"), clock=runtime.clock)
    return made


@pytest.mark.parametrize("statement", [_IN, _CONSTANTS], ids=["in-list", "constants"])
def test_rows_are_those_execute_gives(runtime: Runtime, job_ids: list[int], statement):
    query = Query(statement)
    caller = Caller.operator(218)
    with runtime.db.engine.connect() as connection:
        for ids in ([job_ids[0]], job_ids, job_ids[1:3], [job_ids[2], 10**9], job_ids):  # lengths vary, then recur
            params = bound(caller, ids=ids, limit=2)
            expected = [tuple(row) for row in connection.execute(statement, params)]
            assert query.rows(connection, params) == expected
            assert expected  # the comparison saw rows
    with runtime.db.engine.connect() as connection:
        rows = query.rows(connection, bound(caller, ids=job_ids, limit=10))
    assert {row[3] for row in rows} == {JobStatus.draft} and all(row[4].utcoffset() is not None for row in rows)


def test_another_tenants_rows_are_not_found(runtime: Runtime, job_ids: list[int]):
    with runtime.db.engine.connect() as connection:
        assert Query(_IN).rows(connection, bound(Caller.operator(219), ids=job_ids)) == []


def test_a_missing_parameter_is_refused(runtime: Runtime, job_ids: list[int]):
    query = Query(_IN)
    with runtime.db.engine.connect() as connection:
        with pytest.raises(ValueError, match="tenant"):
            query.rows(connection, {"ids": job_ids})
        with pytest.raises(ValueError, match="ids"):
            query.rows(connection, {"tenant": 218})


def test_a_value_the_database_cannot_hold_is_a_client_error(runtime: Runtime, job_ids: list[int]):
    with runtime.db.engine.connect() as connection, pytest.raises(InvalidInput):
        Query(_IN).rows(connection, bound(Caller.operator(218), ids=[2**70]))


def test_it_reads_in_the_callers_transaction(runtime: Runtime, job_ids: list[int]):
    count = Query(prepared(Job, func.count()))
    with runtime.db.transaction() as s:
        jobs.create(s, Caller.operator(218), JobFields(title="fifth"), clock=runtime.clock)
        assert count.scalar(s, {"tenant": 218}) == 5  # the session's new row is flushed first
        s.rollback()
    with runtime.db.engine.connect() as connection:
        assert count.scalar(connection, {"tenant": 218}) == 4
        assert connection.in_transaction()  # begun, so every statement of one read sees one snapshot


def test_first_and_scalar(runtime: Runtime, job_ids: list[int]):
    by_title = Query(select(Job.id).where(Job.title == bindparam("title")).order_by(Job.id))
    with runtime.db.engine.connect() as connection:
        assert by_title.first(connection, {"title": "nobody"}) is None
        assert by_title.first(connection, {"title": "first"}) == (job_ids[0],)
        with pytest.raises(ValueError, match="one row"):
            by_title.scalar(connection, {"title": "first"})  # two tenants' "first"


def test_values_are_bound_as_execute_binds_them(runtime: Runtime, job_ids: list[int]):
    """A timestamp, an enum and a JSON value as parameters go through SQLAlchemy's bind processors."""
    statement = (prepared(Job, Job.id).where(Job.created_at <= bindparam("now"), Job.status == bindparam("status"),
                                             Job.attributes != bindparam("attributes", type_=Job.attributes.type))
                 .order_by(Job.id))
    params = bound(Caller.operator(218), now=runtime.clock.now(), status=JobStatus.draft, attributes={"x": 1})
    with runtime.db.engine.connect() as connection:
        expected = [tuple(row) for row in connection.execute(statement, params)]
        assert expected and Query(statement).rows(connection, params) == expected


def test_a_parameter_missing_after_the_plan_was_made_is_refused_too(runtime: Runtime, job_ids: list[int]):
    query = Query(_IN)
    with runtime.db.engine.connect() as connection:
        assert query.rows(connection, bound(Caller.operator(218), ids=job_ids))
        with pytest.raises(ValueError, match="tenant"):
            query.rows(connection, {"ids": job_ids})  # the same list length: the plan exists
