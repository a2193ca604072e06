"""Deadline engine: from a profile, a ticket's category and received time, every milestone's due time.

Times are Asia/Shanghai wall-clock. Naive datetimes are taken as local time and answers are naive;
a tz-aware `received` is converted to the profile's timezone and answers carry that timezone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from domain.calendar import WorkCalendar
from domain.profiles import Limit, Profile

END_OF_DAY = time(23, 59, 59)  # an end-of-day deadline ends at 23:59:59 local time


@dataclass(frozen=True)
class Due:
    """When a milestone falls due, and one Chinese line saying how that was reached."""
    at: datetime
    explain: str


class DeadlineError(ValueError):
    """Bad input to the engine (unknown category, missing problem type, bad round...); `zh` and `en`."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


# ------------------------------------------------------------------------------------------------
# One period from one start.

def _tail(cutoff: time | None) -> str:
    return f"{cutoff:%H:%M}前" if cutoff else "当日结束前"


def due_after(calendar: WorkCalendar, limit: Limit, start: datetime, *, origin: str = "受理") -> Due:
    """When `limit` counted from `start` ends. `origin` names the start in the explanation
    (受理 receipt, 退回 return, 发函 a notice)."""
    start, tz = _to_local(start)
    at, text = _due_naive(calendar, limit, start, origin)
    return Due(at.replace(tzinfo=tz) if tz else at, text)


def _due_naive(calendar: WorkCalendar, limit: Limit, start: datetime, origin: str) -> tuple[datetime, str]:
    d = start.date()
    if limit.kind == "immediate":
        return start, f"即时办结({origin}时 {start:%Y-%m-%d %H:%M})"
    if limit.kind == "hours":
        at = start + timedelta(hours=limit.amount)
        return at, f"{origin}后{limit.amount}小时内({at:%Y-%m-%d %H:%M}前,按自然小时计)"
    if limit.kind == "working_days":
        target = calendar.add_working_days(d, limit.amount)
        if calendar.is_working_day(d):
            head = f"{origin}次日起"
        else:
            head = f"{origin}日({calendar.describe(d)})非工作日,自其后首个工作日起"
        return (datetime.combine(target, limit.cutoff or END_OF_DAY),
                f"{head}第{limit.amount}个工作日({calendar.describe(target)}){_tail(limit.cutoff)}")
    if limit.kind == "calendar_days":
        target = calendar.add_calendar_days(d, limit.amount)
        nominal = d + timedelta(days=limit.amount)
        text = f"{origin}次日起{limit.amount}日"
        if target == nominal:
            text += f",至{calendar.describe(target)}{_tail(limit.cutoff)}"
        else:
            text += (f",期满日({calendar.describe(nominal)})为休息日,依民法典第203条顺延至"
                     f"{calendar.describe(target)}{_tail(limit.cutoff)}")
        return datetime.combine(target, limit.cutoff or END_OF_DAY), text
    raise ValueError(f"unknown limit kind {limit.kind!r}")


def due_in_calendar_days(calendar: WorkCalendar, start: datetime, days: int, *, origin: str = "发出") -> Due:
    """An "N 日内" period (e.g. zaoyang's 督办单: 5 days), rolled to the next working day (art. 203)."""
    return due_after(calendar, Limit("calendar_days", days), start, origin=origin)


def due_in_working_days(calendar: WorkCalendar, start: datetime, days: int, cutoff: time | None = None,
                        *, origin: str = "受理") -> Due:
    """N working days counted from the day after `start`, ending at `cutoff` or end of day."""
    return due_after(calendar, Limit("working_days", days, cutoff), start, origin=origin)


def is_overdue(due_at: datetime, now: datetime) -> bool:
    """True once `now` is past the due moment (feedback at exactly the due moment is on time)."""
    return now > due_at


def due_soon(calendar: WorkCalendar, due_at: datetime, now: datetime, within_working_days: int) -> bool:
    """Not yet overdue, and due today or within the next `within_working_days` working days."""
    if is_overdue(due_at, now):
        return False
    now_l, _ = _to_local(now)
    due_l, _ = _to_local(due_at)
    return calendar.count_working_days(now_l.date(), due_l.date()) <= within_working_days


# ------------------------------------------------------------------------------------------------
# A ticket's milestones.

def _unit(limit: Limit) -> str:
    return {"working_days": "个工作日", "calendar_days": "日", "hours": "小时"}[limit.kind]


