"""Exactly one scheduler per deployment: the store's lease decides which process runs the jobs."""
from datetime import datetime, timedelta, timezone

import config
from jobs.schedule import jobs
from jobs.scheduler import LeasedScheduler
from store import Store


def _cfg(tmp_path):
    (tmp_path / "jiesu.toml").write_text('[state]\nurl = "sqlite:///state.db"\n[scheduler]\nlease_ttl_seconds = 30\n',
                                         encoding="utf-8")
    return config.load(tmp_path / "jiesu.toml")


def test_job_ids_are_unique_and_stable():
    ids = [j.id for j in jobs()]
    assert len(ids) == len(set(ids))
    assert {"sync", "scan-noon", "scan-midnight", "outbox", "morning-digest", "monthly-bulletin"} <= set(ids)
    assert all(j.func.startswith("jobs.tasks:") for j in jobs())


def test_two_schedulers_started_together_run_the_jobs_once(tmp_path):
    cfg = _cfg(tmp_path)
    now = datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc)
    with Store(cfg.state.url) as s1, Store(cfg.state.url) as s2:
        a = LeasedScheduler(cfg, None, s1, holder="a")
        b = LeasedScheduler(cfg, None, s2, holder="b")
        try:
            assert a.tick(now) is True and b.tick(now) is False
            assert a.scheduler is not None and b.scheduler is None
            # the job store holds each job once, whoever added it
            assert sorted(j.id for j in a.scheduler.get_jobs()) == sorted(j.id for j in jobs())
            # a keeps renewing; b stays on standby
            assert a.tick(now + timedelta(seconds=10)) and not b.tick(now + timedelta(seconds=20))
            # a dies without releasing: b takes over only once the lease has run out
            a.scheduler.shutdown(wait=False)
            a.scheduler = None
            assert not b.tick(now + timedelta(seconds=39))
            assert b.tick(now + timedelta(seconds=41)) and b.scheduler is not None
            assert sorted(j.id for j in b.scheduler.get_jobs()) == sorted(j.id for j in jobs())
        finally:
            b.stop()
            a.stop()
