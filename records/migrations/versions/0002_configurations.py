"""sources, configurations and dead letters

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('projection_dead_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('aggregate_key', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projection_dead_letters')),
    sa.UniqueConstraint('event_id', name=op.f('uq_projection_dead_letters_event_id'))
    )
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('citation', sa.String(length=500), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('design', sa.String(length=32), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('key', name=op.f('uq_sources_key'))
    )
    op.create_table('configurations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('practice_key', sa.String(length=64), nullable=True),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('segment_key', sa.String(length=64), nullable=True),
    sa.Column('finding_id', sa.String(length=32), nullable=True),
    sa.Column('programme_type', sa.String(length=64), nullable=False),
    sa.Column('target_groups', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('countries', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('region', sa.String(length=16), nullable=True),
    sa.Column('skill_level', sa.String(length=16), nullable=True),
    sa.Column('unemployment_band', sa.String(length=16), nullable=True),
    sa.Column('context_note', sa.Text(), nullable=False),
    sa.Column('mechanism', sa.String(length=64), nullable=False),
    sa.Column('mechanism_note', sa.Text(), nullable=False),
    sa.Column('outcomes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('conditions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('validated_by', sa.String(length=64), nullable=True),
    sa.Column('validated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['practice_key'], ['practices.key'], name=op.f('fk_configurations_practice_key_practices'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_key'], ['sources.key'], name=op.f('fk_configurations_source_key_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_configurations')),
    sa.UniqueConstraint('finding_id', name=op.f('uq_configurations_finding_id')),
    sa.UniqueConstraint('key', name=op.f('uq_configurations_key'))
    )
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_key', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_practices_source_key_sources'), 'sources', ['source_key'], ['key'])


def downgrade() -> None:
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_practices_source_key_sources'), type_='foreignkey')
        batch_op.drop_column('source_key')

    op.drop_table('configurations')
    op.drop_table('sources')
    op.drop_table('projection_dead_letters')

