"""From a rendered notice to an outbox entry: the once-only key and the message dict."""
from __future__ import annotations

from notices.render import RenderedNotice


def notice_key(ticket_number: str, kind: str, milestone: str = "", round: int = 1) -> str:
    """〔2026〕第0012号|supervision_form|resolve|1 — one notice per ticket, kind, milestone and round.

    The same key serves store.issue_notice (its series number) and the outbox (its mail)."""
    return f"{ticket_number}|{kind}|{milestone}|{round}"


def outbox_message(rendered: RenderedNotice, to, cc=()) -> dict:
    """The outbox message dict (to, cc, subject, text, html, attachments) carrying the PDF letter."""
    attachments = []
    if rendered.pdf is not None:
        attachments.append({"filename": rendered.filename, "content_type": "application/pdf",
                            "data": rendered.pdf})
    return {"to": list(to), "cc": list(cc), "subject": rendered.subject, "text": rendered.text,
            "html": rendered.html, "attachments": attachments}


def queue_notice(store, key: str, rendered: RenderedNotice, to, cc=(), *, now=None, not_before=None) -> bool:
    """Enqueue once under `key`; False when that notice was already queued (then nothing is sent again).

    `not_before` holds it back, e.g. until the next working morning."""
    return store.outbox_enqueue(key, outbox_message(rendered, to, cc), now=now, not_before=not_before)
