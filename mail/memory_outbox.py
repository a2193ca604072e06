"""An in-memory outbox with the store's outbox API and semantics (embedded demo, tests of delivery)."""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from store.outbox import check_message  # the same message shape as the SQL outbox

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
STATUSES = (QUEUED, SENDING, SENT, FAILED)


@dataclass
class OutboxItem:
    """One message under its key, shaped like store.OutboxItem; `attempts` counts claims so far."""
    id: int
    key: str
    to: list
    cc: list
    subject: str
    text: str | None
    html: str | None
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None = None
    last_error: str | None = None
    permanent: bool = False
    attachments: list = field(default_factory=list)
    claimed_at: datetime | None = None

    @property
    def message(self) -> dict:
        """The message dict as it was enqueued."""
        return {"to": list(self.to), "cc": list(self.cc), "subject": self.subject, "text": self.text,
                "html": self.html, "attachments": [dict(a) for a in self.attachments]}


class MemoryOutbox:
    """Enqueue once per key, claim what is due (attempts + 1), then sent, or failed (retry or permanent).

    A message left 'sending' longer than `stale_after_seconds` (its sender crashed) is claimable again.
    """

    def __init__(self):
        self._items: dict[int, OutboxItem] = {}
        self._keys: dict[str, int] = {}
        self._lock = threading.Lock()

    def outbox_enqueue(self, key: str, message: dict, *, now: datetime | None = None,
                       not_before: datetime | None = None) -> bool:
        """Record a message once; False (and nothing changes) when the key is already there."""
        check_message(message)
        now = now or datetime.now(timezone.utc)
        with self._lock:
            if key in self._keys:
                return False
            item = OutboxItem(
                id=len(self._items) + 1, key=key, to=list(message["to"]), cc=list(message.get("cc") or []),
                subject=message["subject"], text=message.get("text"), html=message.get("html"),
                status=QUEUED, attempts=0, created_at=now, next_attempt_at=not_before or now,
                attachments=[{"filename": a["filename"],
                              "content_type": a.get("content_type") or "application/octet-stream",
                              "data": bytes(a["data"]), "size": len(a["data"])}
                             for a in message.get("attachments") or []])
            self._items[item.id] = item
            self._keys[key] = item.id
            return True

    def outbox_claim(self, now: datetime, limit: int = 20, *, stale_after_seconds: int = 600) -> list[OutboxItem]:
        """Mark up to `limit` due messages 'sending' and return copies, earliest due first."""
        stale_before = now - timedelta(seconds=stale_after_seconds)
        with self._lock:
            due = [i for i in self._items.values() if _claimable(i, now, stale_before)]
            due.sort(key=lambda i: (i.next_attempt_at or i.claimed_at, i.id))
            for item in due[:limit]:
                item.status, item.claimed_at, item.attempts = SENDING, now, item.attempts + 1
            return [copy.deepcopy(i) for i in due[:limit]]

    def outbox_sent(self, id: int, now: datetime) -> None:
        """Record a successful delivery."""
        with self._lock:
            self._items[id] = replace(self._items[id], status=SENT, sent_at=now, last_error=None,
                                      next_attempt_at=None)

    def outbox_failed(self, id: int, now: datetime, error: str, permanent: bool,
                      retry_at: datetime | None = None) -> None:
        """Permanent failures wait for a person; others are tried again at `retry_at` (default: now)."""
        with self._lock:
            self._items[id] = replace(self._items[id], status=FAILED, last_error=error, permanent=bool(permanent),
                                      next_attempt_at=None if permanent else (retry_at or now))

    def outbox_retry(self, id: int | None = None, *, now: datetime | None = None) -> int:
        """Queue failed messages (one, or all, permanent ones included) for sending now; how many."""
        now = now or datetime.now(timezone.utc)
        with self._lock:
            hit = [i for i in self._items.values() if i.status == FAILED and id in (None, i.id)]
            for i in hit:
                self._items[i.id] = replace(i, status=QUEUED, permanent=False, next_attempt_at=now)
            return len(hit)

    def outbox_list(self, status: str | None = None, *, with_data: bool = False) -> list[OutboxItem]:
        """Copies of the messages, oldest first, optionally only those with `status`."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"未知状态 {status!r}，可选: {', '.join(STATUSES)} / unknown status")
        with self._lock:
            out = [copy.deepcopy(i) for i in self._items.values() if status in (None, i.status)]
        if not with_data:
            for i in out:
                i.attachments = [{**a, "data": None} for a in i.attachments]
        return out

    def outbox_get(self, id: int) -> OutboxItem | None:
        """One message with its attachments' bytes."""
        with self._lock:
            item = self._items.get(id)
            return copy.deepcopy(item) if item else None


def _claimable(i: OutboxItem, now: datetime, stale_before: datetime) -> bool:
    if i.status in (QUEUED, FAILED) and not i.permanent:
        return i.next_attempt_at is not None and i.next_attempt_at <= now
    return i.status == SENDING and i.claimed_at is not None and i.claimed_at <= stale_before
