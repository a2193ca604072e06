"""From the deployment's config to a bulletin: opens the store, the profile and the calendar once."""
from __future__ import annotations

from pathlib import Path

from domain.metrics import Period
from reports import bulletin
from reports.frames import frames_from_store


def out_dir(cfg) -> Path:
    """Where bulletin files go: [report] out_dir, else var_dir/reports."""
    return cfg.report.out_dir or Path(cfg.var_dir) / "reports"


def context(cfg, store=None):
    """(store, profile, calendar) for cfg; the calendar is the official one (State Council holidays, 调休)."""
    from domain.calendar import WorkCalendar
    from profiles import load
    from store import Store
    return (store or Store.from_config(cfg)), load(cfg.profile), WorkCalendar.official()


def build_for(cfg, period: Period, *, as_of=None, store=None, progress=None) -> bulletin.Bulletin:
    """The period's bulletin from what the store holds now."""
    store, profile, cal = context(cfg, store)
    return bulletin.build(frames_from_store(store), period, profile=profile, calendar=cal, as_of=as_of,
                          progress=progress)


def produce_for(cfg, period: Period, directory=None, *, as_of=None, store=None, progress=None):
    """Writes the period's xlsx and PDF under directory (default out_dir(cfg)); returns both paths."""
    store, profile, cal = context(cfg, store)
    return bulletin.produce(frames_from_store(store), period, directory or out_dir(cfg), profile=profile,
                            calendar=cal, as_of=as_of, progress=progress)


def first_working_day(year: int, month: int, calendar):
    """The month's first working day by the calendar (holidays and 调休 included)."""
    from datetime import date, timedelta
    d = date(year, month, 1)
    while not calendar.is_working_day(d):
        d += timedelta(days=1)
    return d


def due_bulletin(today, calendar) -> Period | None:
    """Last month's period when today is this month's first working day, else None."""
    from datetime import timedelta
    if today != first_working_day(today.year, today.month, calendar):
        return None
    prev = today.replace(day=1) - timedelta(days=1)
    return Period.month(prev.year, prev.month)


def bulletin_message(b: bulletin.Bulletin, recipients, files) -> dict:
    """The outbox message carrying the bulletin's files to the coordinators."""
    import mimetypes
    text = (f"各位:\n\n附件为{b.title},含统计表(xlsx)与图表(PDF),数据截至 {b.as_of:%Y-%m-%d %H:%M}。\n"
            f"本期受理诉求 {int(b.metrics['district']['received'].iloc[0])} 件,"
            f"办结 {int(b.metrics['district']['closed'].iloc[0])} 件。\n\n(本邮件由接诉即办系统自动发送)")
    attachments = [{"filename": Path(f).name,
                    "content_type": mimetypes.guess_type(str(f))[0] or "application/octet-stream",
                    "data": Path(f).read_bytes()} for f in files]
    return {"to": list(recipients), "subject": b.title, "text": text, "attachments": attachments}
