"""The state store's tables (SQLAlchemy 2 declarative); migrations in store/migrations must match them."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from store.coltypes import UTCDateTime


class Base(DeclarativeBase):
    pass


class Counter(Base):
    """Last sequence number handed out in one series (tickets of a profile, or one notice kind) and year."""
    __tablename__ = "counters"
    series: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class TicketNumber(Base):
    """A number given to a request, bound for ever to its row identity (记录标识) in its ledger."""
    __tablename__ = "ticket_numbers"
    __table_args__ = (
        UniqueConstraint("profile", "number", name="uq_ticket_numbers_number"),
        UniqueConstraint("profile", "year", "seq", name="uq_ticket_numbers_seq"),
        UniqueConstraint("ledger_id", "row_id", name="uq_ticket_numbers_row"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile: Mapped[str] = mapped_column(String(50), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[str] = mapped_column(String(100), nullable=False)
    ledger_id: Mapped[str] = mapped_column(String(200), nullable=False)
    row_id: Mapped[str] = mapped_column(String(200), nullable=False)
    accepted_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)
    assigned_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)


class RowSnapshot(Base):
    """The last seen cell values of one ledger row, as JSON text, to diff the next read against."""
    __tablename__ = "row_snapshots"
    ledger_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    cells: Mapped[str] = mapped_column(Text, nullable=False)
    seen_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    cycle_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The change counter's value when this row was last written (see ChangeCounter); NULL before 0005.
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)


class Event(Base):
    """One observed change of one cell: the ledger's audit trail, never rewritten."""
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_row", "ledger_id", "row_id"), Index("ix_events_number", "number"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ledger_id: Mapped[str] = mapped_column(String(200), nullable=False)
    row_id: Mapped[str] = mapped_column(String(200), nullable=False)
    number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    column: Mapped[str] = mapped_column(String(200), nullable=False)
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    seen_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    cycle_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Cycle(Base):
    """One run of the sync cycle (or another batch job) and how it ended."""
    __tablename__ = "cycles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    ledger_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    started_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    finished_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


class OutboxMessage(Base):
    """A mail recorded once under its key before any attempt to send it."""
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(500), nullable=False, unique=True)
    to_addrs: Mapped[str] = mapped_column(Text, nullable=False)
    cc_addrs: Mapped[str] = mapped_column(Text, nullable=False)
    subject: Mapped[str] = mapped_column(Text, nullable=False)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    html: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    next_attempt_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)
    claimed_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    permanent: Mapped[bool] = mapped_column(Boolean, nullable=False)


class OutboxAttachment(Base):
    """A file attached to an outbox message, kept as bytes so a retry sends exactly what was queued."""
    __tablename__ = "outbox_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    filename: Mapped[str] = mapped_column(String(500), nullable=False)
    content_type: Mapped[str] = mapped_column(String(200), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class Notice(Base):
    """A supervision or dispatch notice issued, with its series number (e.g. 督〔2026〕12号)."""
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("kind", "year", "seq", name="uq_notices_seq"),
                      Index("ix_notices_ticket", "ticket"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(500), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[str] = mapped_column(String(100), nullable=False)
    ticket: Mapped[str | None] = mapped_column(String(100), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    issued_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)


class Light(Base):
    """A yellow or red light given to a unit for a ticket's milestone; an event, never erased."""
    __tablename__ = "lights"
    __table_args__ = (UniqueConstraint("ticket", "unit", "light", "milestone", "round", name="uq_lights"),
                      Index("ix_lights_unit_at", "unit", "at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket: Mapped[str] = mapped_column(String(100), nullable=False)
    unit: Mapped[str] = mapped_column(String(200), nullable=False)
    light: Mapped[str] = mapped_column(String(10), nullable=False)
    milestone: Mapped[str] = mapped_column(String(50), nullable=False)
    round: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)


class Flag(Base):
    """Something a coordinator must look at (e.g. a missing calendar year), raised once under its key."""
    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(500), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    ticket: Mapped[str | None] = mapped_column(String(100), nullable=True)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    raised_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    resolved_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)


class JobRun(Base):
    """One run of a scheduled job: when, by which process, and how it ended."""
    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job", "job_id", "started_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(String(100), nullable=False)
    holder: Mapped[str | None] = mapped_column(String(200), nullable=True)
    started_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    finished_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class Lease(Base):
    """A named lease (e.g. 'scheduler') held by one process until it expires or is released."""
    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200), nullable=True)
    acquired_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)
    renewed_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)


