"""Quizzes and exams (practice per module or category; certification sittings per syllabus with window,
limits and review policy), their assignments to trainees and teams, attempts with one slot per question
pinning the version shown, and competency evidence.

Revision ID: b6e0a77e5a11
Revises: 80b5f7b9a383
Create Date: 2026-11-24 06:16:40.962918

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6e0a77e5a11'
down_revision = '80b5f7b9a383'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competency_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('source_kind', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source_kind IN ('quiz', 'exam', 'essay', 'scenario', 'self', 'leader', 'observation')", name=op.f('ck_competency_evidence_source_kind')),
    sa.CheckConstraint('score >= 0 AND score <= 1', name=op.f('ck_competency_evidence_score_range')),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_competency_evidence_category_id_competency_categories')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_competency_evidence_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_competency_evidence_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_evidence')),
    sa.UniqueConstraint('source_kind', 'source_id', 'category_id', name=op.f('uq_competency_evidence_source_kind_source_id_category_id'))
    )
    with op.batch_alter_table('competency_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_evidence_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competency_evidence_user_id_category_id_occurred_at'), ['user_id', 'category_id', 'occurred_at'], unique=False)

    op.create_table('quizzes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('syllabus_id', sa.Integer(), nullable=True),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('track', sa.String(length=20), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('blueprint', sa.JSON(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('max_attempts', sa.Integer(), nullable=True),
    sa.Column('wait_days', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('review_policy', sa.String(length=12), nullable=False),
    sa.Column('instant_feedback', sa.Boolean(), nullable=False),
    sa.Column('layout', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('practice', 'exam')", name=op.f('ck_quizzes_kind')),
    sa.CheckConstraint("layout IN ('paged', 'single')", name=op.f('ck_quizzes_layout')),
    sa.CheckConstraint("review_policy IN ('immediate', 'after_close', 'never')", name=op.f('ck_quizzes_review_policy')),
    sa.CheckConstraint('pass_mark BETWEEN 0 AND 100', name=op.f('ck_quizzes_pass_mark_range')),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_quizzes_category_id_competency_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quizzes_created_by_id_users')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_quizzes_module_id_modules')),
    sa.ForeignKeyConstraint(['syllabus_id'], ['syllabi.id'], name=op.f('fk_quizzes_syllabus_id_syllabi')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quizzes')),
    sa.UniqueConstraint('code', name=op.f('uq_quizzes_code'))
    )
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quizzes_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quizzes_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quizzes_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quizzes_syllabus_id'), ['syllabus_id'], unique=False)

    op.create_table('attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=True),
    sa.Column('activity_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by', sa.String(length=10), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('max_score', sa.Double(), nullable=False),
    sa.Column('percent', sa.Double(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.CheckConstraint("state IN ('in_progress', 'needs_marking', 'graded')", name=op.f('ck_attempts_state')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_attempts_quiz_id_quizzes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attempts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempts')),
    sa.UniqueConstraint('quiz_id', 'user_id', 'number', name=op.f('uq_attempts_quiz_id_user_id_number'))
    )
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempts_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempts_state_deadline'), ['state', 'deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempts_user_id_state'), ['user_id', 'state'], unique=False)

    op.create_table('quiz_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(user_id IS NULL) <> (team_id IS NULL)', name=op.f('ck_quiz_assignments_one_target')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_quiz_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_assignments_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_quiz_assignments_team_id_teams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_assignments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_assignments')),
    sa.UniqueConstraint('quiz_id', 'team_id', name=op.f('uq_quiz_assignments_quiz_id_team_id')),
    sa.UniqueConstraint('quiz_id', 'user_id', name=op.f('uq_quiz_assignments_quiz_id_user_id'))
    )
    with op.batch_alter_table('quiz_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_assignments_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_assignments_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('attempt_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('graded_version_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('difficulty', sa.Integer(), nullable=True),
    sa.Column('mark', sa.Double(), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('answer_key', sa.String(length=255), nullable=True),
    sa.Column('page_token', sa.String(length=16), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('fraction', sa.Double(), nullable=True),
    sa.Column('earned', sa.Double(), nullable=True),
    sa.Column('needs_marking', sa.Boolean(), nullable=False),
    sa.Column('marker_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_slots_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_attempt_slots_category_id_competency_categories')),
    sa.ForeignKeyConstraint(['graded_version_id'], ['question_versions.id'], name=op.f('fk_attempt_slots_graded_version_id_question_versions')),
    sa.ForeignKeyConstraint(['marker_id'], ['users.id'], name=op.f('fk_attempt_slots_marker_id_users')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_attempt_slots_question_id_questions')),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_attempt_slots_version_id_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_slots')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_attempt_slots_attempt_id_position'))
    )
    with op.batch_alter_table('attempt_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_slots_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_slots_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attempt_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_slots_version_id'))
        batch_op.drop_index(batch_op.f('ix_attempt_slots_question_id'))

    op.drop_table('attempt_slots')
    with op.batch_alter_table('quiz_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_assignments_team_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_assignments_quiz_id'))

    op.drop_table('quiz_assignments')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempts_user_id_state'))
        batch_op.drop_index(batch_op.f('ix_attempts_state_deadline'))
        batch_op.drop_index(batch_op.f('ix_attempts_quiz_id'))

    op.drop_table('attempts')
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quizzes_syllabus_id'))
        batch_op.drop_index(batch_op.f('ix_quizzes_module_id'))
        batch_op.drop_index(batch_op.f('ix_quizzes_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_quizzes_category_id'))

    op.drop_table('quizzes')
    with op.batch_alter_table('competency_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_evidence_user_id_category_id_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_competency_evidence_category_id'))

    op.drop_table('competency_evidence')
