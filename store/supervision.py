"""Supervision records: lights given to units (events, never erased) and flags for coordinators."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from store.base import StoreBase
from store.models import Flag, Light

LIGHTS = ("yellow", "red")


@dataclass(frozen=True)
class LightRecord:
    """A yellow or red light a unit received for one milestone of one ticket, in one round."""
    id: int
    ticket: str
    unit: str
    light: str
    milestone: str
    round: int
    at: datetime


@dataclass(frozen=True)
class FlagRecord:
    """Something a coordinator must decide or do; open until resolved."""
    id: int
    key: str
    kind: str
    ticket: str | None
    message: str
    raised_at: datetime
    resolved_at: datetime | None


class SupervisionMixin(StoreBase):

    def record_light(self, ticket: str, unit: str, light: str, milestone: str, at: datetime,
                     round: int = 1) -> bool:
        """Record a light once per (ticket, unit, light, milestone, round); False if it was recorded before."""
        if light not in LIGHTS:
            raise ValueError(f"灯色只能是 yellow 或 red: {light!r} / light must be 'yellow' or 'red'")
        t = Light.__table__
        with self._tx() as conn:
            stmt = (self._insert(t).values(ticket=ticket, unit=unit, light=light, milestone=milestone,
                                           round=round, at=at)
                    .on_conflict_do_nothing(index_elements=[t.c.ticket, t.c.unit, t.c.light, t.c.milestone,
                                                            t.c.round]).returning(t.c.id))
            return conn.execute(stmt).scalar_one_or_none() is not None

    def lights(self, *, unit: str | None = None, ticket: str | None = None, light: str | None = None,
               since: datetime | None = None, until: datetime | None = None) -> list[LightRecord]:
        """Lights in time order; `since` inclusive, `until` exclusive (e.g. one calendar month)."""
        t = Light.__table__
        stmt = select(t).order_by(t.c.at, t.c.id)
        for col, val in ((t.c.unit, unit), (t.c.ticket, ticket), (t.c.light, light)):
            if val is not None:
                stmt = stmt.where(col == val)
        if since is not None:
            stmt = stmt.where(t.c.at >= since)
        if until is not None:
            stmt = stmt.where(t.c.at < until)
        with self._read() as conn:
            return [LightRecord(**r) for r in conn.execute(stmt).mappings()]

    def raise_flag(self, key: str, kind: str, message: str, now: datetime, ticket: str | None = None) -> bool:
        """Open a flag under `key` (or reopen a resolved one); True if it is newly open, False if it already
        was (its message is brought up to date)."""
        t = Flag.__table__
        with self._tx() as conn:
            row = conn.execute(select(t.c.id, t.c.resolved_at).where(t.c.key == key)).first()
            if row is None:
                conn.execute(t.insert().values(key=key, kind=kind, message=message, ticket=ticket, raised_at=now))
                return True
            values = dict(message=message, kind=kind, ticket=ticket)
            if row.resolved_at is not None:
                values.update(raised_at=now, resolved_at=None)
            conn.execute(update(t).where(t.c.id == row.id).values(**values))
            return row.resolved_at is not None

    def resolve_flag(self, key: str, now: datetime) -> bool:
        """Close an open flag; False if there was none open under `key`."""
        t = Flag.__table__
        with self._tx() as conn:
            return conn.execute(update(t).where(t.c.key == key, t.c.resolved_at.is_(None))
                                .values(resolved_at=now)).rowcount == 1

    def flags(self, *, open_only: bool = True, kind: str | None = None) -> list[FlagRecord]:
        """Flags, oldest first."""
        t = Flag.__table__
        stmt = select(t).order_by(t.c.id)
        if open_only:
            stmt = stmt.where(t.c.resolved_at.is_(None))
        if kind is not None:
            stmt = stmt.where(t.c.kind == kind)
        with self._read() as conn:
            return [FlagRecord(**r) for r in conn.execute(stmt).mappings()]
