"""What one cycle leaves for the next: ledger marks (unchanged ledgers skipped) and reserved row identities."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from store.base import StoreBase, chunks
from store.models import LedgerMark, RowReservation


@dataclass(frozen=True)
class Mark:
    """A ledger as the last cycle left it (see models.LedgerMark)."""
    ledger_id: str
    digest: str
    context: str
    rows: int
    errors: int
    warnings: int
    marked_at: datetime | None = None    # the time of the cycle that left it


@dataclass(frozen=True)
class Reservation:
    """An identity chosen for a new row before it was written (see models.RowReservation)."""
    ledger_id: str
    row_id: str
    content: str
    row_number: int


class MarksMixin(StoreBase):

    def ledger_marks(self) -> dict[str, Mark]:
        t = LedgerMark.__table__
        with self._read() as conn:
            return {r.ledger_id: Mark(r.ledger_id, r.digest, r.context, r.rows, r.errors, r.warnings, r.marked_at)
                    for r in conn.execute(select(t))}

    def set_ledger_marks(self, marks: list[Mark], dropped: list[str], now: datetime) -> None:
        """Store these marks and forget the marks of `dropped` ledgers (their next cycle looks at every row)."""
        t = LedgerMark.__table__
        with self._tx() as conn:
            gone = sorted(set(dropped) | {m.ledger_id for m in marks})
            for part in chunks(gone):
                conn.execute(delete(t).where(t.c.ledger_id.in_(part)))
            if marks:
                conn.execute(t.insert(), [dict(ledger_id=m.ledger_id, digest=m.digest, context=m.context,
                                               rows=m.rows, errors=m.errors, warnings=m.warnings,
                                               marked_at=now) for m in marks])

    def reserve_row_ids(self, reservations: list[Reservation], now: datetime) -> None:
        """Record identities chosen for new rows; committed before any number is bound to them."""
        if not reservations:
            return
        t = RowReservation.__table__
        with self._tx() as conn:
            for part in chunks(reservations):
                stmt = self._insert(t).values([dict(ledger_id=r.ledger_id, row_id=r.row_id, content=r.content,
                                                    row_number=r.row_number, reserved_at=now) for r in part])
                conn.execute(stmt.on_conflict_do_nothing(index_elements=["ledger_id", "row_id"]))

    def row_reservations(self, ledger_id: str) -> list[Reservation]:
        """Identities reserved for rows of this ledger that no read has shown in the sheet yet."""
        t = RowReservation.__table__
        with self._read() as conn:
            return [Reservation(r.ledger_id, r.row_id, r.content, r.row_number)
                    for r in conn.execute(select(t).where(t.c.ledger_id == ledger_id).order_by(t.c.reserved_at,
                                                                                              t.c.row_id))]

    def release_row_reservations(self, ledger_id: str, row_ids) -> None:
        """Forget reservations whose identity is now in the sheet (the write landed)."""
        t = RowReservation.__table__
        with self._tx() as conn:
            for part in chunks(sorted(set(row_ids))):
                conn.execute(delete(t).where(t.c.ledger_id == ledger_id, t.c.row_id.in_(part)))
