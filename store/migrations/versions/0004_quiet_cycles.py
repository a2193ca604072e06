"""Quiet cycles and one-write numbering: ticket recheck times, ledger marks, row reservations.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ticket_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recheck_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('settled', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_ticket_states_recheck', ['ledger_id', 'recheck_at'], unique=False)

    op.create_table('ledger_marks',
    sa.Column('ledger_id', sa.String(length=200), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('context', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ledger_id')
    )
    op.create_table('row_reservations',
    sa.Column('ledger_id', sa.String(length=200), nullable=False),
    sa.Column('row_id', sa.String(length=200), nullable=False),
    sa.Column('content', sa.String(length=64), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('reserved_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ledger_id', 'row_id')
    )


def downgrade() -> None:
    op.drop_table('row_reservations')
    op.drop_table('ledger_marks')
    with op.batch_alter_table('ticket_states', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_states_recheck')
        batch_op.drop_column('settled')
        batch_op.drop_column('recheck_at')
