"""Builds the EmailMessage for an outbox entry: UTF-8 headers, text + HTML alternative, attachments."""
from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from mail.errors import PermanentError

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}$")


def check_address(addr: str) -> str:
    """The bare address if it is well formed, else PermanentError naming it (a bad address never heals)."""
    pairs = getaddresses([addr or ""])
    bare = pairs[0][1] if len(pairs) == 1 else ""
    local, _, domain = bare.rpartition("@")
    if not (local and _LOCAL.match(local) and ".." not in local and _DOMAIN.match(domain or "")):
        raise PermanentError(f"收件地址无效 / bad address: {addr!r}")
    return bare


def message_id(key: str, domain: str = "jiesu.local") -> str:
    """Stable per outbox key, so a resend after a crash is recognisable as the same message."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def build_message(message: dict, *, sender: str, key: str = "", now: datetime | None = None) -> EmailMessage:
    """An EmailMessage from an outbox dict {to, cc, subject, text, html, attachments}."""
    to = [a for a in message.get("to") or [] if a and a.strip()]
    cc = [a for a in message.get("cc") or [] if a and a.strip()]
    if not to:
        raise PermanentError("没有收件人 / no recipient")
    for addr in to + cc:
        check_address(addr)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = message.get("subject") or ""
    if now is not None:
        msg["Date"] = format_datetime(now if now.tzinfo else now.astimezone())
    if key:
        msg["Message-ID"] = message_id(key, _domain(sender))
        msg["X-Jiesu-Key"] = key
    msg.set_content(message.get("text") or "", charset="utf-8")
    if message.get("html"):
        msg.add_alternative(message["html"], subtype="html", charset="utf-8")
    for att in message.get("attachments") or []:
        maintype, _, subtype = (att.get("content_type") or "application/octet-stream").partition("/")
        # filename*= (RFC 2231) is what the email package writes for non-ASCII names; readers decode it.
        data = att["data"]
        if isinstance(data, str):  # a store that keeps messages as JSON holds the bytes as base64
            data = base64.b64decode(data)
        msg.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                           filename=att["filename"])
    return msg


def recipients(msg: EmailMessage) -> list[str]:
    """Every envelope recipient (To and Cc), bare addresses."""
    return [a for _n, a in getaddresses(msg.get_all("To", []) + msg.get_all("Cc", [])) if a]


def _domain(sender: str) -> str:
    bare = getaddresses([sender])[0][1]
    return bare.rpartition("@")[2] or "jiesu.local"
