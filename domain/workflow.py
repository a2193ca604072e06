"""A ticket's place in the seeds' workflow: round, milestone dues, status and coordinator flags, from what
people entered in the sheet and what the service remembered."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable

from domain.calendar import UnknownYearError, WorkCalendar
from domain.deadlines import DeadlineError, Due, compute, due_soon, is_overdue
from domain.profiles import Profile

# 督办状态 values the sync cycle writes (lights are added by the scan).
NORMAL, DUE_SOON, OVERDUE, CLOSED, PENDING = "正常", "即将到期", "已超期", "已办结", "待定"
EXCLUDED = "不予受理"

# Stages, for people (dashboard, progress lookup).
STAGE_UNDISPATCHED = "待派单"
STAGE_UNSIGNED = "待签收"
STAGE_RETURNED = "已回退待重新派单"
STAGE_HANDLING = "办理中"
STAGE_VISIT = "待回访"
STAGE_REDO = "重新办理"
STAGE_CLOSED = "已办结"
STAGE_EXCLUDED = "不予受理"

# Which typed time proves each milestone done: a later step implies the earlier ones.
_DONE_BY = {"contact": ("first_contact_at", "replied_at", "resolved_at"),
            "reply": ("replied_at", "resolved_at"),
            "resolve": ("resolved_at",)}


@dataclass(frozen=True)
class Ticket:
    """The typed facts of one ledger row that the workflow reads (parsed by sheets_schema)."""
    category: str
    received: datetime
    problem_type: str | None = None
    unit: str | None = None
    complaint_target: str | None = None
    exclusion_reason: str | None = None     # a coordinator's decision not to accept (不予受理), with why
    signed_at: datetime | None = None
    return_reason: str | None = None
    first_contact_at: datetime | None = None
    replied_at: datetime | None = None
    resolved_at: datetime | None = None
    extension_request: str | None = None
    extension_approval: str | None = None   # 同意 / 不同意
    extension_days: int | None = None
    visited_at: datetime | None = None
    rating: str | None = None


@dataclass(frozen=True)
class Round:
    """What the service remembers between cycles: the handling round and when it began."""
    number: int = 1
    returned: datetime | None = None
    last_visit_counted: datetime | None = None   # the unsatisfied visit that opened this round


@dataclass(frozen=True)
class Flag:
    """Something a coordinator must look at; `kind` is stable, `message` is for people."""
    kind: str
    message: str


@dataclass(frozen=True)
class Decision:
    round: Round
    dues: dict[str, Due] = field(default_factory=dict)
    status: str = NORMAL
    stage: str = STAGE_HANDLING
    overdue: tuple[str, ...] = ()
    due_soon: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    unknown_year: int | None = None


def milestone_done(ticket: Ticket, milestone: str, since: datetime | None = None) -> datetime | None:
    """When the milestone was done (in this round: after `since`), or None."""
    for attr in _DONE_BY.get(milestone, ()):
        at = getattr(ticket, attr)
        if at is not None and (since is None or at > since):
            return at
    return None


def next_round(profile: Profile, ticket: Ticket, current: Round) -> Round:
    """An unsatisfied return visit after the current round's result opens the next round (same day)."""
    visit, rating = ticket.visited_at, ticket.rating
    if visit is None or not rating or profile.is_satisfied(rating):
        return current
    if current.last_visit_counted is not None and visit <= current.last_visit_counted:
        return current
    if milestone_done(ticket, "resolve", current.returned) is None:
        return current          # a rating typed before the result is not a verdict on it
    if current.number >= profile.redo.max_rounds:
        return current
    return Round(current.number + 1, returned=visit, last_visit_counted=visit)


def deadline_inputs(profile: Profile, ticket: Ticket, rnd: Round) -> dict:
    """Everything a ticket's dues depend on (with the calendar): equal inputs give equal dues."""
    extended = ticket.extension_approval == "同意" and rnd.number == 1 and profile.extension is not None
    return dict(category=ticket.category, problem_type=ticket.problem_type, received=ticket.received,
                extended=extended, round=rnd.number, returned=rnd.returned,
                extension_days=ticket.extension_days if extended else None)


def soon_until(calendar: WorkCalendar, now: datetime, within_working_days: int):
    """The last day that counts as "due soon" at `now` (what deadlines.due_soon decides per ticket, once
    for all tickets), or None when that day lies in a year the calendar does not know."""
    try:
        return soon_until_strict(calendar, now.date(), within_working_days)
    except UnknownYearError:
        return None


