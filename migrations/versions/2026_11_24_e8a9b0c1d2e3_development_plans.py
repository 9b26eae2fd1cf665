"""Development plans (goals, activities, history), assignments from the gap reports, self- and leader
assessments against the behavioural indicators, observations from customer visits; competency evidence
gains its stored profile weights (kamtrain/competency/proficiency.py) and a covering index for the
gap reports' GROUP BY.

Revision ID: e8a9b0c1d2e3
Revises: d9ce27f1ca7e
Create Date: 2026-11-24 06:28:56.950543

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8a9b0c1d2e3'
down_revision = 'd9ce27f1ca7e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competency_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('assessed_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('self', 'leader')", name=op.f('ck_competency_assessments_kind')),
    sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_competency_assessments_assessor_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_competency_assessments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_assessments'))
    )
    with op.batch_alter_table('competency_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_assessments_user_id'), ['user_id'], unique=False)

    op.create_table('competency_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('customer', sa.String(length=120), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('step BETWEEN 1 AND 4', name=op.f('ck_competency_observations_step_range')),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_competency_observations_category_id_competency_categories')),
    sa.ForeignKeyConstraint(['indicator_id'], ['competency_indicators.id'], name=op.f('fk_competency_observations_indicator_id_competency_indicators')),
    sa.ForeignKeyConstraint(['observer_id'], ['users.id'], name=op.f('fk_competency_observations_observer_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_competency_observations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_observations'))
    )
    with op.batch_alter_table('competency_observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_observations_user_id'), ['user_id'], unique=False)

    op.create_table('development_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('track', sa.String(length=20), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('agreed_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'agreed', 'approved', 'closed', 'renewed')", name=op.f('ck_development_plans_status')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_development_plans_approved_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_development_plans_created_by_id_users')),
    sa.ForeignKeyConstraint(['previous_id'], ['development_plans.id'], name=op.f('fk_development_plans_previous_id_development_plans')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_development_plans_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_plans'))
    )
    with op.batch_alter_table('development_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_plans_user_id_status'), ['user_id', 'status'], unique=False)

    op.create_table('competency_assessment_ratings',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=255), nullable=False),
    sa.CheckConstraint('step BETWEEN 1 AND 4', name=op.f('ck_competency_assessment_ratings_step_range')),
    sa.ForeignKeyConstraint(['assessment_id'], ['competency_assessments.id'], name=op.f('fk_competency_assessment_ratings_assessment_id_competency_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_competency_assessment_ratings_category_id_competency_categories')),
    sa.PrimaryKeyConstraint('assessment_id', 'category_id', name=op.f('pk_competency_assessment_ratings'))
    )
    op.create_table('development_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('quiz_id', sa.Integer(), nullable=True),
    sa.Column('scenario_id', sa.String(length=80), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.CheckConstraint("kind IN ('module', 'quiz', 'scenario')", name=op.f('ck_development_assignments_kind')),
    sa.CheckConstraint('(user_id IS NULL) <> (team_id IS NULL)', name=op.f('ck_development_assignments_one_target')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_development_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_development_assignments_category_id_competency_categories')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_development_assignments_module_id_modules')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_development_assignments_quiz_id_quizzes')),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], name=op.f('fk_development_assignments_scenario_id_scenarios')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_development_assignments_team_id_teams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_development_assignments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_assignments'))
    )
    with op.batch_alter_table('development_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_assignments_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_development_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('development_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('baseline', sa.Double(), nullable=True),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_development_goals_category_id_competency_categories')),
    sa.ForeignKeyConstraint(['plan_id'], ['development_plans.id'], name=op.f('fk_development_goals_plan_id_development_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_goals'))
    )
    with op.batch_alter_table('development_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_goals_plan_id'), ['plan_id'], unique=False)

    op.create_table('development_plan_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_development_plan_events_actor_id_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['development_plans.id'], name=op.f('fk_development_plan_events_plan_id_development_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_plan_events'))
    )
    with op.batch_alter_table('development_plan_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_plan_events_plan_id'), ['plan_id'], unique=False)

    op.create_table('development_plan_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('quiz_id', sa.Integer(), nullable=True),
    sa.Column('scenario_id', sa.String(length=80), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('module', 'quiz', 'scenario', 'action')", name=op.f('ck_development_plan_items_kind')),
    sa.CheckConstraint("origin IN ('plan', 'trainee', 'leader')", name=op.f('ck_development_plan_items_origin')),
    sa.ForeignKeyConstraint(['assignment_id'], ['development_assignments.id'], name=op.f('fk_development_plan_items_assignment_id_development_assignments')),
    sa.ForeignKeyConstraint(['goal_id'], ['development_goals.id'], name=op.f('fk_development_plan_items_goal_id_development_goals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_development_plan_items_module_id_modules')),
    sa.ForeignKeyConstraint(['plan_id'], ['development_plans.id'], name=op.f('fk_development_plan_items_plan_id_development_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_development_plan_items_quiz_id_quizzes')),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], name=op.f('fk_development_plan_items_scenario_id_scenarios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_plan_items'))
    )
    with op.batch_alter_table('development_plan_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_plan_items_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_development_plan_items_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_development_plan_items_plan_id'), ['plan_id'], unique=False)

    with op.batch_alter_table('competency_evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile_weight', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('profile_points', sa.Double(), nullable=True))
    _fill_profile_weights()
    with op.batch_alter_table('competency_evidence', schema=None) as batch_op:
        batch_op.alter_column('profile_weight', existing_type=sa.Double(), nullable=False)
        batch_op.alter_column('profile_points', existing_type=sa.Double(), nullable=False)
        batch_op.drop_index(batch_op.f('ix_competency_evidence_user_id_category_id_occurred_at'))
        batch_op.create_index('ix_competency_evidence_profile', ['user_id', 'category_id', 'occurred_at', 'profile_weight', 'profile_points', 'score'], unique=False)


def _fill_profile_weights():
    """Evidence written before this revision gets its stored weights (the ORM keeps them from now on)."""
    from kamtrain.competency.proficiency import stored_weights

    conn = op.get_bind()
    evidence = sa.table('competency_evidence', sa.column('id'), sa.column('score'), sa.column('weight'),
                        sa.column('source_kind'), sa.column('occurred_at', sa.DateTime()),
                        sa.column('profile_weight'), sa.column('profile_points'))
    rows = conn.execute(sa.select(evidence.c.id, evidence.c.score, evidence.c.weight, evidence.c.source_kind,
                                  evidence.c.occurred_at)).all()
    updates = []
    for row in rows:
        w, p = stored_weights(row.weight, row.source_kind, row.occurred_at, row.score)
        updates.append({'row_id': row.id, 'w': w, 'p': p})
    if updates:
        conn.execute(evidence.update().where(evidence.c.id == sa.bindparam('row_id'))
                     .values(profile_weight=sa.bindparam('w'), profile_points=sa.bindparam('p')), updates)


def downgrade():
    with op.batch_alter_table('competency_evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_competency_evidence_profile')
        batch_op.create_index(batch_op.f('ix_competency_evidence_user_id_category_id_occurred_at'), ['user_id', 'category_id', 'occurred_at'], unique=False)
        batch_op.drop_column('profile_points')
        batch_op.drop_column('profile_weight')

    with op.batch_alter_table('development_plan_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_plan_items_plan_id'))
        batch_op.drop_index(batch_op.f('ix_development_plan_items_goal_id'))
        batch_op.drop_index(batch_op.f('ix_development_plan_items_assignment_id'))

    op.drop_table('development_plan_items')
    with op.batch_alter_table('development_plan_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_plan_events_plan_id'))

    op.drop_table('development_plan_events')
    with op.batch_alter_table('development_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_goals_plan_id'))

    op.drop_table('development_goals')
    with op.batch_alter_table('development_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_development_assignments_team_id'))

    op.drop_table('development_assignments')
    op.drop_table('competency_assessment_ratings')
    with op.batch_alter_table('development_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_plans_user_id_status'))

    op.drop_table('development_plans')
    with op.batch_alter_table('competency_observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_observations_user_id'))

    op.drop_table('competency_observations')
    with op.batch_alter_table('competency_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_assessments_user_id'))

    op.drop_table('competency_assessments')
