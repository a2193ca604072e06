"""Every scheduled job, declared as data with a stable id (the id is the job store's key: never rename one)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class JobSpec:
    """One job: what runs (a textual reference, so the persistent job store can reload it), when, and how
    missed runs are treated."""
    id: str
    func: str
    trigger: str                      # "interval" or "cron"
    trigger_args: dict = field(default_factory=dict)
    # A run missed by less than this (seconds) still happens; later than that it is skipped, since the
    # next regular run does the same work.
    misfire_grace_time: int = 60
    # Several missed runs of the same job collapse into one: every job here is idempotent and works on
    # current state, so running it twice in a row only wastes quota.
    coalesce: bool = True


def jobs(sync_minutes: int = 5) -> list[JobSpec]:
    """The deployment's jobs. Cut-off scans run just after 12:00 and just after midnight, when the
    profiles' noon and end-of-day deadlines pass; jobs that must only act on working days check the
    calendar themselves (cron cannot know 调休)."""
    return [
        JobSpec("sync", "jobs.tasks:sync", "interval", {"minutes": sync_minutes},
                misfire_grace_time=sync_minutes * 60 // 2),
        JobSpec("scan-noon", "jobs.tasks:scan", "cron", {"hour": 12, "minute": 1},
                misfire_grace_time=3600),
        JobSpec("scan-midnight", "jobs.tasks:scan", "cron", {"hour": 0, "minute": 1},
                misfire_grace_time=3600),
        JobSpec("outbox", "jobs.tasks:deliver_outbox", "interval", {"minutes": 1},
                misfire_grace_time=60),
        # Cycles the spreadsheet webhook asked for (POST /hooks/sheets): seconds after an edit, not minutes.
        JobSpec("cycle-requests", "jobs.tasks:run_requested_cycles", "interval", {"seconds": 15},
                misfire_grace_time=15),
        JobSpec("morning-digest", "jobs.tasks:morning_digest", "cron", {"hour": 8, "minute": 30},
                misfire_grace_time=2 * 3600),
        JobSpec("calendar-check", "jobs.tasks:calendar_check", "cron", {"hour": 9, "minute": 0},
                misfire_grace_time=6 * 3600),
        # Runs on each of the first days of the month; the task sends only on the first working day.
        JobSpec("monthly-bulletin", "jobs.tasks:monthly_bulletin", "cron",
                {"day": "1-10", "hour": 9, "minute": 30}, misfire_grace_time=6 * 3600),
    ]
