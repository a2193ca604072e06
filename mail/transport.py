"""The two ways out: an SMTP server (smtplib) and a local mailbox directory of .eml files."""
from __future__ import annotations

import os
import smtplib
from contextlib import contextmanager, nullcontext
import ssl
import tempfile
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from mail.errors import PermanentError, classify
from mail.message import recipients


@dataclass
class SmtpTransport:
    """Sends over SMTP; security is "none", "starttls" or "ssl"; login only when a username is set."""
    host: str
    port: int = 25
    security: str = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = None

    def __post_init__(self):
        if self.security not in ("none", "starttls", "ssl"):
            raise ValueError(f"[mail] security 只能是 none / starttls / ssl, 不是 {self.security!r}")

    def send(self, msg: EmailMessage) -> None:
        """Hand one message to the server on its own connection, or raise TransientError / PermanentError."""
        with self.session() as out:
            out.send(msg)

    @contextmanager
    def session(self):
        """One connection (with its STARTTLS and login) for many messages, opened on the first send."""
        sess = _SmtpSession(self)
        try:
            yield sess
        finally:
            sess.close()

    def _open(self) -> smtplib.SMTP:
        smtp = self._connect()
        try:
            if self.security == "starttls":
                smtp.starttls(context=self._context())
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()


class _SmtpSession:
    """Sends over one SMTP connection; after a connection-level failure the next send reconnects."""

    def __init__(self, transport: SmtpTransport):
        self.transport, self.smtp = transport, None

    def send(self, msg: EmailMessage) -> None:
        try:
            if self.smtp is None:
                self.smtp = self.transport._open()
            refused = self.smtp.send_message(msg, to_addrs=recipients(msg))
        except Exception as exc:  # noqa: BLE001 - every failure is classified, none is swallowed
            err = classify(exc)
            if getattr(err, "unreachable", False) or isinstance(exc, smtplib.SMTPAuthenticationError):
                self.close()
            else:
                self._reset()  # a refused message leaves the connection usable for the next one
            raise err from exc
        if refused:
            # Some recipients got it; a retry would send them a second copy, so this ends here, visibly.
            detail = "；".join(f"{a} ({c} {m.decode('utf-8', 'replace') if isinstance(m, bytes) else m})"
                              for a, (c, m) in refused.items())
            raise PermanentError(f"部分收件人被拒收 (其余已送达) / some recipients refused: {detail}")

    def _reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


@dataclass
class MailboxTransport:
    """Writes each message as an .eml file in a directory (the embedded default; the dashboard reads it)."""
    directory: str | os.PathLike

    def session(self):
        """Nothing to open: the transport itself is its session."""
        return nullcontext(self)

    def send(self, msg: EmailMessage) -> None:
        """Write atomically (temp file, then rename), so a reader never sees half a message."""
        folder = Path(self.directory)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            data = msg.as_bytes(policy=policy.SMTP)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".eml")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, folder / _name(msg, folder))
        except OSError as exc:
            raise classify(exc) from exc


def _name(msg: EmailMessage, folder: Path) -> str:
    stem = "".join(c for c in (msg.get("Message-ID") or "").strip("<>") if c.isalnum() or c in "-.") or "msg"
    seq = len(list(folder.glob("*.eml"))) + 1
    while (folder / f"{seq:06d}-{stem}.eml").exists():
        seq += 1
    return f"{seq:06d}-{stem}.eml"


@dataclass(frozen=True)
class MailboxEntry:
    """One delivered message as the dashboard lists it."""
    path: Path
    subject: str
    to: str
    date: str
    message: EmailMessage


def read_mailbox(directory: str | os.PathLike) -> list[MailboxEntry]:
    """Messages in the mailbox, oldest first."""
    folder = Path(directory)
    out = []
    for path in sorted(folder.glob("*.eml")) if folder.is_dir() else ():
        with open(path, "rb") as fh:
            msg = BytesParser(policy=policy.default).parse(fh)
        out.append(MailboxEntry(path, str(msg["Subject"] or ""), str(msg["To"] or ""),
                                str(msg["Date"] or ""), msg))
    return out