def extended_limit(profile: Profile, limit: Limit, extension_days: int | None = None) -> tuple[Limit, str]:
    """`limit` lengthened by the profile's approved-extension rule; returns it and a Chinese prefix.
    `extension_days` is the approved extra length (in the limit's own unit) when the approval names one."""
    ext = profile.extension
    if ext is None:
        raise DeadlineError(f"{profile.name}没有延期规定", f"profile {profile.id} has no extension rule")
    if limit.kind == "immediate":
        raise DeadlineError("即时办理事项不适用延期", "an immediate limit cannot be extended")
    if extension_days is not None and (isinstance(extension_days, bool) or extension_days < 1):
        raise DeadlineError("延期天数应为正整数", "extension length must be a positive integer")
    unit = _unit(limit)
    if ext.rule == "total":
        if limit.kind != "working_days":
            raise DeadlineError("延期总时限只适用于工作日时限", "a total extension applies to working-day limits only")
        most = ext.working_days - limit.amount
        extra = most if extension_days is None else extension_days
        if extra > most or most < 1:
            raise DeadlineError(f"延期后总时限不得超过{ext.working_days}个工作日(最多延{max(most, 0)}个工作日)",
                                f"extension limited to {ext.working_days} working days in total (at most {max(most, 0)} more)")
        return limit.scaled(limit.amount + extra), f"延期至共{limit.amount + extra}{unit}(含原{limit.amount}{unit})"
    if ext.rule == "multiple":
        most = ext.factor * limit.amount
        extra = most if extension_days is None else extension_days
        if extra > most:
            raise DeadlineError(f"延长时限不得超过原办理时限的{ext.factor}倍(最多{most}{unit})",
                                f"extension may not exceed {ext.factor}x the original limit ({most} {limit.kind})")
        return limit.scaled(limit.amount + extra), f"延期{extra}{unit}(不超过原时限{ext.factor}倍),共{limit.amount + extra}{unit}"
    extra = ext.factor * limit.amount if extension_days is None else extension_days
    how = "经批准" if extension_days is not None else f"经批准(未写明期限,按原时限{ext.factor}倍)"
    return limit.scaled(limit.amount + extra), f"{how}延期{extra}{unit},共{limit.amount + extra}{unit}"


def plan(profile: Profile, *, category: str, problem_type: str | None = None, extended: bool = False,
         round: int = 1, returned: bool = False, extension_days: int | None = None
         ) -> dict[str, tuple[Limit, str, str]]:
    """Which limit applies to each milestone: {name: (limit, origin word, explanation prefix)}.
    Validates the inputs against the profile; shared by the scalar and the vectorised engines."""
    if category not in profile.categories:
        raise DeadlineError(f"诉求类别“{category}”不是{profile.name}的类别(可选: {'、'.join(profile.categories)})",
                            f"unknown category {category!r} for profile {profile.id} (known: {', '.join(profile.categories)})")
    if problem_type and problem_type not in profile.problem_types:
        known = "、".join(profile.problem_types) or "无"
        raise DeadlineError(f"问题类型“{problem_type}”不是{profile.name}的问题类型(可选: {known})",
                            f"unknown problem type {problem_type!r} for profile {profile.id} "
                            f"(known: {', '.join(profile.problem_types) or 'none'})")
    rule = profile.rule_for(category, problem_type)
    if rule is None:
        raise DeadlineError(f"{profile.name}须填写问题类型({'、'.join(profile.problem_types)})",
                            f"profile {profile.id} needs a problem type ({', '.join(profile.problem_types)})")
    if isinstance(round, bool) or not isinstance(round, (int, np.integer)) or round < 1:
        raise DeadlineError("办理轮次应为正整数", "round must be a positive integer")
    if round > profile.redo.max_rounds:
        raise DeadlineError(f"{profile.name}最多办理{profile.redo.max_rounds}轮,第{round}轮不存在({profile.redo.text})",
                            f"profile {profile.id} allows at most {profile.redo.max_rounds} rounds, got {round}")
    if round == 1:
        if returned:
            raise DeadlineError("第1轮不应有退回时间(--returned 只用于 --round 2 及以后)",
                                "a return time is only for round 2 or later")
        out = {name: (limit, "受理", "") for name, limit in rule.milestones.items()}
        if extended:
            limit, prefix = extended_limit(profile, rule.milestones["resolve"], extension_days)
            out["resolve"] = (limit, "受理", prefix + ": ")
        elif extension_days is not None:
            raise DeadlineError("给出延期天数时须同时声明已批准延期(--extended)",
                                "an extension length needs --extended")
        return out
    if not returned:
        raise DeadlineError(f"第{round}轮须给出退回重新办理的时间", f"round {round} needs the return time (--returned)")
    if extended or extension_days is not None:
        raise DeadlineError("延期只适用于第1轮办理", "an extension applies to round 1 only")
    limit = profile.redo.limit or rule.milestones["resolve"]
    same = "" if profile.redo.limit else "时限同首次,"
    return {"resolve": (limit, "退回", f"第{round}轮重新办理({same}{limit.describe()}): ")}


def compute(profile: Profile, calendar: WorkCalendar, *, category: str, problem_type: str | None = None,
            received: datetime, extended: bool = False, round: int = 1, returned: datetime | None = None,
            extension_days: int | None = None) -> dict[str, Due]:
    """Every milestone's due time for one ticket. Round 1 counts from `received`; round 2+ gives only
    `resolve`, counted from `returned`. `extended` applies the profile's approved extension to `resolve`."""
    steps = plan(profile, category=category, problem_type=problem_type, extended=extended, round=round,
                 returned=returned is not None, extension_days=extension_days)
    received_l, tz = _to_local(received, profile.timezone)
    start = received_l
    if returned is not None:
        start, _ = _to_local(returned, profile.timezone)
        if start < received_l:
            raise DeadlineError("退回时间早于受理时间", "the return time is before the received time")
    out = {}
    for name, (limit, origin, prefix) in steps.items():
        at, text = _due_naive(calendar, limit, start, origin)
        out[name] = Due(at.replace(tzinfo=tz) if tz else at, prefix + text)
    return out


