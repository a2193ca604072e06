"""What supervision does now: lights, notices, flags and the 督办状态 display, from ticket states and history (pure)."""
from __future__ import annotations

import calendar as _months
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Mapping

from domain.calendar import UnknownYearError, WorkCalendar
from domain.deadlines import due_after, is_overdue
from domain.profiles import NOTICE_KINDS, NOTICE_LABELS, Limit, Profile, Trigger
from domain.workflow import CLOSED, STAGE_CLOSED, STAGE_UNSIGNED

YELLOW, RED = "yellow", "red"
LIGHT_LABELS = {YELLOW: "黄灯", RED: "红灯"}
# Notices the scan sends by itself; every other action (约谈, 问责/移送, 审核反馈表 …) is a coordinator's
# decision, so the scan raises a flag for it and never acts alone.
SENT_BY_SCAN = ("reminder_letter", "supervision_form", "rectification_notice")
ACTION_LABELS = {**NOTICE_LABELS, "referral": "移送纪检监察/问责", "review_form": "不满意诉求审核反馈表",
                 "escalate_complex": "提级为疑难复杂工单", "supervision_office": "转督查室督办",
                 "second_handling": "二次办理", "bulletin": "通报批评"}
EVENT_LABELS = {"overdue": "超期未反馈", "yellow_light": "黄灯", "red_light": "红灯", "not_signed": "超时未签收",
                "repeat_request": "多次反映未办", "unsatisfied": "办理结果不满意", "shirking": "推诿扯皮(两次回退)",
                "improper_close_request": "申请办结不规范", "long_unresolved": "久拖不决"}
# Events the scan can see in ticket states; the rest (falsification, retaliation …) only a coordinator records.
TICKET_EVENTS = ("not_signed", "unsatisfied", "shirking", "long_unresolved")
LONG_UNRESOLVED = Limit("working_days", 10)


def notice_key(ticket: str, kind: str, milestone: str = "", round: int = 1) -> str:
    """The same key as notices.mailing.notice_key (kept here so the domain imports nothing with I/O)."""
    return f"{ticket}|{kind}|{milestone}|{round}"


# ------------------------------------------------------------------------------------------------
# Inputs.

@dataclass(frozen=True)
class TicketView:
    """What escalation reads of one numbered, dispatched ticket (built from the cycle's TicketStateRecord)."""
    ledger_id: str
    row_id: str
    number: str
    unit: str
    round: int = 1
    stage: str = ""
    status: str = ""
    received: datetime | None = None
    dues: Mapping[str, datetime] = field(default_factory=dict)
    overdue: tuple[str, ...] = ()     # milestones past due and not done in this round (the cycle decides)
    due_soon: tuple[str, ...] = ()
    unsatisfied: int = 0              # unsatisfied return visits on this ticket, all rounds
    returns: int = 0                  # times a unit sent it back as not its own (回退)

    @property
    def key(self) -> tuple[str, str]:
        return (self.ledger_id, self.row_id)

    @property
    def closed(self) -> bool:
        return self.stage == STAGE_CLOSED or self.status == CLOSED


def view_from_state(ledger_id: str, row_id: str, number: str | None, unit: str | None, status: str,
                    state: Mapping, returns: int = 0) -> TicketView | None:
    """A TicketView from a TicketStateRecord's fields; None when there is nothing to supervise yet
    (no number, no lead unit, or validation errors). Dues and received time are read only for a ticket with
    something overdue, due soon, unsatisfied or returned: nothing else needs them."""
    unit = unit or state.get("unit")
    number = number or state.get("number")
    if not number or not unit or state.get("errors"):
        return None
    rnd = state.get("round") or 1
    overdue, soon = state.get("overdue") or (), state.get("due_soon") or ()
    flags = state.get("flags")
    # Round n began with an unsatisfied visit, and the last round's unsatisfied visit is flagged.
    unsatisfied = (rnd - 1) + (1 if flags and any(f.get("kind") == "unsatisfied_after_redo" for f in flags) else 0)
    pressing = overdue or soon or unsatisfied or returns
    # Only a pressing ticket's times are read (parsing every due of 100,000 quiet tickets is the slow part).
    dues = {m: _dt(v) for m, v in (state.get("dues") or {}).items() if v} if pressing else {}
    return TicketView(
        ledger_id=ledger_id, row_id=row_id, number=number, unit=unit, round=rnd,
        stage=state.get("stage") or "", status=status or state.get("status") or "",
        received=_dt(state.get("received")) if pressing else None, dues=dues,
        overdue=tuple(overdue), due_soon=tuple(soon), unsatisfied=unsatisfied, returns=returns)


