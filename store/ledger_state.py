"""What the service saw in the ledgers: row snapshots, the event log diffed from them, and cycles."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Collection, Mapping

from sqlalchemy import delete, desc, select, update

from store.base import StoreBase, chunks, rows_among
from store.changes import bump_changes
from store.models import Cycle, Event, LedgerMark, RowSnapshot

# Column name of the event recorded when a whole row appears or disappears (values as JSON).
ROW = "*"


@dataclass(frozen=True)
class EventRecord:
    """One change of one cell (or a whole row, column "*") as seen by a cycle."""
    id: int | None  # None in what record_rows returns
    ledger_id: str
    row_id: str
    number: str | None
    column: str
    old_value: str | None
    new_value: str | None
    seen_at: datetime
    cycle_id: int | None
    actor: str | None


@dataclass(frozen=True)
class CycleRecord:
    """One run of the sync cycle or another batch job."""
    id: int
    kind: str
    ledger_id: str | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    detail: str | None


def cell_text(value: Any) -> str | None:
    """A cell as the text the audit trail keeps; empty cells are None whichever backend read them."""
    if value is None:
        return None
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, (date, time)):
        text = value.isoformat()
    else:
        text = str(value)
    return text if text != "" else None


def _cells(values: Mapping[str, Any]) -> dict[str, str]:
    """Non-empty cells as text; plain text (by far the commonest) takes the one-comprehension fast path."""
    out = {k: v for k, v in values.items() if v.__class__ is str and v}
    if len(out) != len(values):
        for k, v in values.items():
            if v is not None and v.__class__ is not str:
                text = cell_text(v)
                if text is not None:
                    out[k] = text
    return out


def _dump(cells: dict) -> str:
    return json.dumps(cells, ensure_ascii=False, separators=(",", ":"))


class LedgerStateMixin(StoreBase):

    def cycle_start(self, now: datetime, kind: str = "sync", ledger_id: str | None = None) -> int:
        """Record that a cycle started; returns its id (for events and cycle_finish)."""
        t = Cycle.__table__
        with self._tx() as conn:
            return conn.execute(t.insert().values(kind=kind, ledger_id=ledger_id, started_at=now,
                                                  status="running").returning(t.c.id)).scalar_one()

    def cycle_finish(self, cycle_id: int, now: datetime, status: str = "ok", detail: str | None = None) -> None:
        """Record how a cycle ended ('ok', 'failed', ...); a cycle killed midway stays 'running'."""
        t = Cycle.__table__
        with self._tx() as conn:
            conn.execute(update(t).where(t.c.id == cycle_id).values(finished_at=now, status=status, detail=detail))

    def cycles(self, kind: str | None = None, limit: int = 20) -> list[CycleRecord]:
        """The latest cycles, newest first."""
        t = Cycle.__table__
        stmt = select(t).order_by(desc(t.c.id)).limit(limit)
        if kind is not None:
            stmt = stmt.where(t.c.kind == kind)
        with self._read() as conn:
            return [CycleRecord(**r) for r in conn.execute(stmt).mappings()]

    def last_cycle(self, kind: str = "sync", status: str | None = "ok") -> CycleRecord | None:
        """The newest finished cycle of `kind` (with `status`, default 'ok'), e.g. for /healthz."""
        t = Cycle.__table__
        stmt = select(t).where(t.c.kind == kind).order_by(desc(t.c.id)).limit(1)
        if status is not None:
            stmt = stmt.where(t.c.status == status)
        with self._read() as conn:
            row = conn.execute(stmt).mappings().first()
        return CycleRecord(**row) if row else None

    def snapshots(self, ledger_id: str) -> dict[str, dict[str, str]]:
        """{row_id: {column: text}} as last recorded for one ledger (empty cells left out)."""
        t = RowSnapshot.__table__
        with self._read() as conn:
            return {r: json.loads(c) for r, c in
                    conn.execute(select(t.c.row_id, t.c.cells).where(t.c.ledger_id == ledger_id))}

    def cycle_snapshot_ids(self, ledger_id: str, among: Collection[str] | None = None) -> set[str]:
        """Row ids of one ledger (or just those `among` these) whose snapshot a sync cycle wrote last (not a
        web action), cells not loaded."""
        t = RowSnapshot.__table__
        where = [t.c.ledger_id == ledger_id, t.c.cycle_id.is_not(None)]
        with self._read() as conn:
            if among is None:
                return set(conn.execute(select(t.c.row_id).where(*where)).scalars())
            return {r.row_id for r in rows_among(conn, select(t.c.row_id).where(*where), t.c.row_id, among)}

    def record_rows(self, ledger_id: str, rows: Mapping[str, Mapping[str, Any]], now: datetime, *,
                    cycle_id: int | None = None, actor: str | None = None,
                    numbers: Mapping[str, str] | None = None, complete: bool = False,
                    unchanged: Collection[str] = ()) -> list[EventRecord]:
        """Diff `rows` ({row_id: {column: value}}) against the snapshots, append one event per changed
        cell (a new row: one "*" event with its cells as JSON), and update the snapshots, all in one
        transaction: re-running after a crash records each change exactly once. With `complete=True` rows
        missing from `rows` are recorded as removed, except those in `unchanged`: rows the caller knows
        still match their snapshot (see `cycle_snapshot_ids`). `numbers` ({row_id: number}) labels the events."""
        t, e = RowSnapshot.__table__, Event.__table__
        numbers = numbers or {}
        events, inserts, updates = [], [], []
        if not rows and not complete:
            return []
        with self._tx() as conn:
            if complete or len(rows) > 2000:
                old_all = {r: c for r, c in conn.execute(select(t.c.row_id, t.c.cells)
                                                         .where(t.c.ledger_id == ledger_id))}
            else:   # a few rows of a large ledger: load just their snapshots
                old_all = dict(rows_among(conn, select(t.c.row_id, t.c.cells).where(t.c.ledger_id == ledger_id),
                                          t.c.row_id, rows))
            for row_id, values in rows.items():
                new = _cells(values)
                old_text = old_all.get(row_id)
                if old_text is not None:
                    old = json.loads(old_text)
                    if old == new:  # dict equality: a reordered sheet is not a change
                        continue
                dumped = _dump(new)
                base = dict(ledger_id=ledger_id, row_id=row_id, number=numbers.get(row_id), seen_at=now,
                            cycle_id=cycle_id, actor=actor)
                if old_text is None:
                    events.append(dict(base, column=ROW, old_value=None, new_value=dumped))
                    inserts.append(dict(ledger_id=ledger_id, row_id=row_id, cells=dumped, seen_at=now,
                                        cycle_id=cycle_id))
                    continue
                for col in sorted(set(old) | set(new)):
                    if old.get(col) != new.get(col):
                        events.append(dict(base, column=col, old_value=old.get(col), new_value=new.get(col)))
                updates.append(dict(row_id=row_id, cells=dumped))
            removed = [r for r in old_all if r not in rows and r not in unchanged] if complete else []
            for row_id in removed:
                events.append(dict(ledger_id=ledger_id, row_id=row_id, number=numbers.get(row_id), column=ROW,
                                   old_value=old_all[row_id], new_value=None, seen_at=now, cycle_id=cycle_id,
                                   actor=actor))
            seq = bump_changes(self, conn) if inserts or updates or removed else None
            for part in chunks(inserts, 2000):
                conn.execute(t.insert(), [dict(i, seq=seq) for i in part])
            for u in updates:
                conn.execute(update(t).where(t.c.ledger_id == ledger_id, t.c.row_id == u["row_id"])
                             .values(cells=u["cells"], seen_at=now, cycle_id=cycle_id, seq=seq))
            for part in chunks(removed):
                conn.execute(delete(t).where(t.c.ledger_id == ledger_id, t.c.row_id.in_(part)))
            for part in chunks(events, 2000):
                conn.execute(e.insert(), part)
            if cycle_id is None:
                # Another actor (a web action) recorded this ledger: the cycle's mark no longer describes it.
                conn.execute(delete(LedgerMark.__table__).where(LedgerMark.__table__.c.ledger_id == ledger_id))
        return [EventRecord(id=None, **ev) for ev in events]  # ids are assigned by the database

    def events(self, *, ledger_id: str | None = None, row_id: str | None = None, number: str | None = None,
               since: datetime | None = None, limit: int | None = None) -> list[EventRecord]:
        """The event log, oldest first, filtered by ledger, row identity, ticket number or time."""
        e = Event.__table__
        stmt = select(e).order_by(e.c.id)
        if ledger_id is not None:
            stmt = stmt.where(e.c.ledger_id == ledger_id)
        if row_id is not None:
            stmt = stmt.where(e.c.row_id == row_id)
        if number is not None:
            stmt = stmt.where(e.c.number == number)
        if since is not None:
            stmt = stmt.where(e.c.seen_at >= since)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._read() as conn:
            return [EventRecord(**r) for r in conn.execute(stmt).mappings()]
