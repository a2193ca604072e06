"""Web accounts, rate-limit attempts, webhook nonces, cycle requests and coordinator decisions."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from store.base import StoreBase
from store.activity import Submission, _submission
from store.models import (Attempt, CycleRequest, Decision, Event, IntakeSubmission, Nonce, RowSnapshot, TicketState,
                          User)
from store.tickets import TicketStateRecord

ROLES = ("coordinator", "township", "unit")


@dataclass(frozen=True)
class UserRecord:
    """An account; `password_hash` is a werkzeug.security hash, never the password."""
    id: int
    name: str
    password_hash: str
    role: str
    unit: str | None
    township: str | None
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class DecisionRecord:
    """A coordinator decision waiting for (or already acted on by) the scan."""
    id: int
    kind: str
    ledger_id: str
    row_id: str
    number: str | None
    unit: str | None
    detail: dict
    actor: str
    decided_at: datetime
    done_at: datetime | None


class WebStateMixin(StoreBase):

    # --- accounts -----------------------------------------------------------------------------------------
    def user_save(self, name: str, password_hash: str, role: str, now: datetime, *, unit: str | None = None,
                  township: str | None = None) -> bool:
        """Create the account, or replace its password and scope; True when it was created."""
        if role not in ROLES:
            raise ValueError(f"角色只能是 {'/'.join(ROLES)}: {role!r} / role must be one of {ROLES}")
        t = User.__table__
        values = dict(name=name, password_hash=password_hash, role=role, unit=unit, township=township, active=True)
        with self._tx() as conn:
            found = conn.execute(select(t.c.id).where(t.c.name == name)).scalar_one_or_none()
            if found is None:
                conn.execute(t.insert().values(**values, created_at=now))
                return True
            conn.execute(update(t).where(t.c.id == found).values(**values))
            return False

    def user_get(self, name: str) -> UserRecord | None:
        t = User.__table__
        with self._read() as conn:
            row = conn.execute(select(t).where(t.c.name == name)).mappings().first()
        return UserRecord(**row) if row else None

    def users(self) -> list[UserRecord]:
        t = User.__table__
        with self._read() as conn:
            return [UserRecord(**r) for r in conn.execute(select(t).order_by(t.c.name)).mappings()]

    # --- rate limiting ------------------------------------------------------------------------------------
    def attempt_add(self, scope: str, key: str, now: datetime, ok: bool) -> None:
        """Note one attempt (e.g. scope "login", key the account name or the client address)."""
        with self._tx() as conn:
            conn.execute(Attempt.__table__.insert().values(scope=scope, key=key, at=now, ok=ok))

    def attempt_count(self, scope: str, key: str, since: datetime, *, failed_only: bool = True) -> int:
        """Attempts of `key` in `scope` since a time (only the failed ones unless failed_only=False)."""
        t = Attempt.__table__
        stmt = select(func.count()).where(t.c.scope == scope, t.c.key == key, t.c.at >= since)
        if failed_only:
            stmt = stmt.where(t.c.ok.is_(False))
        with self._read() as conn:
            return conn.execute(stmt).scalar_one()

    def attempt_prune(self, before: datetime) -> int:
        with self._tx() as conn:
            return conn.execute(delete(Attempt.__table__).where(Attempt.__table__.c.at < before)).rowcount

    # --- webhook ------------------------------------------------------------------------------------------
    def nonce_use(self, nonce: str, now: datetime, keep_seconds: int = 900) -> bool:
        """Remember a nonce; False when it was seen before (a replay). Old nonces are forgotten after
        `keep_seconds`, which must exceed the accepted timestamp skew."""
        t = Nonce.__table__
        with self._tx() as conn:
            conn.execute(delete(t).where(t.c.seen_at < now - timedelta(seconds=keep_seconds)))
            return conn.execute(self._insert(t).values(nonce=nonce, seen_at=now)
                                .on_conflict_do_nothing(index_elements=[t.c.nonce])
                                .returning(t.c.nonce)).scalar_one_or_none() is not None

    def request_cycle(self, ledger_id: str, now: datetime) -> bool:
        """Ask for a cycle of one ledger soon; False when one is already pending (requests coalesce)."""
        t = CycleRequest.__table__
        with self._tx() as conn:
            return conn.execute(self._insert(t).values(ledger_id=ledger_id, requested_at=now)
                                .on_conflict_do_nothing(index_elements=[t.c.ledger_id])
                                .returning(t.c.ledger_id)).scalar_one_or_none() is not None

    def take_cycle_requests(self) -> list[str]:
        """The ledgers asked for, oldest request first, removed in the same transaction."""
        t = CycleRequest.__table__
        with self._tx() as conn:
            ids = list(conn.execute(select(t.c.ledger_id).order_by(t.c.requested_at)).scalars())
            if ids:
                conn.execute(delete(t).where(t.c.ledger_id.in_(ids)))
        return ids

    def cycle_requests(self) -> list[str]:
        t = CycleRequest.__table__
        with self._read() as conn:
            return list(conn.execute(select(t.c.ledger_id).order_by(t.c.requested_at)).scalars())

    def event_add(self, ledger_id: str, row_id: str, column: str, old_value: str | None, new_value: str | None,
                  now: datetime, *, actor: str, number: str | None = None) -> None:
        """Log a decision that changes no ledger cell (e.g. a 约谈通知书 decided), with its actor."""
        with self._tx() as conn:
            conn.execute(Event.__table__.insert().values(
                ledger_id=ledger_id, row_id=row_id, number=number, column=column, old_value=old_value,
                new_value=new_value, seen_at=now, cycle_id=None, actor=actor))

    def intake_by_source_key(self, source_key: str) -> Submission | None:
        """The submission kept under `source_key` (the web form's is "web:" + its receipt code)."""
        t = IntakeSubmission.__table__
        with self._read() as conn:
            row = conn.execute(select(t).where(t.c.source_key == source_key)).mappings().first()
        return _submission(row) if row else None

    def intake_by_number(self, number: str) -> Submission | None:
        """The submission that was given this official number (it may be in the sheet before its first
        decision)."""
        t = IntakeSubmission.__table__
        with self._read() as conn:
            row = conn.execute(select(t).where(t.c.number == number)).mappings().first()
        return _submission(row) if row else None

    def ticket_state_by_number(self, number: str) -> TicketStateRecord | None:
        """The ticket bearing an official number (indexed: a progress lookup does not read every state)."""
        return self._one_state(TicketState.__table__.c.number == number)

    def ticket_state_of(self, ledger_id: str, row_id: str) -> TicketStateRecord | None:
        """One row's state, without reading the whole ledger's."""
        t = TicketState.__table__
        return self._one_state((t.c.ledger_id == ledger_id) & (t.c.row_id == row_id))

    def _one_state(self, where) -> TicketStateRecord | None:
        t = TicketState.__table__
        with self._read() as conn:
            r = conn.execute(select(t).where(where).limit(1)).mappings().first()
        return TicketStateRecord(r["ledger_id"], r["row_id"], r["number"], r["unit"], r["status"],
                                 json.loads(r["state"]), r["updated_at"]) if r else None

    def snapshot_of(self, ledger_id: str, row_id: str) -> dict[str, str]:
        """One row's last seen cells ({} when never seen)."""
        t = RowSnapshot.__table__
        with self._read() as conn:
            cells = conn.execute(select(t.c.cells).where(t.c.ledger_id == ledger_id, t.c.row_id == row_id)).scalar()
        return json.loads(cells) if cells else {}

    # --- coordinator decisions ----------------------------------------------------------------------------
    def decision_add(self, kind: str, ledger_id: str, row_id: str, detail: dict, actor: str, now: datetime, *,
                     number: str | None = None, unit: str | None = None) -> int:
        """Record a decision (e.g. kind "interview_notice") for the scan to act on; returns its id."""
        t = Decision.__table__
        with self._tx() as conn:
            return conn.execute(t.insert().values(
                kind=kind, ledger_id=ledger_id, row_id=row_id, number=number, unit=unit, actor=actor,
                detail=json.dumps(detail, ensure_ascii=False), decided_at=now).returning(t.c.id)).scalar_one()

    def decisions(self, *, kind: str | None = None, open_only: bool = False, ledger_id: str | None = None,
                  row_id: str | None = None) -> list[DecisionRecord]:
        """Decisions in the order made; `open_only` leaves out those the scan has acted on."""
        t = Decision.__table__
        stmt = select(t).order_by(t.c.id)
        for col, val in ((t.c.kind, kind), (t.c.ledger_id, ledger_id), (t.c.row_id, row_id)):
            if val is not None:
                stmt = stmt.where(col == val)
        if open_only:
            stmt = stmt.where(t.c.done_at.is_(None))
        with self._read() as conn:
            return [DecisionRecord(**{**r, "detail": json.loads(r["detail"])}) for r in conn.execute(stmt).mappings()]

    def decision_done(self, decision_id: int, now: datetime) -> None:
        """Mark a decision acted on (the scan, after issuing the notice)."""
        t = Decision.__table__
        with self._tx() as conn:
            conn.execute(update(t).where(t.c.id == decision_id).values(done_at=now))
