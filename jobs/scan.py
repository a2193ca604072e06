"""The scan step of the sync cycle: record lights and flags, issue and queue notices, and say what to write back."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from typing import Mapping

from sqlalchemy import select

from domain import escalation as esc
from domain.calendar import WorkCalendar
from domain.profiles import NOTICE_LABELS, Profile
from domain.reminders import next_send_time
from domain.workflow import STAGE_RETURNED
from jobs.clock import cell, to_local, to_utc
from notices.facts import NoticeError
from notices.render import FontsMissing

STATUS_HEADER, TEXT_HEADER = "督办状态", "督办情况"
# 督办记录 督办类型 for each flag action that has one (the sheet's list); other flags stay in the store.
FLAG_KINDS = {"interview_notice": "约谈通知书", "referral": "移送纪检监察"}


@dataclass(frozen=True)
class Unit:
    """One row of the 承办单位 directory: who handles mail for the unit and who heads it."""
    name: str
    handler: str = ""
    handler_email: str = ""
    head: str = ""
    head_email: str = ""


def units_from_rows(rows) -> dict[str, Unit]:
    """The directory from 承办单位 sheet rows ({header: value}, headers of sheets_schema.UNITS_SHEET)."""
    out = {}
    for r in rows:
        name = str(r.get("单位名称") or "").strip()
        if name:
            out[name] = Unit(name, _s(r.get("经办人")), _s(r.get("经办人邮箱")), _s(r.get("主要负责人")),
                             _s(r.get("负责人邮箱")))
    return out


def as_units(units: Mapping) -> dict[str, Unit]:
    """Accept Unit values, or the cycle's {name: {header: value}} rows of the 承办单位 sheet."""
    out = {}
    for name, u in units.items():
        if isinstance(u, Unit):
            out[name] = u
        else:
            out.update({name: v for v in units_from_rows([{"单位名称": name, **u}]).values()})
    return out


def _s(v) -> str:
    return str(v).strip() if v is not None else ""


@dataclass(frozen=True)
class Issuer:
    """Who signs the notices (发文机关), where replies go, the work plan cited, and a title per kind."""
    name: str
    reply_to: str | None = None
    basis: str | None = None
    titles: Mapping[str, str] = field(default_factory=dict)


def issuer_for(profile: Profile, name: str | None = None) -> Issuer:
    """The issuer with the profile's `[extra.notices]` reply_to, basis and titles (per notice kind); its name
    is `name`, else `[extra.notices] issuer`, else the district's business-environment office."""
    extra = (profile.extra or {}).get("notices") or {}
    name = name or extra.get("issuer") or f"{profile.name}营商环境工作办公室"
    return Issuer(name, reply_to=extra.get("reply_to"), basis=extra.get("basis"),
                  titles=dict(extra.get("titles") or {}))


@dataclass
class ScanResult:
    """What the cycle writes back (service cells per row, 督办记录 rows) and what happened, counted."""
    cells: dict = field(default_factory=dict)        # {(ledger_id, row_id): {header: value}}
    supervision_rows: list = field(default_factory=list)   # {header: value} rows for 督办记录
    counts: dict = field(default_factory=lambda: dict.fromkeys(
        ("yellow", "red", "notices", "flags", "events", "unaddressed", "reminders"), 0))

    @property
    def log_rows(self) -> list:
        """The 督办记录 rows (the name the cycle reads)."""
        return self.supervision_rows


