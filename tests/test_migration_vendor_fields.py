"""Migration 0010: the job columns only one dialect read move into `attributes` under that dialect's wire
names, every other row stays (SQLite must not rebuild `jobs`: that cascades deletes to its children), and the
downgrade puts them back."""

import json
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, func, select, text

from hireport.kit.runtime import Runtime
from hireport.migrations.runner import alembic_config
from hireport.models import Application, Job
from tests import factories

COLUMNS = {"publication_type": "external", "department_id": 7, "role_id": 31, "branch_id": 2147483647,
           "site_id": "SYD-2", "owner_user_id": "u101", "needed_date": datetime(2027, 1, 15, 0, 0, 0, 250000, UTC),
           "position_start": datetime(2027, 2, 1, 8, 30, tzinfo=UTC), "position_end": None}
ATTRIBUTES = {"SupplementaryField1": "night shifts", "publicationType": "external", "departmentId": 7,
              "roleId": 31, "branchId": 2147483647, "SiteID": "SYD-2", "OwnerUserID": "u101",
              "NeededDate": "2027-01-15T00:00:00.250000+00:00", "PositionStart": "2027-02-01T08:30:00+00:00"}


def test_vendor_columns_move_into_attributes_and_back(runtime: Runtime, database_url: str):
    factories.tenant(runtime)
    job_id = factories.recruitment(runtime, 218)["job"]
    runtime.db.dispose()
    config = alembic_config(database_url)
    command.downgrade(config, "0009")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE jobs SET attributes = :attributes WHERE id = :id"),
                     {"attributes": '{"SupplementaryField1": "night shifts"}', "id": job_id})
        conn.execute(text("UPDATE jobs SET " + ", ".join(f"{c} = :{c}" for c in COLUMNS) + " WHERE id = :id"),  # noqa: S608 (our own column names)
                     {**COLUMNS, "id": job_id})
    engine.dispose()

    command.upgrade(config, "head")
    with runtime.db.transaction(write=False) as session:
        assert session.get_one(Job, job_id).attributes == ATTRIBUTES
        assert session.scalar(select(func.count()).select_from(Application)) == 1, "the job's children stay"

    command.downgrade(config, "0009")
    engine = create_engine(database_url)
    with engine.connect() as conn:
        row = conn.execute(text(f"SELECT attributes, {', '.join(COLUMNS)} FROM jobs WHERE id = :id"),  # noqa: S608
                           {"id": job_id}).mappings().one()
        assert conn.execute(text("SELECT count(*) FROM applications")).scalar() == 1
    engine.dispose()
    attributes = row["attributes"] if isinstance(row["attributes"], dict) else json.loads(row["attributes"])
    assert attributes == {"SupplementaryField1": "night shifts"}
    back = {c: row[c] for c in COLUMNS}
    for name in ("needed_date", "position_start"):  # SQLite gives back text, PostgreSQL a datetime
        value = datetime.fromisoformat(back[name]) if isinstance(back[name], str) else back[name]
        back[name] = (value.astimezone(UTC) if value.tzinfo else value).replace(tzinfo=None)
    assert back == {**COLUMNS, "needed_date": datetime(2027, 1, 15, 0, 0, 0, 250000),
                    "position_start": datetime(2027, 2, 1, 8, 30)}
    command.upgrade(config, "head")
