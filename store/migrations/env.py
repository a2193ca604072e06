"""Alembic environment: always run programmatically by store.db.migrate(), on a connection it passes in."""
from alembic import context

from store.models import Base

config = context.config
connection = config.attributes["connection"]
# render_as_batch lets later migrations ALTER tables on SQLite too.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
