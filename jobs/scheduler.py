"""Runs the APScheduler 3.x scheduler in exactly one process per deployment, guarded by a lease in the store."""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timezone

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from jobs.schedule import jobs

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"


def build_scheduler(config, config_path: str | None) -> BackgroundScheduler:
    """A scheduler whose jobs persist in the state database, in the configured timezone."""
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=config.state.url, tablename="apscheduler_jobs")},
        job_defaults={"max_instances": 1},
        timezone=config.timezone,
    )


def add_jobs(scheduler, config, config_path: str | None) -> None:
    for spec in jobs(sync_minutes=config.scheduler.sync_interval_minutes):
        scheduler.add_job(
            spec.func, spec.trigger, args=[config_path], id=spec.id, name=spec.id,
            misfire_grace_time=spec.misfire_grace_time, coalesce=spec.coalesce,
            replace_existing=True, **spec.trigger_args,
        )


class LeasedScheduler:
    """Starts the scheduler only while this process holds the store's lease; a second process stands by
    and takes over when the first stops renewing (crash, shutdown)."""

    def __init__(self, config, config_path, store, ttl_seconds: int | None = None, holder: str | None = None):
        self.config, self.config_path, self.store = config, config_path, store
        self.ttl = ttl_seconds or config.scheduler.lease_ttl_seconds
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.scheduler = None
        self._stop = threading.Event()

    def tick(self, now: datetime | None = None) -> bool:
        """Renew or take the lease, start or stop the scheduler to match; returns whether we hold it."""
        now = now or datetime.now(timezone.utc)
        held = self.store.acquire_lease(LEASE_NAME, self.holder, self.ttl, now)
        if held and self.scheduler is None:
            self.scheduler = build_scheduler(self.config, self.config_path)
            add_jobs(self.scheduler, self.config, self.config_path)
            self.scheduler.start()
            log.info("scheduler started by %s", self.holder)
        elif not held and self.scheduler is not None:
            log.warning("lease lost by %s: stopping the scheduler", self.holder)
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        return held

    def run_forever(self) -> None:
        try:
            while not self._stop.is_set():
                self.tick()
                self._stop.wait(self.ttl / 3)
        finally:
            self.stop()

    def start_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="jiesu-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
        if self.scheduler is not None:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=True)
            self.scheduler = None
            self.store.release_lease(LEASE_NAME, self.holder)
