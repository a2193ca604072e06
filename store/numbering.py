"""Official numbers: per-(series, year) counters and the number ↔ row identity bindings, crash-safe."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from store.base import StoreBase, chunks, rows_among
from store.db import PG_LOCK_NUMBERING
from store.models import Counter, Notice, TicketNumber

# Fault injection for the crash tests: called with the name of each step inside the transaction.
fault: Callable[[str], None] | None = None

STEPS = ("begin", "existing_read", "counter_bumped", "bindings_inserted", "before_commit", "after_commit")


def _step(name: str) -> None:
    if fault is not None:
        fault(name)


@dataclass(frozen=True)
class NumberRequest:
    """A valid request that needs a number: where its row lives and when it was accepted (受理时间)."""
    ledger_id: str
    row_id: str
    accepted_at: datetime


@dataclass(frozen=True)
class IssuedNotice:
    """A notice's series number, and whether this call issued it (False: it existed under the key)."""
    id: int
    key: str
    kind: str
    number: str
    ticket: str | None
    unit: str | None
    issued_at: datetime
    created: bool


def format_number(fmt: str, year: int, seq: int) -> str:
    """Render a number format such as "〔{year}〕第{seq:04d}号"; a broken format is a clear error."""
    try:
        return fmt.format(year=year, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"编号格式无效: {fmt!r}，只能使用 {{year}} 和 {{seq}} / "
                         f"invalid number format {fmt!r}: {exc}") from exc


def check_format(fmt: str) -> None:
    """Reject a format that would not give distinct numbers for distinct sequence values."""
    if format_number(fmt, 2026, 1) == format_number(fmt, 2026, 2):
        raise ValueError(f"编号格式必须包含 {{seq}}: {fmt!r} / number format must contain {{seq}}")


def bump_counter(store: StoreBase, conn: Connection, series: str, year: int, n: int) -> int:
    """Reserve n sequence numbers in one atomic upsert; returns the first of them."""
    t = Counter.__table__
    stmt = (store._insert(t).values(series=series, year=year, last=n)
            .on_conflict_do_update(index_elements=[t.c.series, t.c.year], set_={"last": t.c.last + n})
            .returning(t.c.last))
    last = conn.execute(stmt).scalar_one()
    return last - n + 1