class IntakeSubmission(Base):
    """A request received from the web form or an import, kept before (and after) it reaches the sheet."""
    __tablename__ = "intake_submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_key: Mapped[str | None] = mapped_column(String(500), nullable=True, unique=True)
    received_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    fields: Mapped[str] = mapped_column(Text, nullable=False)
    number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    ledger_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    row_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    appended_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)


class TicketState(Base):
    """What the service last decided for one ledger row: round, dues, status, stage (JSON in `state`);
    the sheet shows the same in service columns, but only the store remembers e.g. when a round began."""
    __tablename__ = "ticket_states"
    __table_args__ = (Index("ix_ticket_states_number", "number"), Index("ix_ticket_states_unit", "unit"),
                      Index("ix_ticket_states_recheck", "ledger_id", "recheck_at"))
    ledger_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    state: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    # When the decision may change with nothing typed (a due passes, "due soon" begins); NULL: only an edit
    # or a district-wide change (calendar, units …) can change it. A quiet cycle re-decides only these.
    recheck_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)
    # state["settled"] (the row's cells and 校验结果 when the cycle last found nothing left to write), kept
    # as a column too so a cycle can tell settled rows from the rest without decoding every state.
    settled: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The change counter's value when this state was last written (see ChangeCounter); NULL before 0005.
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)


class LedgerMark(Base):
    """A township ledger as the last cycle left it: the digest of its 台账 grid (with the cycle's own writes),
    the district-wide context it was decided under, and its tallies. While both digests match, the ledger is
    unchanged and a cycle re-decides only the tickets due a recheck."""
    __tablename__ = "ledger_marks"
    ledger_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    context: Mapped[str] = mapped_column(String(64), nullable=False)
    rows: Mapped[int] = mapped_column(Integer, nullable=False)
    errors: Mapped[int] = mapped_column(Integer, nullable=False)
    warnings: Mapped[int] = mapped_column(Integer, nullable=False)
    marked_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)


class RowReservation(Base):
    """An identity (记录标识) the cycle chose for a new row before writing it, so that a number bound to it
    survives a crash before the write: the next cycle finds the row by its typed cells and reuses it."""
    __tablename__ = "row_reservations"
    ledger_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    content: Mapped[str] = mapped_column(String(64), nullable=False)
    row_number: Mapped[int] = mapped_column(Integer, nullable=False)
    reserved_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)


class User(Base):
    """A web account: coordinator, township clerk (sees its township) or handling unit (sees its tickets)."""
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    township: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)


class Attempt(Base):
    """One rate-limited attempt (a login, a progress lookup) by one key (a name or an address)."""
    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_key", "scope", "key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(50), nullable=False)
    key: Mapped[str] = mapped_column(String(300), nullable=False)
    at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)


class CycleRequest(Base):
    """A ledger whose next cycle was asked for now (the spreadsheet webhook) instead of at the next poll."""
    __tablename__ = "cycle_requests"
    ledger_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    requested_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)


class Nonce(Base):
    """A webhook nonce already accepted, kept for the replay window so the same call is refused twice."""
    __tablename__ = "nonces"
    nonce: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)


class Decision(Base):
    """A coordinator's decision the scan acts on (e.g. issue a 约谈通知书), open until the scan marks it done."""
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_open", "kind", "done_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    ledger_id: Mapped[str] = mapped_column(String(200), nullable=False)
    row_id: Mapped[str] = mapped_column(String(200), nullable=False)
    number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    detail: Mapped[str] = mapped_column(Text, nullable=False)
    actor: Mapped[str] = mapped_column(String(100), nullable=False)
    decided_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=False)
    done_at: Mapped[object] = mapped_column(UTCDateTime(), nullable=True)


class ChangeCounter(Base):
    """A counter bumped by every transaction that writes ticket states or row snapshots, stamped on the rows
    it writes: a reader (the dashboard's cache) asks "what changed since N" without trusting any clock. The
    bump locks the row until commit, so values become visible in the order they were handed out."""
    __tablename__ = "change_counters"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False)