def escalate(store, profile: Profile, calendar: WorkCalendar, states: Mapping, units: Mapping, now: datetime,
             *, issuer, send: bool = True) -> ScanResult:
    """Apply the profile's supervision at `now` (aware, or naive UTC) to the cycle's ticket states.

    Claim then act: each light, flag and notice is recorded in the store under its key first (a rerun finds
    it and does nothing); a notice is rendered and queued only when its mail is not in the outbox yet, so a
    crash between issuing and queueing is finished by the next scan. send=False records lights and flags but
    issues and queues no notice (they follow on the next scan with send=True)."""
    zone = profile.timezone
    now_utc = now.astimezone(timezone.utc) if now.tzinfo else now.replace(tzinfo=timezone.utc)
    local = to_local(now_utc, zone)
    issuer = issuer if isinstance(issuer, Issuer) else issuer_for(profile, str(issuer))
    units = as_units(units)

    history = load_history(store, zone)
    views, quiet = _views(store, profile, states, history)
    planned = esc.plan(profile, calendar, views, history, local)
    result = ScanResult()
    by_number = {v.number: v for v in views}

    for e in planned.events:
        if store.raise_flag(e.key, e.event, f"{esc.EVENT_LABELS.get(e.event, e.event)}：{e.message}",
                            to_utc(e.at, zone), ticket=e.ticket):
            result.counts["events"] += 1
    new_lights = []
    for l in planned.lights:
        if store.record_light(l.ticket, l.unit, l.light, l.milestone, to_utc(l.at, zone), round=l.round):
            result.counts[l.light] += 1
            new_lights.append(esc.PastLight(l.ticket, l.unit, l.light, l.milestone, l.round, l.at))
            result.supervision_rows.append(_row(local, l.ticket, l.unit, esc.LIGHT_LABELS[l.light], l.reason))
    for f in planned.flags:
        message = _with_head(f, units)
        if store.raise_flag(f.key, f.action, message, now_utc, ticket=f.ticket):
            result.counts["flags"] += 1
            if f.action in FLAG_KINDS:
                result.supervision_rows.append(_row(local, f.ticket or "", f.unit, FLAG_KINDS[f.action], message,
                                                    to="", status="待协调机构决定"))
    issued_now = []
    if send:
        snapshots = _Snapshots(store)
        slot = next_send_time(calendar, profile.reminders, local)
        not_before = to_utc(slot, zone) if slot else None
        for n in planned.notices:
            try:
                done = _notice(store, profile, calendar, n, units, issuer, snapshots, by_number.get(n.ticket),
                               now_utc, local, not_before, result)
            except (NoticeError, FontsMissing) as exc:
                # Issued but not queued: the next scan finishes it once the cause is fixed; the rest go on.
                store.raise_flag(f"notice_failed|{n.key}", "notice_failed",
                                 f"{NOTICE_LABELS.get(n.kind, n.kind)}（诉求{n.ticket}）无法生成：{exc}", now_utc,
                                 ticket=n.ticket)
                result.counts["failed"] = result.counts.get("failed", 0) + 1
                continue
            if done is not None:
                issued_now.append(done)

        for decision in store.decisions(kind="interview_notice", open_only=True):
            done = _decided_interview(store, profile, calendar, decision, units, issuer, snapshots, now_utc, local,
                                      not_before, result)
            if done is not None:
                issued_now.append(done)

        from jobs.reminders import queue_due_soon
        result.counts["reminders"] = queue_due_soon(store, profile, calendar, views, units, now_utc,
                                                    issuer=issuer)
    lights = history.lights + tuple(new_lights)
    notices = list(history.notices.values()) + issued_now
    result.cells = _display(profile, views, lights, notices)
    for key, status in quiet.items():
        result.cells[key] = {STATUS_HEADER: status, TEXT_HEADER: ""}
    return result


def _views(store, profile, states, history: esc.History):
    counts_returns = any(t.event == "shirking" for t in profile.supervision.triggers)
    returns = {}
    if counts_returns:
        for key, rec in states.items():
            if (rec.state or {}).get("stage") == STAGE_RETURNED:
                returns[key] = count_returns(store, *key)
    lit = frozenset(l.ticket for l in history.lights) | frozenset(n.ticket for n in history.notices.values())
    return esc.split_states(states.values(), lit, returns)


def count_returns(store, ledger_id: str, row_id: str) -> int:
    """How many times a unit filled in 回退原因 on this row (each new non-empty reason is one return)."""
    n = 0
    for e in store.events(ledger_id=ledger_id, row_id=row_id):
        if e.column == "回退原因" and e.new_value:
            n += 1
        elif e.column == "*" and e.new_value and '"回退原因"' in e.new_value:
            n += 1
    return n


def load_history(store, zone: str) -> esc.History:
    """Lights, notices (and whether their mail is queued), recorded events and raised flag keys, in local time."""
    lights = tuple(esc.PastLight(l.ticket, l.unit, l.light, l.milestone, l.round, to_local(l.at, zone))
                   for l in store.lights())
    queued = outbox_keys(store)
    notices = {n.key: esc.PastNotice(n.key, n.kind, n.number, n.ticket, n.unit, to_local(n.issued_at, zone),
                                     queued=n.key in queued) for n in store.notices()}
    flags = store.flags(open_only=False)
    events = []
    for f in flags:
        if f.key.startswith("event|"):
            _, event, unit, ticket, _n = f.key.split("|", 4)
            events.append(esc.PastEvent(f.key, event, unit, ticket, to_local(f.raised_at, zone)))
    return esc.History(lights, notices, tuple(events), frozenset(f.key for f in flags))


