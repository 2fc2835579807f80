"""integrations

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hireport.models.base

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('integrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('requested', 'partner_ready', 'enabled', name='integrationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('settings', hireport.models.base.JSONType, nullable=False),
    sa.Column('requested_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('requested_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('enabled_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['partner_apps.id'], name=op.f('fk_integrations_app_id_partner_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by'], ['accounts.id'], name=op.f('fk_integrations_requested_by_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_integrations_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrations')),
    sa.UniqueConstraint('app_id', 'kind', name=op.f('uq_integrations_app_id_kind'))
    )
    with op.batch_alter_table('integrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrations_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('integrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrations_tenant_id'))

    op.drop_table('integrations')
