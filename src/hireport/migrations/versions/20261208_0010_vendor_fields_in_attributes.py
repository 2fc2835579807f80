"""vendor-only job fields in attributes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

Nine job columns that exactly one dialect read move into the job's `attributes`, under that dialect's wire
name (see `hireport.models.job.Job`); the downgrade puts them back. Datetimes are kept as ISO 8601 in UTC.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import hireport.models.base

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = hireport.models.base.UTCDateTime(timezone=True)
# column -> its key in attributes, and its type as a column
MOVED: dict[str, tuple[str, sa.types.TypeEngine[Any]]] = {
    'publication_type': ('publicationType', sa.String(length=16)),
    'department_id': ('departmentId', sa.Integer()),
    'role_id': ('roleId', sa.Integer()),
    'branch_id': ('branchId', sa.Integer()),
    'site_id': ('SiteID', sa.String(length=100)),
    'owner_user_id': ('OwnerUserID', sa.String(length=100)),
    'needed_date': ('NeededDate', UTC_DATETIME),
    'position_start': ('PositionStart', UTC_DATETIME),
    'position_end': ('PositionEnd', UTC_DATETIME),
}


def _jobs(*columns: str) -> sa.TableClause:
    return sa.table('jobs', sa.column('id', sa.Integer()), sa.column('attributes', hireport.models.base.JSONType),
                    *(sa.column(name, MOVED[name][1]) for name in columns))


def upgrade() -> None:
    jobs, bind = _jobs(*MOVED), op.get_bind()
    for row in bind.execute(sa.select(jobs)).mappings().all():
        kept = {key: _to_json(row[name]) for name, (key, _) in MOVED.items() if row[name] is not None}
        if kept:
            bind.execute(jobs.update().where(jobs.c.id == row['id']).values(attributes={**row['attributes'], **kept}))
    with op.batch_alter_table('jobs', schema=None, recreate='never') as batch_op:  # a copy would cascade deletes
        for name in MOVED:
            batch_op.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None, recreate='never') as batch_op:  # a copy would cascade deletes
        for name, (_, kind) in MOVED.items():
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    jobs, bind = _jobs(*MOVED), op.get_bind()
    for row in bind.execute(sa.select(jobs.c.id, jobs.c.attributes)).mappings().all():
        attributes = dict(row['attributes'])
        values = {name: _from_json(attributes.pop(key), MOVED[name][1])
                  for name, (key, _) in MOVED.items() if key in attributes}
        if values:
            bind.execute(jobs.update().where(jobs.c.id == row['id']).values(attributes=attributes, **values))


def _to_json(value: Any) -> Any:
    if not isinstance(value, datetime):
        return value
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()


def _from_json(value: Any, kind: sa.types.TypeEngine[Any]) -> Any:
    if value is None or isinstance(kind, sa.String | sa.Integer):
        return value
    return datetime.fromisoformat(value)
