"""The gap reports' covering index on competency evidence carries the evidence id on PostgreSQL
(INCLUDE), so that a trainee's report — which reads the newest id per category as the fingerprint of
its evidence — is answered from the index alone. SQLite keeps the row id in every index already.

Revision ID: f3b8c2d4e6a7
Revises: e8a9b0c1d2e3
Create Date: 2026-11-24 12:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3b8c2d4e6a7'
down_revision = 'e8a9b0c1d2e3'
branch_labels = None
depends_on = None

COLUMNS = ['user_id', 'category_id', 'occurred_at', 'profile_weight', 'profile_points', 'score']


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_competency_evidence_profile', table_name='competency_evidence')
    op.create_index('ix_competency_evidence_profile', 'competency_evidence', COLUMNS, postgresql_include=['id'])


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_competency_evidence_profile', table_name='competency_evidence')
    op.create_index('ix_competency_evidence_profile', 'competency_evidence', COLUMNS)