def decide(profile: Profile, calendar: WorkCalendar, ticket: Ticket, current: Round, now: datetime, *,
           dues: dict[str, Due] | None = None, soon_limit=None) -> Decision:
    """Round, dues and status of one ticket at `now`; never raises for a calendar gap (it flags it).
    A cycle may pass `dues` it computed before for the same deadline_inputs, and `soon_limit` from
    soon_until(), to skip recomputing what has not changed."""
    rnd = next_round(profile, ticket, current)
    if ticket.exclusion_reason:
        # Recorded, numbered and told, but not handled: no limits, no supervision (DOMAIN "Acceptance").
        return Decision(rnd, {}, EXCLUDED, STAGE_EXCLUDED)
    flags = list(_flags(profile, ticket, rnd))
    try:
        if dues is None:
            dues = compute(profile, calendar, **deadline_inputs(profile, ticket, rnd))
    except UnknownYearError as exc:
        flags.append(Flag("calendar_missing", f"请在工作日历中录入{exc.year}年节假日安排"))
        return Decision(rnd, {}, PENDING, _stage(profile, ticket, rnd), flags=tuple(flags),
                        unknown_year=exc.year)
    except DeadlineError as exc:
        flags.append(Flag("deadline_input", exc.zh))
        return Decision(rnd, {}, PENDING, _stage(profile, ticket, rnd), flags=tuple(flags))

    stage = _stage(profile, ticket, rnd)
    if stage == STAGE_CLOSED:
        return Decision(rnd, dues, CLOSED, stage, flags=tuple(flags))
    since = rnd.returned
    late, soon = [], []
    for name, due in dues.items():
        if milestone_done(ticket, name, since) is not None:
            continue
        if is_overdue(due.at, now):
            late.append(name)
        elif soon_limit is not None:
            if due.at.date() <= soon_limit:
                soon.append(name)
        else:
            try:
                if due_soon(calendar, due.at, now, profile.reminders.due_soon_working_days):
                    soon.append(name)
            except UnknownYearError as exc:   # "due soon" may look past a known year's end
                flags.append(Flag("calendar_missing", f"请在工作日历中录入{exc.year}年节假日安排"))
    status = OVERDUE if late else DUE_SOON if soon else NORMAL
    return Decision(rnd, dues, status, stage, tuple(late), tuple(soon), tuple(flags))


def soon_begins(calendar: WorkCalendar, due_date: date, within_working_days: int) -> date | None:
    """The first day on which a due on `due_date` counts as due soon (soon_until() of that day reaches it),
    or None when working that out needs a year the calendar does not know."""
    # soon_until(day) never decreases as the day advances, so walk back from the due date (where it holds)
    # to the first day where it does not.
    day = due_date
    try:
        while soon_until_strict(calendar, day - timedelta(days=1), within_working_days) >= due_date:
            day -= timedelta(days=1)
    except UnknownYearError:
        return None
    return day


def soon_until_strict(calendar: WorkCalendar, day: date, within_working_days: int) -> date:
    """soon_until() for a day, raising UnknownYearError instead of answering None."""
    return calendar.add_working_days(day, within_working_days + 1) - timedelta(days=1)


def next_change(decision: Decision, ticket: Ticket, now: datetime,
                soon_begins_on: Callable[[date], date | None]) -> datetime | None:
    """The earliest moment at which decide() may answer differently for the same ticket, round, profile and
    calendar — a due passes, or "due soon" begins — or None when only an edit can change the answer.
    `soon_begins_on(due_date)` is soon_begins() with the calendar and profile bound (a cycle caches it)."""
    if decision.status in (CLOSED, EXCLUDED, PENDING):
        return None     # no time-driven status: only what people type (or the calendar) changes these
    since = decision.round.returned
    times = []
    for name, due in decision.dues.items():
        if name in decision.overdue or milestone_done(ticket, name, since) is not None:
            continue    # stays overdue, or done, until something is typed
        times.append(due.at)
        if name not in decision.due_soon:
            begins = soon_begins_on(due.at.date())
            if begins is None:
                return now    # the calendar cannot say yet: look again every cycle
            times.append(datetime.combine(begins, time()))
    return min(times) if times else None


def _stage(profile: Profile, ticket: Ticket, rnd: Round) -> str:
    if ticket.return_reason:
        return STAGE_RETURNED
    if not ticket.unit:
        return STAGE_UNDISPATCHED
    resolved = milestone_done(ticket, "resolve", rnd.returned)
    if resolved is not None:
        visit_counts = ticket.visited_at is not None and ticket.visited_at >= resolved
        if visit_counts and ticket.rating and profile.is_satisfied(ticket.rating):
            return STAGE_CLOSED
        if rnd.number >= profile.redo.max_rounds and visit_counts and ticket.rating:
            return STAGE_CLOSED    # unsatisfied after the last round: closed, and flagged for escalation
        return STAGE_VISIT
    if rnd.number > 1:
        return STAGE_REDO
    if ticket.signed_at is None and ticket.first_contact_at is None:
        return STAGE_UNSIGNED
    return STAGE_HANDLING


def _flags(profile: Profile, ticket: Ticket, rnd: Round):
    if ticket.unit and ticket.complaint_target and _same_unit(ticket.unit, ticket.complaint_target):
        yield Flag("self_complaint", f"投诉对象即承办单位“{ticket.unit}”，不得交其本单位办理，请重新派单")
    if ticket.return_reason:
        yield Flag("returned", f"承办单位回退：{ticket.return_reason}；请重新确定承办单位")
    if ticket.extension_request and not ticket.extension_approval:
        yield Flag("extension_pending", "承办单位申请延期，待审批")
    resolved = milestone_done(ticket, "resolve", rnd.returned)
    unsatisfied_again = (rnd.number >= profile.redo.max_rounds and resolved is not None
                         and ticket.visited_at is not None and ticket.visited_at >= resolved
                         and ticket.rating and not profile.is_satisfied(ticket.rating))
    if unsatisfied_again:
        yield Flag("unsatisfied_after_redo",
                   f"第{rnd.number}轮办理后回访仍不满意：{profile.redo.text or '请协调机构研究处理'}")


def _same_unit(unit: str, target: str) -> bool:
    """The complaint names the handling unit itself (either name contains the other)."""
    a, b = unit.strip(), target.strip()
    return bool(a and b) and (a in b or b in a)

