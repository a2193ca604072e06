"""Scheduled task functions: each takes the config path (a plain string the job store can persist)."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

log = logging.getLogger(__name__)


def monthly_bulletin(config_path: str | None, now: datetime | None = None) -> dict | None:
    """On the first working day of a month: last month's bulletin (xlsx + PDF) written under the report
    directory and queued once by mail to [report] recipients (outbox key bulletin|YYYY-MM); on other days
    nothing. Returns what it did, for the job log and tests."""
    import config as config_module
    from reports import bulletin, service

    cfg = config_module.load(config_path)
    now = now or datetime.now(timezone.utc)
    store, profile, cal = service.context(cfg)
    today = now.astimezone(cfg.tz).date()
    period = service.due_bulletin(today, cal)
    if period is None:
        return None
    from reports.frames import frames_from_store
    b = bulletin.build(frames_from_store(store), period, profile=profile, calendar=cal)
    files = bulletin.write_files(b, service.out_dir(cfg))
    key = f"bulletin|{period.start:%Y-%m}"
    queued = False
    if cfg.report.recipients:
        queued = store.outbox_enqueue(key, service.bulletin_message(b, cfg.report.recipients, files), now=now)
    else:
        log.warning("bulletin %s written but not mailed: [report] recipients is empty", key)
    return {"period": period.label, "files": [str(f) for f in files], "key": key, "queued": queued}
