"""Course modules (rendered Markdown, categories, prerequisites), the certification syllabi with
their module lists, and each trainee's module progress.

Revision ID: 79d7b09252f6
Revises: 2366f1c2958f
Create Date: 2026-11-24 05:23:18.532485

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '79d7b09252f6'
down_revision = '2366f1c2958f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('summary_zh', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('tracks', sa.JSON(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('self_check', sa.JSON(), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_modules')),
    sa.UniqueConstraint('code', name=op.f('uq_modules_code'))
    )
    op.create_table('module_prerequisites',
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('prerequisite_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_prerequisites_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prerequisite_id'], ['modules.id'], name=op.f('fk_module_prerequisites_prerequisite_id_modules')),
    sa.PrimaryKeyConstraint('module_id', 'prerequisite_id', name=op.f('pk_module_prerequisites'))
    )
    op.create_table('syllabi',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('track', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('audience_zh', sa.Text(), nullable=False),
    sa.Column('audience_en', sa.Text(), nullable=False),
    sa.Column('prerequisites_zh', sa.Text(), nullable=False),
    sa.Column('prerequisites_en', sa.Text(), nullable=False),
    sa.Column('requires_id', sa.Integer(), nullable=True),
    sa.Column('exam', sa.JSON(), nullable=False),
    sa.Column('required_scenarios', sa.JSON(), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=False),
    sa.Column('award', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['requires_id'], ['syllabi.id'], name=op.f('fk_syllabi_requires_id_syllabi')),
    sa.ForeignKeyConstraint(['track'], ['tracks.code'], name=op.f('fk_syllabi_track_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_syllabi')),
    sa.UniqueConstraint('code', name=op.f('uq_syllabi_code')),
    sa.UniqueConstraint('track', 'level', name=op.f('uq_syllabi_track_level'))
    )
    op.create_table('module_categories',
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['competency_categories.id'], name=op.f('fk_module_categories_category_id_competency_categories')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_categories_module_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('module_id', 'category_id', name=op.f('pk_module_categories'))
    )
    with op.batch_alter_table('module_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_categories_category_id'), ['category_id'], unique=False)

    op.create_table('syllabus_modules',
    sa.Column('syllabus_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_syllabus_modules_module_id_modules')),
    sa.ForeignKeyConstraint(['syllabus_id'], ['syllabi.id'], name=op.f('fk_syllabus_modules_syllabus_id_syllabi'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('syllabus_id', 'module_id', name=op.f('pk_syllabus_modules'))
    )
    with op.batch_alter_table('syllabus_modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_syllabus_modules_module_id'), ['module_id'], unique=False)

    op.create_table('module_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('seconds_spent', sa.Integer(), nullable=False),
    sa.Column('self_check_correct', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_progress_module_id_modules')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_module_progress_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_progress')),
    sa.UniqueConstraint('user_id', 'module_id', name=op.f('uq_module_progress_user_id_module_id'))
    )
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_progress_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_module_progress_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_progress_user_id'))
        batch_op.drop_index(batch_op.f('ix_module_progress_module_id'))

    op.drop_table('module_progress')
    with op.batch_alter_table('syllabus_modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_syllabus_modules_module_id'))

    op.drop_table('syllabus_modules')
    with op.batch_alter_table('module_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_categories_category_id'))

    op.drop_table('module_categories')
    op.drop_table('syllabi')
    op.drop_table('module_prerequisites')
    op.drop_table('modules')