class NumberingMixin(StoreBase):

    def assign_numbers(self, profile, requests: Iterable[NumberRequest | tuple],
                       now: datetime | None = None, *, number_format: str | None = None) -> dict:
        """Give every request without a number the next one of its acceptance year, in order of
        acceptance, and return {(ledger_id, row_id): number} for all requests, old and new.

        `profile` is a Profile (its id and ticket_number_format are used) or a profile id string with
        `number_format=`. Counter bump and bindings are one transaction: a crash leaves no gap or duplicate,
        and a row identity once numbered always gets the same number back."""
        profile_id = profile if isinstance(profile, str) else profile.id
        fmt = number_format or profile.ticket_number_format
        check_format(fmt)
        reqs = [r if isinstance(r, NumberRequest) else NumberRequest(*r) for r in requests]
        now = now or datetime.now(timezone.utc)
        series = f"ticket:{profile_id}"
        t = TicketNumber.__table__
        with self._tx(PG_LOCK_NUMBERING) as conn:
            _step("begin")
            known = self._bindings(conn, {r.ledger_id for r in reqs},
                                   None if len(reqs) > 5000 else {(r.ledger_id, r.row_id) for r in reqs})
            _step("existing_read")
            fresh, seen = [], set()
            for r in reqs:
                key = (r.ledger_id, r.row_id)
                if key not in known and key not in seen:
                    seen.add(key)
                    fresh.append(r)
            fresh.sort(key=lambda r: _naive(r.accepted_at))  # stable: ties keep the ledger's order
            by_year: dict[int, list[NumberRequest]] = {}
            for r in fresh:
                by_year.setdefault(r.accepted_at.year, []).append(r)
            rows = []
            for year, group in sorted(by_year.items()):
                first = bump_counter(self, conn, series, year, len(group))
                _step("counter_bumped")
                for i, r in enumerate(group):
                    number = format_number(fmt, year, first + i)
                    rows.append(dict(profile=profile_id, year=year, seq=first + i, number=number,
                                     ledger_id=r.ledger_id, row_id=r.row_id, accepted_at=_naive(r.accepted_at),
                                     assigned_at=now))
                    known[(r.ledger_id, r.row_id)] = number
            for part in chunks(rows):
                conn.execute(t.insert(), part)
            _step("bindings_inserted")
            _step("before_commit")
        _step("after_commit")
        return {(r.ledger_id, r.row_id): known[(r.ledger_id, r.row_id)] for r in reqs}

    def numbers(self, ledger_id: str | None = None) -> dict:
        """Every binding, or one ledger's: {(ledger_id, row_id): number}."""
        t = TicketNumber.__table__
        stmt = select(t.c.ledger_id, t.c.row_id, t.c.number)
        if ledger_id is not None:
            stmt = stmt.where(t.c.ledger_id == ledger_id)
        with self._read() as conn:
            return {(a, b): n for a, b, n in conn.execute(stmt)}

    def number_of(self, ledger_id: str, row_id: str) -> str | None:
        """The number bound to one row identity, if any."""
        t = TicketNumber.__table__
        with self._read() as conn:
            return conn.execute(select(t.c.number).where(t.c.ledger_id == ledger_id,
                                                         t.c.row_id == row_id)).scalar_one_or_none()

    def _bindings(self, conn: Connection, ledger_ids: set[str], keys: set | None = None) -> dict:
        """{(ledger_id, row_id): number} of these ledgers, or (a few requests) of just these keys."""
        t = TicketNumber.__table__
        q = select(t.c.ledger_id, t.c.row_id, t.c.number)
        if keys is None:
            return {(a, b): n for a, b, n in rows_among(conn, q, t.c.ledger_id, ledger_ids)}
        by_ledger: dict[str, list] = {}
        for lid, rid in keys:
            by_ledger.setdefault(lid, []).append(rid)
        return {(a, b): n for lid, rids in by_ledger.items()
                for a, b, n in rows_among(conn, q.where(t.c.ledger_id == lid), t.c.row_id, rids)}

    def issue_notice(self, key: str, kind: str, number_format: str, issued_at: datetime, *,
                     year: int | None = None, ticket: str | None = None,
                     unit: str | None = None) -> IssuedNotice:
        """Issue a notice under `key` (e.g. ticket|kind|milestone|round) with the next number of its kind's
        series for `year` (default: issued_at's year), or return the one already issued under that key."""
        check_format(number_format)
        year = year or issued_at.year
        t = Notice.__table__
        with self._tx(PG_LOCK_NUMBERING) as conn:
            row = conn.execute(select(t).where(t.c.key == key)).mappings().first()
            if row is not None:
                return _notice(row, created=False)
            seq = bump_counter(self, conn, f"notice:{kind}", year, 1)
            values = dict(key=key, kind=kind, year=year, seq=seq,
                          number=format_number(number_format, year, seq),
                          ticket=ticket, unit=unit, issued_at=issued_at)
            new_id = conn.execute(t.insert().values(**values).returning(t.c.id)).scalar_one()
            row = conn.execute(select(t).where(t.c.id == new_id)).mappings().one()
            return _notice(row, created=True)

    def notices(self, *, ticket: str | None = None, kind: str | None = None) -> list[IssuedNotice]:
        """Notices issued, oldest first, optionally for one ticket or of one kind."""
        t = Notice.__table__
        stmt = select(t).order_by(t.c.id)
        if ticket is not None:
            stmt = stmt.where(t.c.ticket == ticket)
        if kind is not None:
            stmt = stmt.where(t.c.kind == kind)
        with self._read() as conn:
            return [_notice(r, created=False) for r in conn.execute(stmt).mappings()]


def _notice(row, created: bool) -> IssuedNotice:
    return IssuedNotice(id=row["id"], key=row["key"], kind=row["kind"], number=row["number"],
                        ticket=row["ticket"], unit=row["unit"], issued_at=row["issued_at"], created=created)


def _naive(dt: datetime) -> datetime:
    # Acceptance times are local wall-clock times; drop any tzinfo so mixed inputs still sort.
    return dt.replace(tzinfo=None) if isinstance(dt, datetime) else datetime(dt.year, dt.month, dt.day)
