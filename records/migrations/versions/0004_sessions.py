"""sessions, source texts, segments, annotations, suggestions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cop_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('country', sa.String(length=4), nullable=True),
    sa.Column('region', sa.String(length=16), nullable=True),
    sa.Column('sector', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('participants', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('facilitators', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cop_sessions')),
    sa.UniqueConstraint('key', name=op.f('uq_cop_sessions_key'))
    )
    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=120), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('start_ms', sa.Integer(), nullable=True),
    sa.Column('end_ms', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['source_key'], ['sources.key'], name=op.f('fk_segments_source_key_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('key', name=op.f('uq_segments_key')),
    sa.UniqueConstraint('source_key', 'position', name=op.f('uq_segments_source_key'))
    )
    op.create_table('source_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('session_key', sa.String(length=64), nullable=True),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sentences', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('warnings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_key'], ['cop_sessions.key'], name=op.f('fk_source_texts_session_key_cop_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_key'], ['sources.key'], name=op.f('fk_source_texts_source_key_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_texts')),
    sa.UniqueConstraint('source_key', name=op.f('uq_source_texts_source_key'))
    )
    with op.batch_alter_table('source_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_texts_session_key'), ['session_key'], unique=False)

    op.create_table('suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('concept_scheme', sa.String(length=32), nullable=True),
    sa.Column('concept_code', sa.String(length=64), nullable=True),
    sa.Column('model_version', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_key'], ['sources.key'], name=op.f('fk_suggestions_source_key_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions')),
    sa.UniqueConstraint('source_key', 'label', 'start', 'end', name=op.f('uq_suggestions_source_key'))
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestions_source_key'), ['source_key'], unique=False)

    op.create_table('annotations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=False),
    sa.Column('coder', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('concept_scheme', sa.String(length=32), nullable=True),
    sa.Column('concept_code', sa.String(length=64), nullable=True),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_key'], ['sources.key'], name=op.f('fk_annotations_source_key_sources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_annotations_suggestion_id_suggestions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotations')),
    sa.UniqueConstraint('key', name=op.f('uq_annotations_key'))
    )
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotations_source_key'), ['source_key'], unique=False)

    op.create_table('suggestion_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('coder', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_suggestion_decisions_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_decisions')),
    sa.UniqueConstraint('suggestion_id', 'coder', name=op.f('uq_suggestion_decisions_suggestion_id'))
    )
    op.create_table('configuration_spans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('configuration_key', sa.String(length=64), nullable=False),
    sa.Column('annotation_key', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['annotation_key'], ['annotations.key'], name=op.f('fk_configuration_spans_annotation_key_annotations')),
    sa.ForeignKeyConstraint(['configuration_key'], ['configurations.key'], name=op.f('fk_configuration_spans_configuration_key_configurations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_configuration_spans')),
    sa.UniqueConstraint('configuration_key', 'annotation_key', name=op.f('uq_configuration_spans_configuration_key'))
    )
    with op.batch_alter_table('configuration_spans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_configuration_spans_configuration_key'), ['configuration_key'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('configuration_spans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_configuration_spans_configuration_key'))

    op.drop_table('configuration_spans')
    op.drop_table('suggestion_decisions')
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotations_source_key'))

    op.drop_table('annotations')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestions_source_key'))

    op.drop_table('suggestions')
    with op.batch_alter_table('source_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_texts_session_key'))

    op.drop_table('source_texts')
    op.drop_table('segments')
    op.drop_table('cop_sessions')
