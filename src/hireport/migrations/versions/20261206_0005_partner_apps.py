"""partner apps

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hireport.models.base

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('partner_apps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('oauth_client_id', sa.Integer(), nullable=False),
    sa.Column('foreign_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('widget_origins', hireport.models.base.JSONType, nullable=False),
    sa.Column('callback_urls', hireport.models.base.JSONType, nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['oauth_client_id'], ['oauth_clients.id'], name=op.f('fk_partner_apps_oauth_client_id_oauth_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_apps_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_partner_apps_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_apps')),
    sa.UniqueConstraint('oauth_client_id', name=op.f('uq_partner_apps_oauth_client_id')),
    sa.UniqueConstraint('partner_id', 'foreign_id', name=op.f('uq_partner_apps_partner_id_foreign_id'))
    )
    with op.batch_alter_table('partner_apps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_apps_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('partner_apps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_apps_tenant_id'))

    op.drop_table('partner_apps')
