"""The one adapter that sends mail: an outbox drained over SMTP, or a local mailbox by default."""