def transport_for(cfg):
    """The mail transport for a Config: SMTP when [mail] host is set, else the local mailbox under var_dir."""
    from mail import transport_from_config
    return transport_from_config(cfg.mail, cfg.var_dir)


def outbox_keys(store) -> set[str]:
    """Every key in the outbox, without loading the messages."""
    from store.models import OutboxMessage
    with store.engine.connect() as conn:
        return set(conn.execute(select(OutboxMessage.__table__.c.key)).scalars())


class _Snapshots:
    """Last seen cells per ledger, read once per ledger and only when a notice needs its matter."""

    def __init__(self, store):
        self.store, self.cache = store, {}

    def row(self, key) -> dict:
        if key is None:
            return {}
        ledger_id, row_id = key
        if ledger_id not in self.cache:
            self.cache[ledger_id] = self.store.snapshots(ledger_id)
        return self.cache[ledger_id].get(row_id, {})


def _notice(store, profile, calendar, n: esc.NoticeAction, units, issuer: Issuer, snapshots, view, now_utc,
            local, not_before, result: ScanResult):
    """Issue (claim) the notice, then build, render and queue it; returns the PastNotice when queued now."""
    from notices import build_notice, render
    from notices.mailing import queue_notice
    from notices.situations import situation

    unit = units.get(n.unit)
    if unit is None or not unit.handler_email:
        # Without an address nothing is issued: the next scan after the directory is fixed issues it.
        if store.raise_flag(f"no_address|{n.unit}", "unit_address",
                            f"承办单位“{n.unit}”在承办单位表中没有经办人邮箱，督办函件无法发送", now_utc):
            result.counts["flags"] += 1
        result.counts["unaddressed"] += 1
        return None
    if n.reply_by is None or n.kind not in profile.notice_number_formats:
        store.raise_flag(f"notice_config|{n.kind}", "notice_config",
                         f"无法生成{NOTICE_LABELS.get(n.kind, n.kind)}：缺少发文字号格式或工作日历", now_utc)
        return None
    issued = store.issue_notice(n.key, n.kind, profile.notice_number_formats[n.kind], to_utc(n.issued, profile.timezone),
                                year=n.issued.year, ticket=n.ticket, unit=n.unit)
    row = snapshots.row(n.row or (view.key if view else None))
    reply_to = issuer.reply_to or issuer.name
    label = profile.milestone_labels.get(n.milestone, "办结")
    if n.event == "overdue":
        text = situation("overdue", reply_to=reply_to, due=n.due, lateness=n.lateness, milestone=label)
    else:
        text = situation(n.event, reply_to=reply_to, due=view.dues.get("contact") if view else None,
                         count=n.count, received=view.received if view else None)
    demand = None
    if n.kind == "supervision_form" and n.limit is not None and n.limit.kind == "calendar_days":
        # "请于5日内": the period as the seed states it, even when art. 203 rolls the date forward.
        basis = f"根据{issuer.basis}规定，" if issuer.basis else ""
        demand = (f"{basis}现予以提醒并进行督办，请于{n.limit.amount}日内（{_zh_day(n.reply_by)}前）"
                  f"将办理结果向{reply_to}反馈。")
    received = view.received if view and view.received else n.issued
    notice = build_notice(
        n.kind, number=issued.number, issuer=issuer.name, addressee=n.unit, ticket_number=n.ticket,
        matter=row.get("主要诉求", ""), received=received, due=n.due, lateness=n.lateness,
        reply_by=n.reply_by, issued=n.issued.date(), situation=text, demand=demand,
        title=issuer.titles.get(n.kind), reply_to=reply_to, basis=issuer.basis,
        contact_name=row.get("联系人", ""), contact_phone=row.get("联系电话", ""),
        complained_units=[row["投诉对象"]] if row.get("投诉对象") else [], round=n.round)
    rendered = render(notice)
    cc = [unit.head_email] if n.kind == "rectification_notice" and unit.head_email else []
    if not queue_notice(store, n.key, rendered, [unit.handler_email], cc, now=now_utc, not_before=not_before):
        return None
    result.counts["notices"] += 1
    result.supervision_rows.append(_row(local, n.ticket, n.unit, NOTICE_LABELS[n.kind],
                                        f"{issued.number} {esc.EVENT_LABELS.get(n.event, n.event)}",
                                        reply_by=n.reply_by, to=unit.handler_email,
                                        status="已排队" if not_before is None else f"待{cell(to_local(not_before, profile.timezone))}发送"))
    return esc.PastNotice(n.key, n.kind, issued.number, n.ticket, n.unit, n.issued)


