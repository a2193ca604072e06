"""Drains the outbox: claim due messages, send each, record sent / retry with backoff / permanent failure."""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mail.errors import DeliveryError, PermanentError, TransientError
from mail.message import build_message


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: first retry after `first`, doubling, capped at `cap`; give up after `max_attempts`."""
    first: timedelta = timedelta(minutes=1)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=2)
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th failed attempt (1-based)."""
        seconds = self.first.total_seconds() * self.factor ** max(attempts - 1, 0)
        return min(timedelta(seconds=seconds), self.cap)


@dataclass
class DeliveryReport:
    """What one drain did, by outbox id."""
    sent: list = field(default_factory=list)
    retrying: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def __str__(self) -> str:
        return f"已发送 {len(self.sent)} 封, 待重试 {len(self.retrying)} 封, 失败 {len(self.failed)} 封"


def deliver(store, transport, now: datetime, *, sender: str = "jiesu@localhost", limit: int = 100,
            retry: RetryPolicy = RetryPolicy()) -> DeliveryReport:
    """Send everything due in `store`'s outbox through `transport` (anything with .send(EmailMessage)),
    claiming `limit` at a time. When the transport is unreachable the rest of the claimed batch is put back
    for the next retry without waiting on one timeout per message."""
    session = transport.session() if hasattr(transport, "session") else nullcontext(transport)
    with session as out:
        return _drain(store, out, now, sender, limit, retry)


def _drain(store, out, now, sender, limit, retry) -> DeliveryReport:
    report, seen, down = DeliveryReport(), set(), None
    while down is None:
        batch = store.outbox_claim(now, limit)
        again = any(i.id in seen for i in batch)  # retried within this drain (zero backoff): stop after it
        for item in batch:
            seen.add(item.id)
            if down is not None:
                _failed(store, item, now, TransientError(f"未尝试, 本轮邮件服务器不可达 / not tried: {down}",
                                                         unreachable=True), retry, report)
                continue
            try:
                out.send(build_message(message_of(item), sender=sender, key=item.key, now=now))
            except DeliveryError as exc:
                _failed(store, item, now, exc, retry, report)
                if getattr(exc, "unreachable", False):
                    down = exc
            except (KeyError, TypeError, ValueError) as exc:
                # A malformed outbox entry will not improve by waiting.
                _failed(store, item, now, PermanentError(f"邮件内容有误 / malformed message: {exc!r}"),
                        retry, report)
            else:
                store.outbox_sent(item.id, now)
                report.sent.append(item.id)
        if len(batch) < limit or again:
            break
    return report


def message_of(item) -> dict:
    """The message dict of an outbox item, whether it carries `.message` or the store's flat fields."""
    message = getattr(item, "message", None)
    if isinstance(message, dict):
        return message
    return {"to": list(item.to), "cc": list(item.cc or []), "subject": item.subject, "text": item.text,
            "html": item.html, "attachments": list(item.attachments or [])}


def _failed(store, item, now, exc: DeliveryError, retry: RetryPolicy, report: DeliveryReport) -> None:
    if exc.permanent:
        store.outbox_failed(item.id, now, str(exc), permanent=True, retry_at=None)
        report.failed.append(item.id)
    elif item.attempts >= retry.max_attempts:
        store.outbox_failed(item.id, now, f"已尝试{item.attempts}次仍未送达 / gave up after "
                                          f"{item.attempts} attempts: {exc}", permanent=True, retry_at=None)
        report.failed.append(item.id)
    else:
        store.outbox_failed(item.id, now, str(exc), permanent=False, retry_at=now + retry.delay(item.attempts))
        report.retrying.append(item.id)