def split_states(records, lit=frozenset(), returns: Mapping | None = None):
    """(views, quiet): TicketViews of the tickets supervision must look at (something overdue, due soon,
    unsatisfied, returned, or a ticket with lights), and {(ledger_id, row_id): status} for the quiet rest,
    whose 督办状态 is the cycle's status and whose 督办情况 is empty. `records` have the fields of
    store.TicketStateRecord; building a view for each of 100,000 quiet tickets would cost most of a scan."""
    returns = returns or {}
    views, quiet = [], {}
    for r in records:
        key = (r.ledger_id, r.row_id)
        s = r.state or {}
        n = returns.get(key, 0)
        if not (s.get("overdue") or s.get("due_soon") or (s.get("round") or 1) > 1 or n
                or (r.number or s.get("number")) in lit):
            if (r.number or s.get("number")) and (r.unit or s.get("unit")) and not s.get("errors"):
                quiet[key] = r.status or s.get("status") or ""
            continue
        v = view_from_state(r.ledger_id, r.row_id, r.number, r.unit, r.status, s, n)
        if v is not None:
            views.append(v)
    return views, quiet


def _dt(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


@dataclass(frozen=True)
class PastLight:
    """A light already recorded (local wall time)."""
    ticket: str
    unit: str
    light: str
    milestone: str
    round: int
    at: datetime


@dataclass(frozen=True)
class PastNotice:
    """A notice already issued under `key` (local wall time); `queued` once its mail is in the outbox."""
    key: str
    kind: str
    number: str
    ticket: str | None
    unit: str | None
    issued_at: datetime
    queued: bool = True


@dataclass(frozen=True)
class PastEvent:
    """A detected supervision event already recorded (not_signed, shirking …) for counting per unit."""
    key: str
    event: str
    unit: str
    ticket: str
    at: datetime


@dataclass(frozen=True)
class History:
    """What supervision did before: lights, notices by key, recorded events, flag keys already raised."""
    lights: tuple[PastLight, ...] = ()
    notices: Mapping[str, PastNotice] = field(default_factory=dict)
    events: tuple[PastEvent, ...] = ()
    flags: frozenset = frozenset()


# ------------------------------------------------------------------------------------------------
# Outputs.

@dataclass(frozen=True)
class LightAction:
    """Record this light (an event, never erased)."""
    ticket: str
    unit: str
    light: str
    milestone: str
    round: int
    at: datetime
    reason: str
    row: tuple[str, str]


@dataclass(frozen=True)
class NoticeAction:
    """Issue (or, after a crash, finish queueing) this notice; `issued_at` is set when it was issued before."""
    key: str
    kind: str
    ticket: str
    unit: str
    milestone: str
    round: int
    event: str
    reply_by: datetime
    due: datetime | None
    lateness: str
    count: int
    issued: datetime                  # the issue moment: now, or when it was issued before
    row: tuple[str, str]
    letter: datetime | None = None    # the earlier letter a red-light notice refers to
    limit: Limit | None = None


@dataclass(frozen=True)
class EventAction:
    """Record a detected event so later scans can count it per unit within a window."""
    key: str
    event: str
    unit: str
    ticket: str
    at: datetime
    message: str


@dataclass(frozen=True)
class FlagAction:
    """A coordinator's decision is needed (约谈, 问责 referral, review form …)."""
    key: str
    action: str
    event: str
    unit: str
    ticket: str | None
    message: str
    row: tuple[str, str] | None = None


@dataclass
class Plan:
    lights: list[LightAction] = field(default_factory=list)
    notices: list[NoticeAction] = field(default_factory=list)
    events: list[EventAction] = field(default_factory=list)
    flags: list[FlagAction] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------
# The plan.

def plan(profile: Profile, calendar: WorkCalendar, views: Iterable[TicketView], history: History,
         now: datetime) -> Plan:
    """Everything supervision must do at `now` (naive local) that `history` shows not done yet.

    Feedback that stops escalation: the milestone is done in the current round (workflow.milestone_done
    after the round began), which the cycle shows by leaving it out of `overdue`; a closed ticket stops all."""
    sup = profile.supervision
    views = list(views)
    out = Plan()
    lights_by = _index_lights(history.lights)
    triggers = sup.triggers
    counted = {t.event for t in triggers}
    overdue_trigger = next((t for t in triggers if t.event == "overdue"), None)
    letter_kind = sup.overdue_notice
    letter_limit = (overdue_trigger.limit if overdue_trigger and overdue_trigger.limit
                    and overdue_trigger.action == letter_kind else sup.red_after)
    new_events: list[PastEvent] = []
    wants_ticket_events = bool(counted & set(TICKET_EVENTS))

    for v in views:
        if v.closed:
            if wants_ticket_events and v.unsatisfied:
                _ticket_events(profile, calendar, v, now, counted, history, out, new_events)
            continue
        if v.overdue:
            for m in v.overdue:
                _overdue(profile, calendar, v, m, now, lights_by, history, out, letter_kind, letter_limit)
        if wants_ticket_events:
            _ticket_events(profile, calendar, v, now, counted, history, out, new_events)

    _ticket_triggers(profile, calendar, views, history, now, out, new_events)
    _unit_triggers(profile, calendar, history, out, new_events, {v.number: v for v in views})
    return out


def _index_lights(lights) -> dict:
    return {(l.ticket, l.light, l.milestone, l.round): l for l in lights}


def _overdue(profile, calendar, v: TicketView, m: str, now, lights_by, history, out: Plan,
             letter_kind: str, letter_limit: Limit) -> None:
    label = profile.milestone_labels.get(m, m)
    due = v.dues.get(m)
    yellow = lights_by.get((v.number, YELLOW, m, v.round))
    yellow_at = yellow.at if yellow else now
    if yellow is None:
        out.lights.append(LightAction(v.number, v.unit, YELLOW, m, v.round, now,
                                      f"{label}超期未反馈", v.key))
    key = notice_key(v.number, letter_kind, m, v.round)
    past = history.notices.get(key)
    issued = past.issued_at if past else yellow_at
    reply_by = _safe_due(calendar, letter_limit, issued)
    if past is None or not past.queued:
        out.notices.append(NoticeAction(key, letter_kind, v.number, v.unit, m, v.round, "overdue", reply_by, due,
                                        lateness(calendar, due, now), 1, issued, v.key, limit=letter_limit))
    if (v.number, RED, m, v.round) in lights_by:
        return
    red_due = _safe_due(calendar, profile.supervision.red_after, issued)
    if red_due is not None and is_overdue(red_due, now):
        kind = NOTICE_LABELS.get(letter_kind, letter_kind)
        out.lights.append(LightAction(v.number, v.unit, RED, m, v.round, now,
                                      f"{label}超期，{kind}发出后仍未反馈", v.key))


def _safe_due(calendar, limit: Limit, start: datetime) -> datetime | None:
    try:
        return due_after(calendar, limit, start, origin="发函").at
    except UnknownYearError:
        return None


def lateness(calendar: WorkCalendar, due: datetime | None, now: datetime) -> str:
    """超期N个工作日, or 已超期 within the first working day; empty when not late or unknown."""
    if due is None or not is_overdue(due, now):
        return ""
    try:
        days = calendar.count_working_days(due.date(), now.date())
    except UnknownYearError:
        return "已超期"
    return f"超期{days}个工作日" if days >= 1 else "已超期"


def _ticket_events(profile, calendar, v: TicketView, now, counted, history, out: Plan, new_events) -> None:
    """Events seen on one ticket: not signed past its first due, returned twice, unsatisfied, long unresolved."""
    found = []
    if "not_signed" in counted and v.stage == STAGE_UNSIGNED and v.overdue:
        found.append(("not_signed", f"{v.unit}超时未签收"))
    if "shirking" in counted and v.returns >= 2:
        found.append(("shirking", f"{v.unit}{v.returns}次回退（推诿扯皮）"))
    if "unsatisfied" in counted and v.unsatisfied:
        found.append(("unsatisfied", f"第{v.round}轮办理后企业仍不满意（累计{v.unsatisfied}次）"))
    if "long_unresolved" in counted and "resolve" in v.overdue:
        limit = next((t.limit for t in profile.supervision.triggers if t.event == "long_unresolved" and t.limit),
                     LONG_UNRESOLVED)
        start = v.dues.get("resolve")
        limit_end = _safe_due(calendar, limit, start) if start else None
        if limit_end is not None and is_overdue(limit_end, now):
            found.append(("long_unresolved", f"办结超期{limit.describe()}仍未解决"))
    for event, message in found:
        n = v.unsatisfied if event == "unsatisfied" else 1
        key = f"event|{event}|{v.unit}|{v.number}|{n}"
        e = PastEvent(key, event, v.unit, v.number, now)
        new_events.append(e)
        if key not in history.flags:
            out.events.append(EventAction(key, event, v.unit, v.number, now, message))


def _ticket_triggers(profile, calendar, views, history, now, out: Plan, new_events) -> None:
    """Triggers on one ticket's own events: fire once the ticket has `count` of them (window "ticket"),
    or at each ticket event for count-1 rules on ticket-level events."""
    per_ticket: dict[tuple[str, str], int] = {}
    units = {}
    for e in new_events:
        if e.event in TICKET_EVENTS and e.event != "not_signed":
            n = int(e.key.rsplit("|", 1)[1])
            per_ticket[(e.ticket, e.event)] = max(per_ticket.get((e.ticket, e.event), 0), n)
            units[e.ticket] = e.unit
    rows = {v.number: v for v in views}
    for t in profile.supervision.triggers:
        if t.event not in TICKET_EVENTS or t.event == "not_signed":
            continue
        for (ticket, event), n in per_ticket.items():
            if event != t.event or n < t.count:
                continue
            v = rows.get(ticket)
            _act(profile, calendar, t, ticket, units[ticket], v, n, now, history, out, milestone=f"{event}{t.count}")


def _unit_triggers(profile, calendar, history: History, out: Plan, new_events, by_number) -> None:
    """Triggers counting events per unit within a window (two yellow lights in a month …)."""
    for t in profile.supervision.triggers:
        if t.count < 2 or t.window == "ticket":
            continue
        if t.event in ("yellow_light", "red_light"):
            light = YELLOW if t.event == "yellow_light" else RED
            past = [PastEvent(f"{l.ticket}|{l.milestone}-{l.round}", t.event, l.unit, l.ticket, l.at)
                    for l in history.lights if l.light == light]
            past += [PastEvent(f"{l.ticket}|{l.milestone}-{l.round}", t.event, l.unit, l.ticket, l.at)
                     for l in out.lights if l.light == light]
        elif t.event == "not_signed":
            past = [e for e in history.events if e.event == t.event]
            known = {e.key for e in past}
            past += [e for e in new_events if e.event == t.event and e.key not in known]
        else:
            continue
        by_unit: dict[str, list[PastEvent]] = {}
        for e in past:
            by_unit.setdefault(e.unit, []).append(e)
        for unit, events in by_unit.items():
            for group in groups(sorted(events, key=lambda e: (e.at, e.key)), t.count, t.window):
                last = group[-1]
                # The group is named by its last event (a light: ticket, milestone and round), never by the
                # ticket's current round, so a later round cannot make the same group act twice.
                tag = "" if t.event == "not_signed" else "@" + last.key.rsplit("|", 1)[1]
                _act(profile, calendar, t, last.ticket, unit, by_number.get(last.ticket), t.count, last.at,
                     history, out, milestone=f"{t.event}{t.count}{tag}", group=group)


def groups(events: list[PastEvent], count: int, window: str) -> list[list[PastEvent]]:
    """Consecutive groups of `count` events, each within `window` of its first ("month": a rolling month,
    up to the same day next month); an event starts a new group once a group is complete or too old."""
    done, current = [], []
    for e in events:
        while current and window == "month" and e.at >= add_month(current[0].at):
            current.pop(0)
        current.append(e)
        if len(current) >= count:
            done.append(current)
            current = []
    return done


def add_month(at: datetime) -> datetime:
    """The same day and time next month (the month's last day when it has no such day)."""
    y, m = (at.year + 1, 1) if at.month == 12 else (at.year, at.month + 1)
    return at.replace(year=y, month=m, day=min(at.day, _months.monthrange(y, m)[1]))


def _act(profile, calendar, t: Trigger, ticket: str, unit: str, v: TicketView | None, count: int, at: datetime,
         history: History, out: Plan, *, milestone: str, group=None) -> None:
    label = EVENT_LABELS.get(t.event, t.event)
    rnd = v.round if v else 1    # shown in the notice; keys use round 1: each trigger acts once per ticket/group
    if v is not None and t.event in ("shirking", "unsatisfied"):
        count = v.returns if t.event == "shirking" else v.unsatisfied
    row = v.key if v else None
    if t.action in SENT_BY_SCAN and t.action in NOTICE_KINDS:
        key = notice_key(ticket, t.action, milestone, 1)
        past = history.notices.get(key)
        if past is not None and past.queued:
            return
        issued = past.issued_at if past else at
        limit = t.limit or profile.supervision.red_after
        out.notices.append(NoticeAction(key, t.action, ticket, unit, milestone, rnd, t.event,
                                        reply_by=_safe_due(calendar, limit, issued), due=None, lateness="",
                                        count=count, issued=issued, row=row, limit=limit))
        return
    key = f"{t.action}|{unit}|{t.event}|{ticket}|{milestone}"
    if key in history.flags:
        return
    if group:
        when = "、".join(f"{_md(e.at)}（{e.ticket}）" for e in group)
        span = "1个月内" if t.window == "month" else ""
        message = f"{unit}{span}{count}次{label}：{when}；{t.text or ''}"
    else:
        message = f"{unit}：诉求{ticket}{label}（{count}次）；{t.text or ''}"
    out.flags.append(FlagAction(key, t.action, t.event, unit, ticket, message.rstrip("；"), row))


# ------------------------------------------------------------------------------------------------
# The display: 督办状态 and 督办情况.

def display(profile: Profile, v: TicketView, lights: Iterable[PastLight],
            notices: Iterable[PastNotice]) -> tuple[str, str]:
    """(督办状态, 督办情况) of one ticket: the current round's light while its milestone is still unfed
    back, else the cycle's status; the text lists this ticket's lights and notices briefly."""
    if not lights and not notices:
        return v.status, ""
    lights = [l for l in lights if l.ticket == v.number]
    status = v.status
    if not v.closed:
        current = {l.light for l in lights if l.round == v.round and l.milestone in v.overdue}
        if RED in current:
            status = LIGHT_LABELS[RED]
        elif YELLOW in current:
            status = LIGHT_LABELS[YELLOW]
    parts = []
    for l in sorted(lights, key=lambda l: (l.at, l.light != YELLOW)):
        label = profile.milestone_labels.get(l.milestone, l.milestone)
        rnd = f"第{l.round}轮" if l.round > 1 else ""
        parts.append(f"{_md(l.at)}{rnd}{label}超期亮{LIGHT_LABELS[l.light]}")
    for n in sorted(notices, key=lambda n: n.issued_at):
        parts.append(f"{_md(n.issued_at)}发{NOTICE_LABELS.get(n.kind, n.kind)}{n.number}")
    return status, "；".join(parts)


def _md(at: datetime) -> str:
    return f"{at.month}月{at.day}日"
