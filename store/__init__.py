"""The service's state store (SQLAlchemy): numbering, row snapshots, events, outbox, lights, job runs."""
