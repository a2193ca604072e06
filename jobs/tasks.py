"""The functions the scheduler runs (referenced by text in jobs/schedule.py); each takes the config path,
loads what it needs, and records its run in the store."""
from __future__ import annotations

import logging
from contextlib import contextmanager

log = logging.getLogger(__name__)


@contextmanager
def _job(job_id: str, config_path):
    """Config and store for one job run, with the run recorded (and its error kept) in the store."""
    import config as config_module
    from jobs import clock
    from store import Store
    cfg = config_module.load(config_path)
    now = clock.parse_now(None, cfg.timezone)
    with Store.from_config(cfg) as store:
        run = store.job_run_start(job_id, now)
        try:
            yield cfg, store, now
        except Exception as exc:
            store.job_run_finish(run, clock.parse_now(None, cfg.timezone), "failed", f"{type(exc).__name__}: {exc}")
            log.exception("job %s failed", job_id)
            raise
        store.job_run_finish(run, clock.parse_now(None, cfg.timezone), "ok")


def sync(config_path=None):
    from jobs.cycle import run_cycle
    with _job("sync", config_path) as (cfg, store, now):
        log.info(run_cycle(cfg, now=now, store=store).summary())


def scan(config_path=None):
    from jobs.cycle import run_cycle
    with _job("scan", config_path) as (cfg, store, now):
        log.info(run_cycle(cfg, now=now, store=store, escalate=True).summary())
        deliver(cfg, store, now)


def run_requested_cycles(config_path=None):
    """A cycle now if the webhook asked for one since the last (requests coalesce into one cycle)."""
    import config as config_module
    from store import Store
    with Store.from_config(config_module.load(config_path)) as store:
        if not store.take_cycle_requests():
            return
    sync(config_path)


def deliver_outbox(config_path=None):
    with _job("outbox", config_path) as (cfg, store, now):
        deliver(cfg, store, now)


def deliver(cfg, store, now):
    """Send what the outbox holds that is due, through the configured transport."""
    import mail
    transport = mail.transport_from_config(cfg.mail, cfg.var_dir)
    return mail.deliver(store, transport, now, sender=cfg.mail.sender)


def morning_digest(config_path=None):
    """Each unit's digest on working days (jobs/reminders.py); the outbox job sends it from the first send hour."""
    from jobs.reminders import run_digest
    with _job("morning-digest", config_path) as (cfg, store, now):
        report = run_digest(cfg, store, now)
        log.info("morning digest: %s", report.units or report.skipped or "nothing due")


def calendar_check(config_path=None):
    """From 1 November, while next year's holidays are missing: a cycle keeps the coordinators' flag fresh on
    the dashboard, and the coordinators ([report] recipients) get one reminder mail a day."""
    from jobs.cycle import run_cycle
    with _job("calendar-check", config_path) as (cfg, store, now):
        report = run_cycle(cfg, now=now, store=store)
        queue_calendar_reminder(cfg, store, now, report.missing_next_year)
        deliver(cfg, store, now)


def queue_calendar_reminder(cfg, store, now, missing_year) -> bool:
    """One mail per day to the coordinators while `missing_year` lacks holiday data; False when none is due."""
    from jobs import clock
    if not missing_year or not cfg.report.recipients:
        return False
    today = clock.to_local(now, cfg.timezone).date()
    text = (f"工作日历尚无{missing_year}年节假日安排。国务院办公厅通知发布后，请在台账的“工作日历”工作表中录入"
            f"{missing_year}年的放假(休)和调休上班(班)日期；在此之前，期限跨入{missing_year}年的诉求显示“待定”。")
    return store.outbox_enqueue(f"calendar|{missing_year}|{today.isoformat()}", {
        "to": list(cfg.report.recipients), "cc": [], "subject": f"【提醒】请录入{missing_year}年节假日安排",
        "text": text, "html": f"<p>{text}</p>", "attachments": []}, now=now)

def monthly_bulletin(config_path=None, now=None) -> dict | None:
    """On the first working day of a month (by the calendar: holidays and 调休): last month's bulletin
    (xlsx + PDF) written under the report directory and queued once by mail to [report] recipients (outbox
    key bulletin|YYYY-MM); on other days nothing. `now` (aware) is for tests. Returns what it did."""
    with _job("monthly-bulletin", config_path) as (cfg, store, job_now):
        return bulletin_if_due(cfg, store, now or job_now)


def bulletin_if_due(cfg, store, now) -> dict | None:
    from reports import bulletin, service
    from reports.frames import frames_from_store
    _, profile, cal = service.context(cfg, store)
    period = service.due_bulletin(now.astimezone(cfg.tz).date(), cal)
    if period is None:
        return None
    b = bulletin.build(frames_from_store(store), period, profile=profile, calendar=cal)
    files = bulletin.write_files(b, service.out_dir(cfg))
    key = f"bulletin|{period.start:%Y-%m}"
    queued = False
    if cfg.report.recipients:
        queued = store.outbox_enqueue(key, service.bulletin_message(b, cfg.report.recipients, files), now=now)
    else:
        log.warning("bulletin %s written but not mailed: [report] recipients is empty", key)
    return {"period": period.label, "files": [str(f) for f in files], "key": key, "queued": queued}