def _decided_interview(store, profile, calendar, decision, units, issuer: Issuer, snapshots, now_utc, local,
                       not_before, result: ScanResult):
    """A coordinator decided to summon a unit's head (约谈通知书, never automatic): issue it, queue it to the
    head (handler in copy), and mark the decision done. Claim then act, like every notice."""
    from notices import build_notice, render
    from notices.mailing import queue_notice
    kind = "interview_notice"
    unit = units.get(decision.unit or "")
    to = [e for e in ((unit.head_email or unit.handler_email) if unit else "",) if e]
    if kind not in profile.notice_number_formats or not to:
        store.raise_flag(f"decision|{decision.id}", "notice_config",
                         f"无法发出约谈通知书（诉求{decision.number}）：缺少发文字号格式或{decision.unit}的邮箱", now_utc,
                         ticket=decision.number)
        return None
    key = f"decision|{decision.id}|{kind}"
    reply_by = datetime.combine(calendar.add_working_days(local.date(), 3), time(17, 0))
    issued = store.issue_notice(key, kind, profile.notice_number_formats[kind], now_utc, year=local.year,
                                ticket=decision.number, unit=decision.unit)
    row = snapshots.row((decision.ledger_id, decision.row_id))
    reason = (decision.detail or {}).get("reason") or "办理中存在问题"
    notice = build_notice(
        kind, number=issued.number, issuer=issuer.name, addressee=decision.unit, ticket_number=decision.number,
        matter=row.get("主要诉求", ""), received=local, due=None, reply_by=reply_by,
        issued=local.date(), situation=f"经研究，贵单位在办理该诉求中存在以下问题：{reason}。",
        title=issuer.titles.get(kind), reply_to=issuer.reply_to or issuer.name, basis=issuer.basis,
        contact_name=row.get("联系人", ""), contact_phone=row.get("联系电话", ""),
        complained_units=[row["投诉对象"]] if row.get("投诉对象") else [])
    cc = [unit.handler_email] if unit.head_email and unit.handler_email else []
    queued = queue_notice(store, key, render(notice), to, cc, now=now_utc, not_before=not_before)
    store.decision_done(decision.id, now_utc)
    if not queued:
        return None
    result.counts["notices"] += 1
    result.supervision_rows.append(_row(local, decision.number or "", decision.unit, NOTICE_LABELS[kind],
                                        f"{issued.number} 协调机构决定约谈：{reason}", reply_by=reply_by,
                                        to=to[0], status="已排队"))
    return esc.PastNotice(key, kind, issued.number, decision.number, decision.unit, local)


def _zh_day(at: datetime) -> str:
    return f"{at.year}年{at.month}月{at.day}日"


def _with_head(f: esc.FlagAction, units) -> str:
    unit = units.get(f.unit)
    if f.action == "interview_notice" and unit and unit.head:
        return f"{f.message}（拟约谈主要负责人：{unit.head}）"
    return f.message


def _row(local, ticket, unit, kind, reason, *, reply_by=None, to="", status="已记录") -> dict:
    return {"记录时间": cell(local), "诉求编号": ticket, "承办单位": unit, "督办类型": kind, "事由": reason,
            "反馈期限": cell(reply_by) if reply_by else "", "发送对象": to, "状态": status}


def _display(profile, views, lights, notices) -> dict:
    by_ticket_l, by_ticket_n = {}, {}
    for l in lights:
        by_ticket_l.setdefault(l.ticket, []).append(l)
    for n in notices:
        if n.ticket:
            by_ticket_n.setdefault(n.ticket, []).append(n)
    cells = {}
    for v in views:
        status, text = esc.display(profile, v, by_ticket_l.get(v.number, ()), by_ticket_n.get(v.number, ()))
        cells[v.key] = {STATUS_HEADER: status, TEXT_HEADER: text}
    return cells
