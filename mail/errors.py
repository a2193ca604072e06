"""Transport failures, classified: permanent ones are shown to coordinators, transient ones are retried."""
from __future__ import annotations

import smtplib
import socket


class DeliveryError(Exception):
    """A message could not be handed over; `permanent` says whether trying again can help."""
    permanent = False


class TransientError(DeliveryError):
    """Worth retrying later: server down, timeout, 4xx reply, TLS or login trouble.

    `unreachable` marks the transport itself being down (no connection, timeout): trying the next message
    now would only wait again, so a drain stops there."""

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


class PermanentError(DeliveryError):
    """Not worth retrying: 5xx reply, recipient refused, malformed address."""
    permanent = True


def classify(exc: BaseException) -> DeliveryError:
    """Map an smtplib/socket exception to TransientError or PermanentError with a readable message."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = {addr: code for addr, (code, _msg) in exc.recipients.items()}
        detail = "；".join(f"{a} ({c} {_text(m)})" for a, (c, m) in exc.recipients.items())
        cls = PermanentError if all(c >= 500 for c in codes.values()) else TransientError
        return cls(f"收件人被拒收 / recipients refused: {detail}")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # A wrong password is a configuration fault that an administrator fixes; messages stay queued.
        return TransientError(f"SMTP登录失败 / login failed: {exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code in _CONFIG_CODES:
        return TransientError(f"SMTP配置问题 (需登录或STARTTLS) / server wants auth or TLS: "
                              f"{exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        cls = PermanentError if exc.smtp_code >= 500 else TransientError
        return cls(f"SMTP服务器拒绝 / server replied {exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return TransientError(f"连接超时 / timed out: {exc}", unreachable=True)
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)):
        return TransientError(f"无法连接邮件服务器 / cannot reach mail server: {type(exc).__name__}: {exc}",
                              unreachable=True)
    if isinstance(exc, smtplib.SMTPException):
        return TransientError(f"SMTP错误 / SMTP error: {type(exc).__name__}: {exc}")
    raise exc


# 530/534/538: the server wants STARTTLS or login (RFC 3207, 4954) — our configuration, not the message.
_CONFIG_CODES = frozenset({530, 534, 538})


def _text(msg) -> str:
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
