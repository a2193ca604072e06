"""Reminders to handlers: a due-soon mail per ticket milestone and a morning digest per unit, via the outbox."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

import jinja2

from domain import reminders as rem
from domain.calendar import WorkCalendar
from domain.escalation import lateness
from domain.profiles import Profile
from jobs.clock import cell, to_local, to_utc

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "mail"


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
                              autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _render(name: str, subject: str, **values) -> tuple[str, str]:
    text = _env().get_template(f"{name}.txt.j2").render(subject=subject, **values)
    html = _env().get_template(f"{name}.html.j2").render(subject=subject, **values)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n", html


def _aware(now: datetime) -> datetime:
    return now.astimezone(timezone.utc) if now.tzinfo else now.replace(tzinfo=timezone.utc)


def _units(units: Mapping) -> dict:
    from jobs.scan import as_units
    return as_units(units)


def _issuer_name(issuer) -> str:
    return getattr(issuer, "name", None) or str(issuer or "")


def queue_due_soon(store, profile: Profile, calendar: WorkCalendar, views, units: Mapping, now: datetime, *,
                   issuer="", queued: set | None = None) -> int:
    """Queue one due-soon reminder per ticket, milestone and round (its outbox key makes it once-only), held
    back to the next send time when now is a rest day or outside the profile's send hours. Returns how many."""
    from jobs.scan import outbox_keys
    now_utc = _aware(now)
    zone = profile.timezone
    local = to_local(now_utc, zone)
    units = _units(units)
    queued = outbox_keys(store) if queued is None else queued
    slot = rem.next_send_time(calendar, profile.reminders, local)
    not_before = to_utc(slot, zone) if slot else None
    n = 0
    for r in rem.due_soon_reminders(views, queued):
        unit = units.get(r.unit)
        if unit is None or not unit.handler_email:
            continue            # the scan flags units without an address
        label = profile.milestone_labels.get(r.milestone, r.milestone)
        subject = f"【即将到期】诉求{r.ticket} {label}时限 {cell(r.due)}"
        text, html = _render("due_soon", subject, r=dict(
            ticket=r.ticket, unit=r.unit, handler=unit.handler, label=label, due=cell(r.due), round=r.round,
            issuer=_issuer_name(issuer)))
        if store.outbox_enqueue(r.key, {"to": [unit.handler_email], "subject": subject, "text": text, "html": html},
                                now=now_utc, not_before=not_before):
            n += 1
    return n


@dataclass
class DigestReport:
    """What a morning-digest run queued: unit names, and why nothing went when nothing did."""
    units: list
    skipped: str = ""


def morning_digest(store, profile: Profile, calendar: WorkCalendar, states: Mapping, units: Mapping,
                   now: datetime, *, issuer="") -> DigestReport:
    """On a working day, queue each unit's digest (due today, due on the next working day, overdue) once per
    unit and day, not before the first send hour. On a rest day nothing is queued."""
    from domain.escalation import view_from_state
    now_utc = _aware(now)
    zone = profile.timezone
    local = to_local(now_utc, zone)
    if profile.reminders.working_days_only and not rem._working(calendar, local.date()):
        return DigestReport([], skipped="休息日不发送 / rest day")
    units = _units(units)
    views = [v for (lid, rid), s in states.items()
             if (v := view_from_state(lid, rid, s.number, s.unit, s.status, s.state or {})) is not None]
    slot = rem.next_send_time(calendar, profile.reminders, local)
    not_before = to_utc(slot, zone) if slot else None
    sent = []
    for name, d in sorted(rem.digests(calendar, views, local).items()):
        unit = units.get(name)
        if unit is None or not unit.handler_email:
            continue
        day_text = f"{d.day.year}年{d.day.month}月{d.day.day}日"
        sections = [dict(title=title, lines=[dict(ticket=l.ticket, round=l.round, due=cell(l.due),
                                                  label=profile.milestone_labels.get(l.milestone, l.milestone),
                                                  late=lateness(calendar, l.due, local)) for l in lines])
                    for title, lines in (("已超期", d.overdue), ("今日到期", d.due_today),
                                         (f"下一工作日（{d.next_day.month}月{d.next_day.day}日）到期", d.due_next))
                    if lines]
        count = len(d.overdue) + len(d.due_today) + len(d.due_next)
        subject = f"【每日待办】{name} {day_text} 超期{len(d.overdue)}件 今日到期{len(d.due_today)}件"
        text, html = _render("digest", subject, d=dict(unit=name, handler=unit.handler, day_text=day_text,
                                                       issuer=_issuer_name(issuer), sections=sections, count=count))
        if store.outbox_enqueue(rem.digest_key(name, d.day), {"to": [unit.handler_email], "subject": subject,
                                                              "text": text, "html": html},
                                now=now_utc, not_before=not_before):
            sent.append(name)
    return DigestReport(sent)


def run_digest(cfg, store, now: datetime) -> DigestReport:
    """The morning-digest job: the 承办单位 directory and 工作日历 from the ledgers, ticket states from the store."""
    import profiles
    from jobs.district import build_calendar, open_ledgers, read_all, unit_directory
    from jobs.scan import issuer_for
    profile = profiles.load(cfg.profile)
    reads = read_all(open_ledgers(cfg))
    calendar = build_calendar(reads)[0]
    return morning_digest(store, profile, calendar, store.ticket_states(), unit_directory(reads), now,
                          issuer=issuer_for(profile).name)
