"""Scenarios stored at content sync (one row per file, one per version of it with the parsed
definition), trainees' runs with every step and its time, and trainers' marks of free-text replies.

Revision ID: c7a15ce7a110
Revises: b6e0a77e5a11
Create Date: 2026-11-24 06:22:27.128930

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7a15ce7a110'
down_revision = 'b6e0a77e5a11'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scenarios',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('summary_zh', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('tracks', sa.JSON(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenarios'))
    )
    op.create_table('scenario_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.String(length=80), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], name=op.f('fk_scenario_versions_scenario_id_scenarios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_versions')),
    sa.UniqueConstraint('scenario_id', 'content_hash', name=op.f('uq_scenario_versions_scenario_id_content_hash')),
    sa.UniqueConstraint('scenario_id', 'number', name=op.f('uq_scenario_versions_scenario_id_number'))
    )
    with op.batch_alter_table('scenario_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_versions_scenario_id'), ['scenario_id'], unique=False)

    op.create_table('scenario_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.String(length=80), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('last_active_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('node', sa.String(length=40), nullable=False),
    sa.Column('steps_count', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('quality', sa.String(length=10), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('best_points', sa.Integer(), nullable=True),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.CheckConstraint("quality IS NULL OR quality IN ('good', 'mixed', 'poor')", name=op.f('ck_scenario_runs_quality')),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_scenario_runs_level_range')),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], name=op.f('fk_scenario_runs_scenario_id_scenarios')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scenario_runs_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['scenario_versions.id'], name=op.f('fk_scenario_runs_version_id_scenario_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_runs'))
    )
    with op.batch_alter_table('scenario_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_runs_scenario_id'), ['scenario_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scenario_runs_user_id_scenario_id'), ['user_id', 'scenario_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scenario_runs_version_id'), ['version_id'], unique=False)

    op.create_table('scenario_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('node', sa.String(length=40), nullable=False),
    sa.Column('choice', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('final_points', sa.Double(), nullable=True),
    sa.Column('disagreement', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['scenario_runs.id'], name=op.f('fk_scenario_steps_run_id_scenario_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_steps')),
    sa.UniqueConstraint('run_id', 'position', name=op.f('uq_scenario_steps_run_id_position'))
    )
    with op.batch_alter_table('scenario_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_steps_node_choice'), ['node', 'choice'], unique=False)

    op.create_table('scenario_reply_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('marker_id', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('decisive', sa.Boolean(), nullable=False),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['marker_id'], ['users.id'], name=op.f('fk_scenario_reply_marks_marker_id_users')),
    sa.ForeignKeyConstraint(['step_id'], ['scenario_steps.id'], name=op.f('fk_scenario_reply_marks_step_id_scenario_steps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_reply_marks')),
    sa.UniqueConstraint('step_id', 'marker_id', name=op.f('uq_scenario_reply_marks_step_id_marker_id'))
    )
    with op.batch_alter_table('scenario_reply_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_reply_marks_marker_id'), ['marker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scenario_reply_marks_step_id'), ['step_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scenario_reply_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_reply_marks_step_id'))
        batch_op.drop_index(batch_op.f('ix_scenario_reply_marks_marker_id'))

    op.drop_table('scenario_reply_marks')
    with op.batch_alter_table('scenario_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_steps_node_choice'))

    op.drop_table('scenario_steps')
    with op.batch_alter_table('scenario_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_runs_version_id'))
        batch_op.drop_index(batch_op.f('ix_scenario_runs_user_id_scenario_id'))
        batch_op.drop_index(batch_op.f('ix_scenario_runs_scenario_id'))

    op.drop_table('scenario_runs')
    with op.batch_alter_table('scenario_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_versions_scenario_id'))

    op.drop_table('scenario_versions')
    op.drop_table('scenarios')
