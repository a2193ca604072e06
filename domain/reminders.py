"""Which reminders go to handlers and when mail may go out: due-soon reminders, morning digests, send hours (pure)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable

from domain.calendar import UnknownYearError, WorkCalendar
from domain.escalation import TicketView
from domain.profiles import Reminders


def is_send_time(calendar: WorkCalendar, reminders: Reminders, now: datetime) -> bool:
    """Mail may go out now: a working day (when the profile says so), between the first send hour and the
    end of the last one (send_hours = [9, 15]: 09:00-15:59)."""
    hours = reminders.send_hours or (9,)
    if reminders.working_days_only and not _working(calendar, now.date()):
        return False
    return min(hours) <= now.hour <= max(hours)


def next_send_time(calendar: WorkCalendar, reminders: Reminders, now: datetime) -> datetime | None:
    """None when mail may go out now; else the next allowed moment (the next working morning's first hour)."""
    if is_send_time(calendar, reminders, now):
        return None
    first = time(min(reminders.send_hours or (9,)))
    d = now.date()
    if now.time() >= first or (reminders.working_days_only and not _working(calendar, d)):
        d += timedelta(days=1)
    for _ in range(40):   # the longest holiday run is well under 40 days
        if not reminders.working_days_only or _working(calendar, d):
            return datetime.combine(d, first)
        d += timedelta(days=1)
    return datetime.combine(d, first)


def _working(calendar: WorkCalendar, d: date) -> bool:
    try:
        return calendar.is_working_day(d)
    except UnknownYearError:
        return d.weekday() < 5   # an unknown year: weekdays, until the calendar is filled in


def next_working_day(calendar: WorkCalendar, d: date) -> date:
    d += timedelta(days=1)
    while not _working(calendar, d):
        d += timedelta(days=1)
    return d


@dataclass(frozen=True)
class DueSoon:
    """One due-soon reminder: sent once per ticket, milestone and round."""
    key: str
    ticket: str
    unit: str
    milestone: str
    round: int
    due: datetime
    row: tuple[str, str]


def due_soon_key(ticket: str, milestone: str, round: int) -> str:
    return f"{ticket}|due_soon|{milestone}|{round}"


def due_soon_reminders(views: Iterable[TicketView], done: set[str] | frozenset = frozenset()) -> list[DueSoon]:
    """A reminder for every milestone the cycle marked due soon whose key is not in `done`."""
    out = []
    for v in views:
        if v.closed:
            continue
        for m in v.due_soon:
            due = v.dues.get(m)
            key = due_soon_key(v.number, m, v.round)
            if due is not None and key not in done:
                out.append(DueSoon(key, v.number, v.unit, m, v.round, due, v.key))
    return out


@dataclass(frozen=True)
class Line:
    """One ticket milestone in a digest."""
    ticket: str
    milestone: str
    due: datetime
    round: int = 1


@dataclass
class Digest:
    """A unit's morning digest: what falls due today, on the next working day, and what is overdue."""
    unit: str
    day: date
    next_day: date
    due_today: list[Line] = field(default_factory=list)
    due_next: list[Line] = field(default_factory=list)
    overdue: list[Line] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.due_today or self.due_next or self.overdue)


def digest_key(unit: str, day: date) -> str:
    return f"digest|{unit}|{day.isoformat()}"


def digests(calendar: WorkCalendar, views: Iterable[TicketView], now: datetime) -> dict[str, Digest]:
    """Per unit, the open milestones due today or on the next working day, and those overdue (not done in
    this round, as the cycle decided). Empty on a rest day: digests go out on working days only."""
    today = now.date()
    if not _working(calendar, today):
        return {}
    nxt = next_working_day(calendar, today)
    out: dict[str, Digest] = {}
    for v in views:
        if v.closed:
            continue
        # Only open milestones: the cycle lists in `overdue` and `due_soon` none that is done this round.
        for m in v.overdue + v.due_soon:
            due = v.dues.get(m)
            if due is None:
                continue
            if m in v.overdue:
                bucket = "overdue"
            elif due.date() <= today:
                bucket = "due_today"
            elif due.date() <= nxt:
                bucket = "due_next"
            else:
                continue
            d = out.setdefault(v.unit, Digest(v.unit, today, nxt))
            getattr(d, bucket).append(Line(v.number, m, due, v.round))
    for d in out.values():
        for lines in (d.due_today, d.due_next, d.overdue):
            lines.sort(key=lambda l: (l.due, l.ticket))
    return {u: d for u, d in out.items() if not d.empty}
