"""saved designs

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saved_designs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('query', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_designs')),
    sa.UniqueConstraint('owner', 'name', name=op.f('uq_saved_designs_owner'))
    )
    with op.batch_alter_table('saved_designs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_designs_owner'), ['owner'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('saved_designs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_designs_owner'))

    op.drop_table('saved_designs')
