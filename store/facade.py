"""The Store: one object over the state database, opened (and migrated) from a URL."""
from __future__ import annotations

from sqlalchemy.exc import OperationalError

from store.activity import ActivityMixin
from store.changes import ChangesMixin
from store.db import StoreError, make_engine, migrate
from store.lease import LeaseMixin
from store.marks import MarksMixin
from store.ledger_state import LedgerStateMixin
from store.numbering import NumberingMixin
from store.outbox import OutboxMixin
from store.supervision import SupervisionMixin
from store.tickets import TicketStateMixin
from store.web_state import WebStateMixin


class Store(NumberingMixin, OutboxMixin, LeaseMixin, LedgerStateMixin, SupervisionMixin, ActivityMixin,
            TicketStateMixin, WebStateMixin, MarksMixin, ChangesMixin):
    """Facade over the state database (`sqlite:///path` or `postgresql+psycopg://…`); same code on both."""

    def __init__(self, url: str, *, migrate_on_open: bool = True):
        self.url = url
        self.engine = make_engine(url)
        if migrate_on_open:
            try:
                migrate(self.engine)
            except OperationalError as exc:
                self.engine.dispose()
                shown = self.engine.url.render_as_string(hide_password=True)
                raise StoreError(f"无法打开状态库 {shown}: {exc.orig} / cannot open the state database") from exc

    @classmethod
    def open(cls, url: str) -> "Store":
        return cls(url)

    @classmethod
    def from_config(cls, cfg) -> "Store":
        """The store a loaded config.Config names in [state] url."""
        return cls(cfg.state.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"
