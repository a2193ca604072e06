"""Chooses the transport from the [mail] settings (config.MailConfig): SMTP when a host is set, else the
local mailbox."""
from __future__ import annotations

import os
from pathlib import Path

from mail.transport import MailboxTransport, SmtpTransport


def transport_from_config(mail, var_dir: str | os.PathLike = "."):
    """SmtpTransport for `[mail] host/port/starttls/ssl/username/timeout`, else the mailbox directory
    (`[mail] mailbox`, default `<var_dir>/mailbox`). The password is read now, from the environment variable
    or the file the config names (config.MailConfig.password), never from the config file itself."""
    if mail.embedded:
        return MailboxTransport(mail.mailbox or Path(var_dir) / "mailbox")
    security = "ssl" if mail.ssl else "starttls" if mail.starttls else "none"
    return SmtpTransport(host=mail.host, port=mail.effective_port, security=security,
                         username=mail.username, password=mail.password(), timeout=mail.timeout)
