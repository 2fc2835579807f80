"""edge hardening: sealed signing keys, credential lifecycle, single-use uploads

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hireport.models.base

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # -- background-check results stored in the core's words --
    _rename_result_keys({"reportLink": "report_link", "reportType": "report_type"})
    # -- credentials (signing keys sealed at rest: `hireport serve` seals the clear ones it finds) --
    with op.batch_alter_table("signing_keys") as batch:
        batch.alter_column("private_pem", new_column_name="sealed_key")
    # -- uploads (bound to a tenant, single use) --
    op.create_table(
        "uploads",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", hireport.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", hireport.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", hireport.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("storage_key", sa.String(length=255), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("filed_at", hireport.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_uploads_tenant_id_tenants"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
        sa.UniqueConstraint("key", name=op.f("uq_uploads_key")),
    )


def downgrade() -> None:
    # -- background-check results --
    _rename_result_keys({"report_link": "reportLink", "report_type": "reportType"})
    # -- uploads --
    op.drop_table("uploads")
    # -- credentials (sealed keys mean nothing to the older schema: it makes a new key on its next start) --
    op.execute("DELETE FROM signing_keys")
    with op.batch_alter_table("signing_keys") as batch:
        batch.alter_column("sealed_key", new_column_name="private_pem")


def _rename_result_keys(renames: dict[str, str]) -> None:
    checks = sa.table("background_checks", sa.column("id", sa.BigInteger), sa.column("results", sa.JSON))
    bind = op.get_bind()
    for check_id, results in bind.execute(sa.select(checks.c.id, checks.c.results)).all():
        if results:
            renamed = [{renames.get(k, k): v for k, v in r.items()} for r in results]
            bind.execute(checks.update().where(checks.c.id == check_id).values(results=renamed))
