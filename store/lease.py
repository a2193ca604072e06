"""Named leases in the state database, so exactly one process runs the scheduler per deployment."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, or_, select, update

from store.base import StoreBase
from store.models import Lease


class LeaseMixin(StoreBase):
    # Every change is one conditional UPDATE: the database decides who wins, on SQLite and PostgreSQL alike.

    def acquire_lease(self, name: str, holder: str, ttl_seconds: float, now: datetime) -> bool:
        """Take (or keep) lease `name` for `holder` until now + ttl; False while another holder's is live."""
        t = Lease.__table__
        with self._tx() as conn:
            conn.execute(self._insert(t).values(name=name).on_conflict_do_nothing(index_elements=[t.c.name]))
            res = conn.execute(
                update(t).where(t.c.name == name,
                                or_(t.c.holder == holder, t.c.holder.is_(None), t.c.expires_at.is_(None),
                                    t.c.expires_at <= now))
                .values(acquired_at=case((t.c.holder == holder, t.c.acquired_at), else_=now),
                        holder=holder, renewed_at=now, expires_at=now + timedelta(seconds=ttl_seconds)))
            return res.rowcount == 1

    def renew_lease(self, name: str, holder: str, ttl_seconds: float, now: datetime) -> bool:
        """Extend a lease `holder` still holds; False means another process has taken it: stop working."""
        t = Lease.__table__
        with self._tx() as conn:
            res = conn.execute(update(t).where(t.c.name == name, t.c.holder == holder)
                               .values(renewed_at=now, expires_at=now + timedelta(seconds=ttl_seconds)))
            return res.rowcount == 1

    def release_lease(self, name: str, holder: str) -> bool:
        """Give the lease up at once (on clean shutdown) so another process need not wait for expiry."""
        t = Lease.__table__
        with self._tx() as conn:
            res = conn.execute(update(t).where(t.c.name == name, t.c.holder == holder)
                               .values(holder=None, expires_at=None))
            return res.rowcount == 1

    def lease_holder(self, name: str, now: datetime) -> str | None:
        """Who holds the lease at `now`, or None if nobody does."""
        t = Lease.__table__
        with self._read() as conn:
            row = conn.execute(select(t.c.holder, t.c.expires_at).where(t.c.name == name)).first()
        if row is None or row.holder is None or row.expires_at is None or row.expires_at <= now:
            return None
        return row.holder
