"""configuration cycle phase

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('configurations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cycle_phase', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('contested_by', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('configurations', schema=None) as batch_op:
        batch_op.drop_column('contested_by')
        batch_op.drop_column('cycle_phase')

