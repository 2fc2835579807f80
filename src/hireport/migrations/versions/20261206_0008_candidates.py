"""candidates

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hireport.models.base

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('candidate_forms',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('questions', hireport.models.base.JSONType, nullable=False),
    sa.Column('updated_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_candidate_forms_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_forms')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_candidate_forms_tenant_id_key'))
    )
    op.create_table('document_requests',
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fulfilled_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_document_requests_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_requests_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_document_requests_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_requests'))
    )
    with op.batch_alter_table('document_requests', schema=None) as batch_op:
        batch_op.create_index('ix_document_requests_application', ['application_id', 'tenant_id'], unique=False)

    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('career_pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('primary_color', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('accent_color', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('logo_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('logo_type', sa.String(length=50), nullable=True))

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('location', sa.String(length=200), nullable=True))

    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declined_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('onboarding_draft', hireport.models.base.JSONType, nullable=False,
                                      server_default=sa.text("'{}'")))



def downgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_column('onboarding_draft')
        batch_op.drop_column('declined_at')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('location')
        batch_op.drop_column('department')

    with op.batch_alter_table('career_pages', schema=None) as batch_op:
        batch_op.drop_column('logo_type')
        batch_op.drop_column('logo_key')
        batch_op.drop_column('accent_color')
        batch_op.drop_column('primary_color')

    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('document_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_document_requests_application')

    op.drop_table('document_requests')
    op.drop_table('candidate_forms')
