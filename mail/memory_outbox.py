"""An in-memory outbox with the store's outbox API (for the embedded demo and for tests of delivery)."""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"


@dataclass
class OutboxItem:
    """One message under its key. attempts counts claims, including the one in progress."""
    id: int
    key: str
    message: dict
    status: str = QUEUED
    attempts: int = 0
    created_at: datetime | None = None
    retry_at: datetime | None = None
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str = ""
    history: list = field(default_factory=list)


class MemoryOutbox:
    """Same contract as the SQL store: enqueue once per key, claim what is due, then sent or failed.

    A claimed item that is neither sent nor failed within `lease` (the sender crashed) is claimable again.
    """

    def __init__(self, lease: timedelta = timedelta(minutes=10)):
        self.lease = lease
        self._items: dict[int, OutboxItem] = {}
        self._keys: dict[str, int] = {}
        self._lock = threading.Lock()

    def outbox_enqueue(self, key: str, message: dict, now: datetime | None = None) -> bool:
        """Record a message once; False (and nothing changes) when the key is already there."""
        with self._lock:
            if key in self._keys:
                return False
            item = OutboxItem(len(self._items) + 1, key, copy.deepcopy(message), created_at=now)
            self._items[item.id] = item
            self._keys[key] = item.id
            return True

    def outbox_claim(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Mark up to `limit` due messages as sending and return copies, oldest first."""
        with self._lock:
            due = [i for i in self._items.values() if self._claimable(i, now)]
            due.sort(key=lambda i: (i.retry_at or i.created_at or now, i.id))
            out = []
            for item in due[:limit]:
                item.status, item.claimed_at = SENDING, now
                item.attempts += 1
                out.append(copy.deepcopy(item))
            return out

    def _claimable(self, item: OutboxItem, now: datetime) -> bool:
        if item.status == QUEUED:
            return item.retry_at is None or item.retry_at <= now
        return item.status == SENDING and item.claimed_at is not None and item.claimed_at + self.lease <= now

    def outbox_sent(self, id: int, now: datetime) -> None:
        """The message was handed over."""
        with self._lock:
            item = self._items[id]
            item.status, item.sent_at, item.retry_at = SENT, now, None
            item.history.append((now, SENT, ""))

    def outbox_failed(self, id: int, now: datetime, error: str, permanent: bool,
                      retry_at: datetime | None) -> None:
        """Permanent: stays failed for a coordinator to see. Otherwise queued again for retry_at."""
        with self._lock:
            item = self._items[id]
            item.last_error = error
            item.status = FAILED if permanent else QUEUED
            item.retry_at = None if permanent else retry_at
            item.history.append((now, item.status, error))

    def outbox_list(self, status: str | None = None) -> list[OutboxItem]:
        """Copies of all items, or of those with this status (queued, sending, sent, failed)."""
        with self._lock:
            return [copy.deepcopy(i) for i in self._items.values() if status in (None, i.status)]
