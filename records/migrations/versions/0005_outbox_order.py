"""outbox events ordered by transaction

Events written before this revision all count as transaction 0: they are committed already, so
they keep their id order and come before every later event.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transaction_id', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_index('ix_outbox_events_position', ['transaction_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_events_position')
        batch_op.drop_column('transaction_id')
