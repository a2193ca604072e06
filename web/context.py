"""The resources a request uses (settings, state store, profile, clock, ledgers), set up once per app."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

from flask import current_app

KEY = "jiesu"


class Resources:
    """Built lazily from the app's config: `JIESU` (a config.Config), else `JIESU_CONFIG_PATH` (a TOML file),
    else the built-in defaults under `INSTANCE` (tests) or ./var. `STORE`, `CLOCK` and `LEDGER_OPENER` in
    the app config replace the store, the clock and how a ledger is opened."""

    def __init__(self, app):
        self.app_config = app.config
        self._lock = threading.Lock()
        self._cfg = app.config.get("JIESU")
        self._store = app.config.get("STORE")
        self._profile = None

    @property
    def cfg(self):
        if self._cfg is None:
            import config as config_module
            with self._lock:
                if self._cfg is None:
                    instance = self.app_config.get("INSTANCE")
                    env = {"JIESU_VAR_DIR": instance} if instance else None
                    self._cfg = config_module.load(self.app_config.get("JIESU_CONFIG_PATH"), env=env)
        return self._cfg

    @property
    def store(self):
        if self._store is None:
            from store import Store
            with self._lock:
                if self._store is None:
                    self.cfg.var_dir.mkdir(parents=True, exist_ok=True)
                    self._store = Store.from_config(self.cfg)
        return self._store

    @property
    def profile(self):
        if self._profile is None:
            import profiles
            self._profile = profiles.load(self.cfg.profile)
        return self._profile

    def now(self) -> datetime:
        """Aware UTC now (tests set CLOCK to fix it)."""
        clock = self.app_config.get("CLOCK")
        return clock() if clock else datetime.now(timezone.utc)

    def local_now(self) -> datetime:
        """Naive Asia/Shanghai (the configured zone) wall-clock now, the domain's convention."""
        return self.now().astimezone(self.cfg.tz).replace(tzinfo=None)

    def open_ledger(self, ledger_id: str):
        """The connector Ledger holding `ledger_id` (a township name, or 台账 when there is one)."""
        opener = self.app_config.get("LEDGER_OPENER")
        if opener:
            return opener(ledger_id)
        from connector import ledger_for
        for source in self.cfg.ledger.sources():
            if source.id == ledger_id:
                return ledger_for(self.cfg.ledger, source)
        raise LookupError(f"配置中没有台账 {ledger_id} / no ledger {ledger_id!r} in the config")

    def sheet_title(self, ledger_id: str) -> str:
        """The worksheet holding ledger_id's rows (a township's own worksheet, or 台账)."""
        for source in self.cfg.ledger.sources():
            if source.id == ledger_id and source.worksheet:
                return source.worksheet
        return "台账"


def init_app(app) -> None:
    app.extensions[KEY] = Resources(app)


def res() -> Resources:
    """The current app's resources."""
    return current_app.extensions[KEY]
