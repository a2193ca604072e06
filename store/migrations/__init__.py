"""Alembic migrations of the state store, versioned; applied on open by store.db.migrate()."""
