"""Certification: certificates with per-year serial counters, HR approval requests, expiry reminders,
in-app notices, background jobs, and API tokens for HR systems.

Revision ID: d9ce27f1ca7e
Revises: c7a15ce7a110
Create Date: 2026-11-24 06:26:25.245670

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd9ce27f1ca7e'
down_revision = 'c7a15ce7a110'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_serial_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_certificate_serial_counters'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_api_tokens_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('background_jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('result_file', sa.String(length=255), nullable=True),
    sa.Column('result_name', sa.String(length=255), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_background_jobs_state')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_background_jobs_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_background_jobs'))
    )
    with op.batch_alter_table('background_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_background_jobs_created_by_id_created_at'), ['created_by_id', 'created_at'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=24), nullable=False),
    sa.Column('check_code', sa.String(length=12), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('syllabus_id', sa.Integer(), nullable=False),
    sa.Column('track', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('holder_name', sa.String(length=120), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('award_key', sa.String(length=80), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('replaced_at', sa.DateTime(), nullable=True),
    sa.Column('reissue_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('expires_on >= issued_on', name=op.f('ck_certificates_dates_in_order')),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_certificates_level_range')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_certificates_approved_by_id_users')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['certificates.id'], name=op.f('fk_certificates_replaced_by_id_certificates')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['syllabus_id'], ['syllabi.id'], name=op.f('fk_certificates_syllabus_id_syllabi')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('award_key', name=op.f('uq_certificates_award_key')),
    sa.UniqueConstraint('replaced_by_id', name=op.f('uq_certificates_replaced_by_id')),
    sa.UniqueConstraint('serial', name=op.f('uq_certificates_serial'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_syllabus_id'), ['syllabus_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_track_level'), ['track', 'level'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_user_id_syllabus_id'), ['user_id', 'syllabus_id'], unique=False)

    op.create_table('award_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('syllabus_id', sa.Integer(), nullable=False),
    sa.Column('award_key', sa.String(length=80), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'approved', 'rejected')", name=op.f('ck_award_requests_state')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_award_requests_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_award_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['syllabus_id'], ['syllabi.id'], name=op.f('fk_award_requests_syllabus_id_syllabi')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_award_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_requests')),
    sa.UniqueConstraint('award_key', name=op.f('uq_award_requests_award_key'))
    )
    with op.batch_alter_table('award_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_requests_state_requested_at'), ['state', 'requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_requests_syllabus_id'), ['syllabus_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_requests_user_id'), ['user_id'], unique=False)

    op.create_table('certificate_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('emails', sa.JSON(), nullable=False),
    sa.Column('mail_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_reminders_certificate_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_reminders')),
    sa.UniqueConstraint('certificate_id', 'days_before', name=op.f('uq_certificate_reminders_certificate_id_days_before'))
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_notices_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_user_id_read_at'), ['user_id', 'read_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_user_id_read_at'))
        batch_op.drop_index(batch_op.f('ix_notices_certificate_id'))

    op.drop_table('notices')
    op.drop_table('certificate_reminders')
    with op.batch_alter_table('award_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_award_requests_syllabus_id'))
        batch_op.drop_index(batch_op.f('ix_award_requests_state_requested_at'))

    op.drop_table('award_requests')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_user_id_syllabus_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_track_level'))
        batch_op.drop_index(batch_op.f('ix_certificates_syllabus_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_expires_on'))

    op.drop_table('certificates')
    with op.batch_alter_table('background_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_background_jobs_created_by_id_created_at'))

    op.drop_table('background_jobs')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('certificate_serial_counters')
