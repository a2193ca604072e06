"""The service's last decision per ledger row, so the next cycle and the scan start from it."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Collection

from sqlalchemy import select

from store.base import StoreBase, chunks, rows_among
from store.models import TicketState


@dataclass(frozen=True)
class TicketStateRecord:
    """`state` is a JSON-able mapping owned by the sync cycle (round, returned, dues, stage, …)."""
    ledger_id: str
    row_id: str
    number: str | None
    unit: str | None
    status: str
    state: dict = field(default_factory=dict)
    updated_at: datetime | None = None
    recheck_at: datetime | None = None    # see models.TicketState.recheck_at


@dataclass(frozen=True)
class TicketBrief:
    """A ticket state's columns without its JSON: number, recheck time, and the settled key."""
    number: str | None
    recheck_at: datetime | None
    settled: str | None


class TicketStateMixin(StoreBase):

    def ticket_states(self, ledger_id: str | None = None, *, recheck_by: datetime | None = None,
                      row_ids: Collection[str] | None = None) -> dict[tuple[str, str], TicketStateRecord]:
        """{(ledger_id, row_id): record}, for one ledger or all; with `recheck_by`, only the tickets whose
        decision may have changed by then (recheck_at at or before it); with `row_ids`, only those rows."""
        q = select(TicketState)
        if ledger_id is not None:
            q = q.where(TicketState.ledger_id == ledger_id)
        if recheck_by is not None:
            q = q.where(TicketState.recheck_at.is_not(None), TicketState.recheck_at <= recheck_by)
        with self._read() as conn:
            if row_ids is not None and len(row_ids) <= 2000:
                rows = list(rows_among(conn, q, TicketState.row_id, row_ids))
            else:
                rows = conn.execute(q).all()
                if row_ids is not None:
                    wanted = set(row_ids)
                    rows = [r for r in rows if r.row_id in wanted]
        # One decode of all states as a JSON array: 100,000 separate json.loads calls cost a third more.
        states = json.loads("[" + ",".join(r.state for r in rows) + "]")
        return {(r.ledger_id, r.row_id): TicketStateRecord(r.ledger_id, r.row_id, r.number, r.unit, r.status,
                                                           state, r.updated_at, r.recheck_at)
                for r, state in zip(rows, states)}

    def ticket_briefs(self, ledger_id: str) -> dict[str, TicketBrief]:
        """{row_id: brief} of one ledger's tickets, states not decoded: what a cycle needs to tell which rows
        it can leave alone."""
        t = TicketState.__table__
        with self._read() as conn:
            rows = conn.execute(select(t.c.row_id, t.c.number, t.c.recheck_at, t.c.settled)
                                .where(t.c.ledger_id == ledger_id)).all()
        return {row_id: TicketBrief(number, recheck_at, settled) for row_id, number, recheck_at, settled in rows}

    def save_ticket_states(self, records, now: datetime) -> int:
        """Upsert the given records in one transaction; returns how many were written."""
        records = list(records)
        t = TicketState.__table__
        if not records:
            return 0
        from store.changes import bump_changes
        with self._tx() as conn:
            seq = bump_changes(self, conn)
            for part in chunks(records):
                rows = [dict(ledger_id=r.ledger_id, row_id=r.row_id, number=r.number, unit=r.unit,
                             status=r.status, state=json.dumps(r.state, ensure_ascii=False, sort_keys=True),
                             updated_at=now, recheck_at=r.recheck_at, settled=r.state.get("settled"), seq=seq)
                        for r in part]
                stmt = self._insert(t).values(rows)
                stmt = stmt.on_conflict_do_update(
                    index_elements=["ledger_id", "row_id"],
                    set_={c: stmt.excluded[c] for c in ("number", "unit", "status", "state", "updated_at",
                                                        "recheck_at", "settled", "seq")})
                conn.execute(stmt)
        return len(records)
