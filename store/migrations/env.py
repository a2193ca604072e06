"""Alembic environment: always run programmatically by store.db.migrate(), on a connection it passes in."""
from alembic import context

from store.db import include_object
from store.models import Base

config = context.config
# render_as_batch lets later migrations ALTER tables on SQLite too.
context.configure(connection=config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True, compare_type=True, include_object=include_object)
with context.begin_transaction():
    context.run_migrations()
