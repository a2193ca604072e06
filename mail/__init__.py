"""The one adapter that sends mail: an outbox drained over SMTP, or a local mailbox by default."""
from mail.config import transport_from_config
from mail.deliver import DeliveryReport, RetryPolicy, deliver
from mail.errors import DeliveryError, PermanentError, TransientError, classify
from mail.message import build_message, check_address
from mail.transport import MailboxEntry, MailboxTransport, SmtpTransport, read_mailbox

__all__ = ["DeliveryError", "DeliveryReport", "MailboxEntry", "MailboxTransport", "PermanentError",
           "RetryPolicy", "SmtpTransport", "TransientError", "build_message", "check_address", "classify",
           "deliver", "read_mailbox", "transport_from_config"]
