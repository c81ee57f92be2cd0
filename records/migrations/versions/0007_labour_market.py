"""labour market figures and phases

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('labour_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('datasets', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('attribution', sa.String(length=200), nullable=False),
    sa.Column('observations', sa.Integer(), nullable=False),
    sa.Column('missing', sa.Integer(), nullable=False),
    sa.Column('flagged', sa.Integer(), nullable=False),
    sa.Column('outside_scope', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_imports')),
    sa.UniqueConstraint('sha256', name=op.f('uq_labour_imports_sha256'))
    )
    op.create_table('labour_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('geo', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('indicator', sa.String(length=32), nullable=False),
    sa.Column('inputs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('method', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_phases')),
    sa.UniqueConstraint('geo', 'period', name=op.f('uq_labour_phases_geo'))
    )
    op.create_table('labour_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset', sa.String(length=40), nullable=False),
    sa.Column('series', sa.String(length=400), nullable=False),
    sa.Column('geo', sa.String(length=16), nullable=False),
    sa.Column('dimensions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_series')),
    sa.UniqueConstraint('dataset', 'series', 'geo', name=op.f('uq_labour_series_dataset'))
    )
    op.create_table('labour_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('flags', sa.String(length=8), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['labour_imports.id'], name=op.f('fk_labour_observations_import_id_labour_imports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['labour_series.id'], name=op.f('fk_labour_observations_series_id_labour_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_observations')),
    sa.UniqueConstraint('series_id', 'period', 'import_id', name=op.f('uq_labour_observations_series_id'))
    )
    with op.batch_alter_table('labour_observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_observations_import_id'), ['import_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('labour_observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_observations_import_id'))

    op.drop_table('labour_observations')
    op.drop_table('labour_series')
    op.drop_table('labour_phases')
    op.drop_table('labour_imports')
