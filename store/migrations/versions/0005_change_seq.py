"""Change counter: ticket states and row snapshots carry the counter value of their last write.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_counters',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    for table in ('ticket_states', 'row_snapshots'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
            batch_op.create_index(f'ix_{table}_seq', ['seq'], unique=False)


def downgrade() -> None:
    for table in ('row_snapshots', 'ticket_states'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_seq')
            batch_op.drop_column('seq')
    op.drop_table('change_counters')
