"""What every part of the Store shares: the engine, transactions, and upsert that works on both backends."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from store.db import is_postgres


class StoreBase:
    engine: Engine

    @contextmanager
    def _tx(self, pg_lock: int | None = None):
        """One transaction; on SQLite it holds the write lock, on PostgreSQL optionally an advisory lock."""
        with self.engine.begin() as conn:
            if pg_lock is not None and is_postgres(self.engine):
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": pg_lock})
            yield conn

    @contextmanager
    def _read(self):
        """A read-only connection (on SQLite: a deferred transaction, never waiting for the write lock)."""
        with self.engine.connect() as conn:
            conn.execution_options(jiesu_read=True)
            yield conn

    def _insert(self, table):
        """INSERT with ON CONFLICT support in the engine's dialect."""
        return (postgresql.insert if is_postgres(self.engine) else sqlite.insert)(table)


def chunks(seq, size=500):
    """Slices of `seq`; keeps IN lists under SQLite's bound-parameter limit."""
    seq = list(seq)
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def rows_among(conn, stmt, column, keys):
    """The rows of `stmt` whose `column` is one of `keys`, a chunk of IN list at a time."""
    for part in chunks(sorted(set(keys))):
        yield from conn.execute(stmt.where(column.in_(part)))