def _to_local(dt: datetime, zone: str = "Asia/Shanghai"):
    """(naive local datetime, tzinfo or None): aware inputs are converted to the local zone."""
    if isinstance(dt, date) and not isinstance(dt, datetime):
        raise TypeError("expected a datetime, got a date")
    if dt.tzinfo is None:
        return dt, None
    tz = ZoneInfo(zone)
    return dt.astimezone(tz).replace(tzinfo=None), tz


# ------------------------------------------------------------------------------------------------
# Vectorised: many tickets at once (the scan, metrics, the benchmark).

_OPTIONAL = ("problem_type", "extended", "round", "returned", "extension_days")


def compute_frame(profile: Profile, calendar: WorkCalendar, tickets: pd.DataFrame,
                  milestones: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Due times for many tickets. `tickets` has columns category, received (naive local datetimes) and
    optionally problem_type, extended, round, returned, extension_days. Returns one datetime64 column per
    milestone (NaT where a ticket has no such milestone), same index; same answers as `compute`."""
    names = milestones or profile.milestone_names
    n = len(tickets)
    out = {m: np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]") for m in names}
    if n == 0:
        return pd.DataFrame(out, index=tickets.index)
    received = pd.to_datetime(tickets["received"]).to_numpy(dtype="datetime64[ns]")
    keys = ["category"] + [c for c in _OPTIONAL if c in tickets.columns and c != "returned"]
    key_frame = tickets[keys].copy()  # empty cells group together (dropna=False); _missing() maps them to None
    has_returned = tickets["returned"].notna().to_numpy() if "returned" in tickets.columns else np.zeros(n, bool)
    key_frame["_returned"] = has_returned
    returned = (pd.to_datetime(tickets["returned"]).to_numpy(dtype="datetime64[ns]")
                if "returned" in tickets.columns else received)
    groups = key_frame.groupby(list(key_frame.columns), sort=False, dropna=False, observed=True).indices
    for key, rows in groups.items():
        values = {c: (None if _missing(v) else v)
                  for c, v in zip(key_frame.columns, key if isinstance(key, tuple) else (key,))}
        try:
            steps = plan(profile, category=values["category"], problem_type=values.get("problem_type"),
                         extended=bool(values.get("extended") or False), round=int(values.get("round") or 1),
                         returned=bool(values["_returned"]),
                         extension_days=None if values.get("extension_days") is None else int(values["extension_days"]))
        except DeadlineError as exc:
            row = tickets.index[rows[0]]
            raise DeadlineError(f"第{row}行: {exc.zh}", f"row {row}: {exc.en}") from exc
        for name, (limit, origin, _) in steps.items():
            if name not in out:
                continue
            start = (returned if origin == "退回" else received)[rows]
            if origin == "退回" and (start < received[rows]).any():
                raise DeadlineError("退回时间早于受理时间", "the return time is before the received time")
            out[name][rows] = _due_array(calendar, limit, start)
    return pd.DataFrame(out, index=tickets.index)


def _missing(value) -> bool:
    """Group keys come back as NaN where the cell was empty."""
    return value is None or (isinstance(value, float) and value != value)


def _due_array(calendar: WorkCalendar, limit: Limit, start: np.ndarray) -> np.ndarray:
    if limit.kind == "immediate":
        return start
    if limit.kind == "hours":
        return start + np.timedelta64(limit.amount, "h")
    days = start.astype("datetime64[D]")
    if limit.kind == "working_days":
        target = calendar.add_working_days_array(days, limit.amount)
    else:
        target = calendar.add_calendar_days_array(days, limit.amount)
    t = limit.cutoff or END_OF_DAY
    return target.astype("datetime64[ns]") + np.timedelta64(t.hour * 3600 + t.minute * 60 + t.second, "s")


def due_soon_array(calendar: WorkCalendar, due_at, now: datetime, within_working_days: int) -> np.ndarray:
    """Vectorised due_soon over naive local due times (NaT is never due soon)."""
    due = pd.to_datetime(pd.Series(due_at)).to_numpy(dtype="datetime64[ns]")
    now_l, _ = _to_local(now)
    pending = ~np.isnat(due) & (due >= np.datetime64(now_l, "ns"))
    result = np.zeros(len(due), dtype=bool)
    if pending.any():
        start = np.full(int(pending.sum()), np.datetime64(now_l.date(), "D"))
        result[pending] = calendar.count_working_days_array(start, due[pending].astype("datetime64[D]")) \
            <= within_working_days
    return result
