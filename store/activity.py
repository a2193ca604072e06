"""Job runs and intake submissions: what the scheduler did, and requests received before the sheet."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import desc, select, update

from store.base import StoreBase
from store.models import IntakeSubmission, JobRun


@dataclass(frozen=True)
class JobRunRecord:
    """One run of one scheduled job."""
    id: int
    job_id: str
    holder: str | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    error: str | None


@dataclass(frozen=True)
class Submission:
    """A request received from the web form or an import; `appended_at` is set once it is in the ledger."""
    id: int
    source_key: str | None
    received_at: datetime
    fields: dict
    number: str | None
    ledger_id: str | None
    row_id: str | None
    appended_at: datetime | None


_UNSET = object()


class ActivityMixin(StoreBase):

    def job_run_start(self, job_id: str, now: datetime, holder: str | None = None) -> int:
        """Record that a job started; returns the run id for job_run_finish."""
        t = JobRun.__table__
        with self._tx() as conn:
            return conn.execute(t.insert().values(job_id=job_id, holder=holder, started_at=now, status="running")
                                .returning(t.c.id)).scalar_one()

    def job_run_finish(self, run_id: int, now: datetime, status: str = "ok", error: str | None = None) -> None:
        """Record how a job run ended."""
        t = JobRun.__table__
        with self._tx() as conn:
            conn.execute(update(t).where(t.c.id == run_id).values(finished_at=now, status=status, error=error))

    def job_runs(self, job_id: str | None = None, limit: int = 50) -> list[JobRunRecord]:
        """Latest job runs, newest first."""
        t = JobRun.__table__
        stmt = select(t).order_by(desc(t.c.id)).limit(limit)
        if job_id is not None:
            stmt = stmt.where(t.c.job_id == job_id)
        with self._read() as conn:
            return [JobRunRecord(**r) for r in conn.execute(stmt).mappings()]

    def intake_add(self, fields: dict, now: datetime, source_key: str | None = None) -> tuple[int, bool]:
        """Keep a submission; with `source_key` (e.g. file digest + line) the same one is kept only once.
        Returns (id, created)."""
        t = IntakeSubmission.__table__
        values = dict(fields=json.dumps(fields, ensure_ascii=False, default=str), received_at=now,
                      source_key=source_key)
        with self._tx() as conn:
            if source_key is not None:
                new_id = conn.execute(self._insert(t).values(**values)
                                      .on_conflict_do_nothing(index_elements=[t.c.source_key])
                                      .returning(t.c.id)).scalar_one_or_none()
                if new_id is None:
                    return conn.execute(select(t.c.id).where(t.c.source_key == source_key)).scalar_one(), False
                return new_id, True
            return conn.execute(t.insert().values(**values).returning(t.c.id)).scalar_one(), True

    def intake_update(self, submission_id: int, *, number=_UNSET, ledger_id=_UNSET, row_id=_UNSET,
                      appended_at=_UNSET) -> None:
        """Record the number given and/or where and when the submission was appended to a ledger."""
        values = {k: v for k, v in dict(number=number, ledger_id=ledger_id, row_id=row_id,
                                         appended_at=appended_at).items() if v is not _UNSET}
        t = IntakeSubmission.__table__
        with self._tx() as conn:
            conn.execute(update(t).where(t.c.id == submission_id).values(**values))

    def intake_get(self, submission_id: int) -> Submission | None:
        t = IntakeSubmission.__table__
        with self._read() as conn:
            row = conn.execute(select(t).where(t.c.id == submission_id)).mappings().first()
        return _submission(row) if row else None

    def intake_unnumbered(self) -> list[Submission]:
        """Submissions already in a ledger that have no number yet (the cycle fills it in)."""
        t = IntakeSubmission.__table__
        with self._read() as conn:
            return [_submission(r) for r in conn.execute(
                select(t).where(t.c.appended_at.is_not(None), t.c.number.is_(None)).order_by(t.c.id)).mappings()]

    def intake_pending(self) -> list[Submission]:
        """Submissions not yet appended to a ledger, oldest first."""
        t = IntakeSubmission.__table__
        with self._read() as conn:
            return [_submission(r) for r in conn.execute(select(t).where(t.c.appended_at.is_(None))
                                                         .order_by(t.c.id)).mappings()]


def _submission(row) -> Submission:
    return Submission(**{**row, "fields": json.loads(row["fields"])})
