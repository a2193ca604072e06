"""What the scan tests share: ticket states made the way the sync cycle makes them, a real SMTP server, PDFs."""
from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import datetime

import pypdf

from domain.calendar import WorkCalendar
from smtp_support import smtp  # noqa: F401  (re-exported for the scan tests)
from domain.workflow import Round, Ticket, decide
from jobs.clock import to_utc
from store.tickets import TicketStateRecord

ZONE = "Asia/Shanghai"
CAL = WorkCalendar.official()


def utc(local: datetime) -> datetime:
    return to_utc(local, ZONE)


@dataclass
class Row:
    """One ledger row as the cycle sees it: typed facts plus the round it remembers."""
    row_id: str
    number: str
    ticket: Ticket
    rnd: Round = field(default_factory=Round)
    returns: int = 0

    def update(self, **facts) -> None:
        self.ticket = replace(self.ticket, **facts)


def states(profile, rows, now_local, ledger="台账") -> dict:
    """{(ledger, row_id): TicketStateRecord} as the cycle leaves them at `now_local` (workflow.decide)."""
    out = {}
    for r in rows:
        d = decide(profile, CAL, r.ticket, r.rnd, now_local)
        r.rnd = d.round
        state = {
            "number": r.number, "unit": r.ticket.unit, "round": d.round.number,
            "returned": d.round.returned.isoformat() if d.round.returned else None,
            "received": r.ticket.received.isoformat(), "category": r.ticket.category,
            "dues": {m: due.at.isoformat() for m, due in d.dues.items()}, "stage": d.stage, "status": d.status,
            "overdue": list(d.overdue), "due_soon": list(d.due_soon),
            "flags": [{"kind": f.kind, "message": f.message} for f in d.flags], "errors": False,
        }
        out[(ledger, r.row_id)] = TicketStateRecord(ledger, r.row_id, r.number, r.ticket.unit, d.status, state)
    return out


def snapshot(store, rows, now_local, ledger="台账", **cells) -> None:
    """The row cells the cycle records (matter, contact, complaint target), so notices can state the matter."""
    store.record_rows(ledger, {r.row_id: {"诉求编号": r.number, "主要诉求": cells.get("matter", "厂区门口道路破损"),
                                          "联系人": "张三丰", "联系电话": "13912345678",
                                          "投诉对象": cells.get("target", "")} for r in rows}, utc(now_local))


def pdf_text(msg) -> str:
    [att] = [a for a in msg.iter_attachments() if a.get_content_type() == "application/pdf"]
    reader = pypdf.PdfReader(io.BytesIO(att.get_content()))
    return "".join("".join(p.extract_text().split()) for p in reader.pages)


def body_text(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def letters(server) -> list:
    """(recipients, message) of the supervision letters (they carry a PDF), leaving reminders out."""
    return [(to, m) for to, m in server.messages if not m["Subject"].startswith(("【即将到期】", "【每日待办】"))]


def reminders(server) -> list:
    return [m["Subject"] for _, m in server.messages if m["Subject"].startswith("【即将到期】")]
