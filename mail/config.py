"""Chooses the transport from the [mail] config table: SMTP when a host is set, else the local mailbox."""
from __future__ import annotations

import os
from pathlib import Path

from mail.transport import MailboxTransport, SmtpTransport

DEFAULT_SENDER = "jiesu@localhost"


def transport_from_config(mail: dict | None, instance_dir: str | os.PathLike = ".", environ=None):
    """SmtpTransport for `[mail] host/port/security/username/timeout`, MailboxTransport otherwise.

    The password never sits in the config file: it comes from JIESU_MAIL_PASSWORD or from the file that
    `password_file` names.
    """
    mail = mail or {}
    env = os.environ if environ is None else environ
    if not mail.get("host"):
        return MailboxTransport(mail.get("mailbox") or Path(instance_dir) / "mailbox")
    security = mail.get("security", "none")
    password = env.get("JIESU_MAIL_PASSWORD")
    if password is None and mail.get("password_file"):
        password = Path(mail["password_file"]).read_text(encoding="utf-8").strip()
    default_port = {"ssl": 465, "starttls": 587}.get(security, 25)
    return SmtpTransport(host=mail["host"], port=int(mail.get("port", default_port)), security=security,
                         username=mail.get("username"), password=password,
                         timeout=float(mail.get("timeout", 30)))


def sender_from_config(mail: dict | None) -> str:
    """The From address, e.g. "枣阳市营商办 <jiesu@example.gov.cn>"."""
    return (mail or {}).get("sender") or DEFAULT_SENDER
