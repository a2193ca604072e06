"""Ticket states: the service's last decision per ledger row (round, dues, status, stage).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticket_states',
    sa.Column('ledger_id', sa.String(length=200), nullable=False),
    sa.Column('row_id', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=True),
    sa.Column('unit', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ledger_id', 'row_id')
    )
    op.create_index('ix_ticket_states_number', 'ticket_states', ['number'], unique=False)
    op.create_index('ix_ticket_states_unit', 'ticket_states', ['unit'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ticket_states_unit', table_name='ticket_states')
    op.drop_index('ix_ticket_states_number', table_name='ticket_states')
    op.drop_table('ticket_states')
