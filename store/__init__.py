"""The service's state store (SQLAlchemy: SQLite or PostgreSQL): numbering, row snapshots, events, outbox,
notices, lights, flags, job runs, leases and intake submissions. Open with `Store(url)`."""
from store.activity import JobRunRecord, Submission
from store.changes import TicketChanges
from store.db import StoreError
from store.facade import Store
from store.ledger_state import ROW, CycleRecord, EventRecord
from store.marks import Mark, Reservation
from store.numbering import IssuedNotice, NumberRequest, format_number
from store.outbox import OutboxItem
from store.supervision import FlagRecord, LightRecord
from store.tickets import TicketStateRecord
from store.web_state import DecisionRecord, UserRecord

__all__ = ["Store", "StoreError", "NumberRequest", "IssuedNotice", "OutboxItem", "EventRecord", "CycleRecord",
           "LightRecord", "FlagRecord", "JobRunRecord", "Submission", "ROW", "format_number",
           "TicketStateRecord", "UserRecord", "DecisionRecord", "Mark", "Reservation", "TicketChanges"]
