"""Module versions (every web edit and every changed module file, with author, time and note),
and the time of each trainee's last activity on a module.

Revision ID: a4d1c7e5b9f0
Revises: 79d7b09252f6
Create Date: 2026-11-24 05:49:10.959954

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4d1c7e5b9f0'
down_revision = '79d7b09252f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('module_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('summary_zh', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=True),
    sa.CheckConstraint("source IN ('web', 'file')", name=op.f('ck_module_versions_source_kind')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_module_versions_author_id_users')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_versions_module_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_versions')),
    sa.UniqueConstraint('module_id', 'number', name=op.f('uq_module_versions_module_id_number'))
    )
    with op.batch_alter_table('module_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_versions_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_module_versions_module_id'), ['module_id'], unique=False)

    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_active_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.drop_column('last_active_at')

    with op.batch_alter_table('module_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_versions_module_id'))
        batch_op.drop_index(batch_op.f('ix_module_versions_author_id'))

    op.drop_table('module_versions')
