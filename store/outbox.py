"""The mail outbox: each message recorded once under its key, claimed atomically, sent or failed."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, func, or_, select, update

from store.base import StoreBase, chunks
from store.models import OutboxAttachment, OutboxMessage

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
STATUSES = (QUEUED, SENDING, SENT, FAILED)


@dataclass(frozen=True)
class OutboxItem:
    """One outbox message. `attachments` are dicts {filename, content_type, size, data}; `data` is None
    in outbox_list() unless asked for (claim always loads it)."""
    id: int
    key: str
    to: list[str]
    cc: list[str]
    subject: str
    text: str | None
    html: str | None
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str | None
    permanent: bool
    attachments: list[dict] = field(default_factory=list)


def check_message(message: dict) -> None:
    """ValueError (Chinese and English) unless the dict has the outbox message shape: to, cc, subject, text,
    html, attachments [{filename, content_type, data}]."""
    problems = []
    to = message.get("to")
    if not isinstance(to, list) or not to or not all(isinstance(a, str) and a.strip() for a in to):
        problems.append("to 必须是非空的收件人地址列表 / 'to' must be a non-empty list of addresses")
    cc = message.get("cc", [])
    if not isinstance(cc, list) or not all(isinstance(a, str) for a in cc):
        problems.append("cc 必须是地址列表 / 'cc' must be a list of addresses")
    if not isinstance(message.get("subject"), str) or not message["subject"].strip():
        problems.append("subject 不能为空 / 'subject' is required")
    if not (message.get("text") or message.get("html")):
        problems.append("text 或 html 至少要有一个 / 'text' or 'html' is required")
    for i, a in enumerate(message.get("attachments") or []):
        if not isinstance(a, dict) or not a.get("filename") or not isinstance(a.get("data"), (bytes, bytearray)):
            problems.append(f"attachments[{i}] 需要 filename 和 data (bytes) / attachment needs filename and bytes")
    unknown = set(message) - {"to", "cc", "subject", "text", "html", "attachments"}
    if unknown:
        problems.append(f"未知字段 / unknown keys: {', '.join(sorted(unknown))}")
    if problems:
        raise ValueError("; ".join(problems))


def _claimable(t, now: datetime, stale_before: datetime):
    # Transient failures wait for their retry time; a 'sending' left by a crashed worker is taken back
    # once stale, so a message is never lost (the sender may see it twice in that rare case).
    return or_(and_(t.c.status.in_((QUEUED, FAILED)), t.c.permanent.is_(False), t.c.next_attempt_at <= now),
               and_(t.c.status == SENDING, t.c.claimed_at <= stale_before))


class OutboxMixin(StoreBase):

    def outbox_enqueue(self, key: str, message: dict, *, now: datetime | None = None,
                       not_before: datetime | None = None) -> bool:
        """Record `message` under `key`; False (and nothing changed) when the key was recorded before.
        `not_before` holds it back (e.g. until the next working morning)."""
        check_message(message)
        now = now or datetime.now(timezone.utc)
        t, a = OutboxMessage.__table__, OutboxAttachment.__table__
        values = dict(key=key, to_addrs=json.dumps(message["to"], ensure_ascii=False),
                      cc_addrs=json.dumps(message.get("cc") or [], ensure_ascii=False),
                      subject=message["subject"], text=message.get("text"), html=message.get("html"),
                      status=QUEUED, attempts=0, created_at=now, next_attempt_at=not_before or now,
                      permanent=False)
        with self._tx() as conn:
            stmt = (self._insert(t).values(**values).on_conflict_do_nothing(index_elements=[t.c.key])
                    .returning(t.c.id))
            new_id = conn.execute(stmt).scalar_one_or_none()
            if new_id is None:
                return False
            atts = [dict(message_id=new_id, position=i, filename=x["filename"],
                         content_type=x.get("content_type") or "application/octet-stream", data=bytes(x["data"]))
                    for i, x in enumerate(message.get("attachments") or [])]
            if atts:
                conn.execute(a.insert(), atts)
            return True

    def outbox_claim(self, now: datetime, limit: int = 20, *, stale_after_seconds: int = 600) -> list[OutboxItem]:
        """Mark up to `limit` due messages 'sending' (attempts + 1) and return them; two workers calling at
        once never get the same message."""
        t = OutboxMessage.__table__
        stale_before = now - timedelta(seconds=stale_after_seconds)
        cond = _claimable(t, now, stale_before)
        claimed = []
        with self._tx() as conn:
            ids = conn.execute(select(t.c.id).where(cond).order_by(t.c.next_attempt_at, t.c.id)
                               .limit(limit)).scalars().all()
            for i in ids:
                # The condition is checked again by the UPDATE itself: under PostgreSQL's READ COMMITTED a
                # concurrent claimer that got there first leaves rowcount 0 here.
                res = conn.execute(update(t).where(t.c.id == i, cond)
                                   .values(status=SENDING, claimed_at=now, attempts=t.c.attempts + 1))
                if res.rowcount == 1:
                    claimed.append(i)
            return self._outbox_load(conn, claimed, with_data=True)

    def outbox_sent(self, id: int, now: datetime) -> None:
        """Record a successful delivery."""
        t = OutboxMessage.__table__
        with self._tx() as conn:
            conn.execute(update(t).where(t.c.id == id)
                         .values(status=SENT, sent_at=now, last_error=None, next_attempt_at=None))

    def outbox_failed(self, id: int, now: datetime, error: str, permanent: bool,
                      retry_at: datetime | None = None) -> None:
        """Record a failed attempt: permanent failures wait for a person; others are tried again at
        `retry_at` (default: now)."""
        t = OutboxMessage.__table__
        with self._tx() as conn:
            conn.execute(update(t).where(t.c.id == id).values(
                status=FAILED, last_error=error, permanent=bool(permanent),
                next_attempt_at=None if permanent else (retry_at or now)))

    def outbox_retry(self, id: int | None = None, *, now: datetime | None = None) -> int:
        """Queue failed messages (one, or all, permanent ones included) for sending now; returns how many."""
        now = now or datetime.now(timezone.utc)
        t = OutboxMessage.__table__
        stmt = update(t).where(t.c.status == FAILED)
        if id is not None:
            stmt = stmt.where(t.c.id == id)
        with self._tx() as conn:
            return conn.execute(stmt.values(status=QUEUED, permanent=False, next_attempt_at=now)).rowcount

    def outbox_list(self, status: str | None = None, *, with_data: bool = False) -> list[OutboxItem]:
        """Messages, oldest first, optionally only those with `status` (queued, sending, sent, failed)."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"未知状态 {status!r}，可选: {', '.join(STATUSES)} / unknown status")
        t = OutboxMessage.__table__
        stmt = select(t.c.id).order_by(t.c.id)
        if status is not None:
            stmt = stmt.where(t.c.status == status)
        with self._read() as conn:
            return self._outbox_load(conn, conn.execute(stmt).scalars().all(), with_data=with_data)

    def outbox_get(self, id: int) -> OutboxItem | None:
        """One message with its attachments' bytes."""
        with self._read() as conn:
            items = self._outbox_load(conn, [id], with_data=True)
        return items[0] if items else None

    def _outbox_load(self, conn, ids, with_data: bool) -> list[OutboxItem]:
        t, a = OutboxMessage.__table__, OutboxAttachment.__table__
        rows, atts = {}, {}
        for part in chunks(ids):
            for r in conn.execute(select(t).where(t.c.id.in_(part))).mappings():
                rows[r["id"]] = r
            cols = [a.c.message_id, a.c.filename, a.c.content_type, func.length(a.c.data).label("size")]
            if with_data:
                cols.append(a.c.data)
            for r in conn.execute(select(*cols).where(a.c.message_id.in_(part)).order_by(a.c.position)).mappings():
                atts.setdefault(r["message_id"], []).append(
                    dict(filename=r["filename"], content_type=r["content_type"],
                         data=bytes(r["data"]) if with_data else None,
                         size=r["size"]))
        out = []
        for i in ids:
            r = rows.get(i)
            if r is None:
                continue
            out.append(OutboxItem(id=r["id"], key=r["key"], to=json.loads(r["to_addrs"]), cc=json.loads(r["cc_addrs"]),
                                  subject=r["subject"], text=r["text"], html=r["html"], status=r["status"],
                                  attempts=r["attempts"], created_at=r["created_at"],
                                  next_attempt_at=r["next_attempt_at"], sent_at=r["sent_at"],
                                  last_error=r["last_error"], permanent=r["permanent"],
                                  attachments=atts.get(i, [])))
        return out
