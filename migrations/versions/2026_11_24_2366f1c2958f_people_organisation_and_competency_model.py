"""People, organisation and competency model: users and roles, org units and teams, the audit
log, the 12-category competency model with indicators, and the tracks' level targets.

Revision ID: 2366f1c2958f
Revises: 
Create Date: 2026-11-24 05:06:23.898436

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2366f1c2958f'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competency_aspects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('motto_zh', sa.String(length=200), nullable=False),
    sa.Column('motto_en', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_aspects')),
    sa.UniqueConstraint('code', name=op.f('uq_competency_aspects_code'))
    )
    op.create_table('org_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['org_units.id'], name=op.f('fk_org_units_parent_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_units')),
    sa.UniqueConstraint('parent_id', 'name', name=op.f('uq_org_units_parent_id_name'))
    )
    with op.batch_alter_table('org_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_units_parent_id'), ['parent_id'], unique=False)

    op.create_table('proficiency_steps',
    sa.Column('value', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name_zh', sa.String(length=40), nullable=False),
    sa.Column('name_en', sa.String(length=40), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('value', name=op.f('pk_proficiency_steps'))
    )
    op.create_table('tracks',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_tracks'))
    )
    op.create_table('competency_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('aspect_id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['aspect_id'], ['competency_aspects.id'], name=op.f('fk_competency_categories_aspect_id_competency_aspects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_competency_categories_code')),
    sa.UniqueConstraint('number', name=op.f('uq_competency_categories_number'))
    )
    with op.batch_alter_table('competency_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_categories_aspect_id'), ['aspect_id'], unique=False)

    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_teams_org_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('org_unit_id', 'name', name=op.f('uq_teams_org_unit_id_name'))
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_leader_id'), ['leader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_teams_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('track_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_track_levels_level_range')),
    sa.ForeignKeyConstraint(['track'], ['tracks.code'], name=op.f('fk_track_levels_track_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_levels')),
    sa.UniqueConstraint('track', 'level', name=op.f('uq_track_levels_track_level'))
    )
    op.create_table('competency_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_zh', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.CheckConstraint('step BETWEEN 1 AND 4', name=op.f('ck_competency_indicators_step_range')),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_competency_indicators_category_id_competency_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_indicators')),
    sa.UniqueConstraint('category_id', 'step', 'position', name=op.f('uq_competency_indicators_category_id_step_position'))
    )
    with op.batch_alter_table('competency_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_indicators_category_id'), ['category_id'], unique=False)

    op.create_table('level_targets',
    sa.Column('track_level_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('proficiency', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_level_targets_category_id_competency_categories')),
    sa.ForeignKeyConstraint(['track_level_id'], ['track_levels.id'], name=op.f('fk_level_targets_track_level_id_track_levels')),
    sa.PrimaryKeyConstraint('track_level_id', 'category_id', name=op.f('pk_level_targets'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('employee_no', sa.String(length=32), nullable=True),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('track', sa.String(length=20), nullable=True),
    sa.Column('current_level', sa.Integer(), nullable=True),
    sa.Column('target_level', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('current_level BETWEEN 1 AND 4', name=op.f('ck_users_current_level_range')),
    sa.CheckConstraint('target_level BETWEEN 1 AND 4', name=op.f('ck_users_target_level_range')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_users_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    sa.UniqueConstraint('employee_no', name=op.f('uq_users_employee_no')),
    sa.UniqueConstraint('session_token', name=op.f('uq_users_session_token')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_team_id'), ['team_id'], unique=False)

    # teams.leader_id and users.team_id point at each other: the leader FK is added once both exist.
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_teams_leader_id_users'), 'users', ['leader_id'], ['id'])

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('subject_user_id', sa.Integer(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
    sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'], name=op.f('fk_audit_entries_subject_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_event_at'), ['event', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_subject_user_id'), ['subject_user_id'], unique=False)

    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )


def downgrade():
    op.drop_table('user_roles')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_subject_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))

    op.drop_table('audit_entries')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_teams_leader_id_users'), type_='foreignkey')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_team_id'))

    op.drop_table('users')
    op.drop_table('level_targets')
    with op.batch_alter_table('competency_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_indicators_category_id'))

    op.drop_table('competency_indicators')
    op.drop_table('track_levels')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_teams_leader_id'))

    op.drop_table('teams')
    with op.batch_alter_table('competency_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_categories_aspect_id'))

    op.drop_table('competency_categories')
    op.drop_table('tracks')
    op.drop_table('proficiency_steps')
    with op.batch_alter_table('org_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_units_parent_id'))

    op.drop_table('org_units')
    op.drop_table('competency_aspects')
