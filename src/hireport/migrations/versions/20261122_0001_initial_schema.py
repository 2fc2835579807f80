"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hireport.models.base

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('operator_credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_credentials')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_operator_credentials_secret_hash'))
    )
    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners')),
    sa.UniqueConstraint('code', name=op.f('uq_partners_code'))
    )
    op.create_table('signing_keys',
    sa.Column('kid', sa.String(length=100), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kid', name=op.f('pk_signing_keys'))
    )
    op.create_table('tenants',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('settings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenants'))
    )
    op.create_table('api_tokens',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_api_tokens_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_api_tokens_tenant', ['tenant_id', 'id'], unique=False)

    op.create_table('applicants',
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('middle_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_applicants_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicants'))
    )
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.create_index('ix_applicants_tenant', ['tenant_id', 'id'], unique=False)

    op.create_table('career_pages',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_career_pages_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_career_pages'))
    )
    with op.batch_alter_table('career_pages', schema=None) as batch_op:
        batch_op.create_index('ix_career_pages_tenant', ['tenant_id', 'id'], unique=False)

    op.create_table('email_templates',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_email_templates_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_templates')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_email_templates_tenant_id_name'))
    )
    op.create_table('jobs',
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('draft', 'waiting_approval', 'approved', 'disapproved', 'published', 'frozen', 'canceled', 'closed', name='jobstatus', native_enum=False, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('num_vacancies', sa.Integer(), nullable=True),
    sa.Column('replacement_positions', sa.Integer(), nullable=True),
    sa.Column('job_type', sa.String(length=64), nullable=True),
    sa.Column('publication_type', sa.String(length=16), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('role_id', sa.Integer(), nullable=True),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.String(length=100), nullable=True),
    sa.Column('division_code', sa.String(length=100), nullable=True),
    sa.Column('owner_user_id', sa.String(length=100), nullable=True),
    sa.Column('career_page_id', sa.Integer(), nullable=True),
    sa.Column('salary', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.Column('hiring_deadline', sa.Date(), nullable=True),
    sa.Column('application_deadline', sa.Date(), nullable=True),
    sa.Column('needed_date', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('position_start', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('position_end', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('quick_apply', sa.Boolean(), nullable=False),
    sa.Column('cancel_reason', sa.String(length=100), nullable=True),
    sa.Column('custom_fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_jobs_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_jobs_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'external_id', name=op.f('uq_jobs_tenant_id_external_id'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_tenant_status', ['tenant_id', 'status', 'id'], unique=False)

    op.create_table('oauth_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('token_lifetime', sa.Integer(), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(tenant_id IS NULL) <> (partner_id IS NULL)', name=op.f('ck_oauth_clients_tenant_xor_partner')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_oauth_clients_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_oauth_clients_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_clients')),
    sa.UniqueConstraint('client_id', name=op.f('uq_oauth_clients_client_id'))
    )
    with op.batch_alter_table('oauth_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oauth_clients_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oauth_clients_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('tenant_partners',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_tenant_partners_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_partners_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'partner_id', name=op.f('pk_tenant_partners'))
    )
    op.create_table('applications',
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('applicant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.Enum('in_process', 'give_up', 'reproved', 'hired', name='applicationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('status_code', sa.String(length=64), nullable=True),
    sa.Column('order_of_merit', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=True),
    sa.Column('current_step', sa.String(length=100), nullable=True),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('form_answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('hired_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_applications_applicant_id_applicants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_applications_job_id_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_applications_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_applicant', ['applicant_id', 'tenant_id'], unique=False)
        batch_op.create_index('ix_applications_tenant_job', ['tenant_id', 'job_id', 'id'], unique=False)
        batch_op.create_index('ix_applications_tenant_job_status', ['tenant_id', 'job_id', 'status', 'id'], unique=False)

    op.create_table('background_checks',
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('package_code', sa.String(length=100), nullable=False),
    sa.Column('package_name', sa.String(length=200), nullable=True),
    sa.Column('status', sa.Enum('pending', 'queued', 'new', 'inprogress', 'expired', 'completed', 'cancelled', 'failed', name='checkstatus', native_enum=False, length=32), nullable=False),
    sa.Column('reference_number', sa.String(length=200), nullable=True),
    sa.Column('reason_for_fail', sa.Text(), nullable=True),
    sa.Column('results', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_background_checks_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_background_checks_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_background_checks_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_background_checks'))
    )
    with op.batch_alter_table('background_checks', schema=None) as batch_op:
        batch_op.create_index('ix_background_checks_application', ['application_id', 'tenant_id'], unique=False)
        batch_op.create_index('ix_background_checks_poll', ['tenant_id', 'partner_id', 'status', 'id'], unique=False)

    op.create_table('messages',
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('template_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('from_address', sa.String(length=320), nullable=False),
    sa.Column('reply_to', sa.String(length=320), nullable=True),
    sa.Column('to_address', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'failed', name='messagestatus', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_until', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_messages_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['email_templates.id'], name=op.f('fk_messages_template_id_email_templates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_messages_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_messages_message_id'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_application', ['application_id', 'tenant_id'], unique=False)
        batch_op.create_index('ix_messages_due', ['next_attempt_at', 'id'], unique=False, sqlite_where=sa.text("status IN ('queued', 'sending')"), postgresql_where=sa.text("status IN ('queued', 'sending')"))
        batch_op.create_index('ix_messages_template', ['template_id', 'tenant_id'], unique=False)

    op.create_table('offers',
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('parent_offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=64), nullable=False),
    sa.Column('offer_made_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('start_date', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_date', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('probation_end_date', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hours_per_week', sa.Float(), nullable=True),
    sa.Column('hours_per_month', sa.Float(), nullable=True),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.Column('pay_scale_id', sa.String(length=100), nullable=True),
    sa.Column('accepted_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('form_completed_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('processed_at', hireport.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('onboarding_answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_offers_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_offer_id'], ['offers.id'], name=op.f('fk_offers_parent_offer_id_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_offers_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers'))
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index('ix_offers_application', ['application_id', 'tenant_id'], unique=False)
        batch_op.create_index('ix_offers_tenant', ['tenant_id', 'id'], unique=False)
        batch_op.create_index('ix_offers_unprocessed', ['tenant_id', 'id'], unique=False, sqlite_where=sa.text('processed_at IS NULL'), postgresql_where=sa.text('processed_at IS NULL'))

    op.create_table('documents',
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('mime_type', sa.String(length=127), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('created_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(CASE WHEN job_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN application_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN offer_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_documents_one_owner')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_documents_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_documents_job_id_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_documents_offer_id_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_documents_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_documents_storage_key'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_application', ['application_id', 'tenant_id'], unique=False)
        batch_op.create_index('ix_documents_job', ['job_id', 'tenant_id'], unique=False)
        batch_op.create_index('ix_documents_offer', ['offer_id', 'tenant_id'], unique=False)

    op.create_table('offer_processings',
    sa.Column('offer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action_type_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('processed_at', hireport.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_processings_offer_id_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_offer_processings_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offer_id', 'action_type_id', name=op.f('pk_offer_processings'))
    )
    with op.batch_alter_table('offer_processings', schema=None) as batch_op:
        batch_op.create_index('ix_offer_processings_tenant_type', ['tenant_id', 'action_type_id', 'offer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('offer_processings', schema=None) as batch_op:
        batch_op.drop_index('ix_offer_processings_tenant_type')

    op.drop_table('offer_processings')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_offer')
        batch_op.drop_index('ix_documents_job')
        batch_op.drop_index('ix_documents_application')

    op.drop_table('documents')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('ix_offers_unprocessed', sqlite_where=sa.text('processed_at IS NULL'), postgresql_where=sa.text('processed_at IS NULL'))
        batch_op.drop_index('ix_offers_tenant')
        batch_op.drop_index('ix_offers_application')

    op.drop_table('offers')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_template')
        batch_op.drop_index('ix_messages_due', sqlite_where=sa.text("status IN ('queued', 'sending')"), postgresql_where=sa.text("status IN ('queued', 'sending')"))
        batch_op.drop_index('ix_messages_application')

    op.drop_table('messages')
    with op.batch_alter_table('background_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_background_checks_poll')
        batch_op.drop_index('ix_background_checks_application')

    op.drop_table('background_checks')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_tenant_job_status')
        batch_op.drop_index('ix_applications_tenant_job')
        batch_op.drop_index('ix_applications_applicant')

    op.drop_table('applications')
    op.drop_table('tenant_partners')
    with op.batch_alter_table('oauth_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oauth_clients_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_oauth_clients_partner_id'))

    op.drop_table('oauth_clients')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_tenant_status')

    op.drop_table('jobs')
    op.drop_table('email_templates')
    with op.batch_alter_table('career_pages', schema=None) as batch_op:
        batch_op.drop_index('ix_career_pages_tenant')

    op.drop_table('career_pages')
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_index('ix_applicants_tenant')

    op.drop_table('applicants')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_api_tokens_tenant')

    op.drop_table('api_tokens')
    op.drop_table('tenants')
    op.drop_table('signing_keys')
    op.drop_table('partners')
    op.drop_table('operator_credentials')
