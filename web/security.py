"""Session secret and cookie flags, CSRF tokens on every form, security headers, and rate limits."""
from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections import deque
from datetime import timedelta

from flask import abort, current_app, request, session

from web.context import res

log = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# Endpoints that authenticate otherwise (the webhook signs every call with HMAC).
CSRF_EXEMPT = {"hooks.sheets"}


def csrf_token() -> str:
    """This session's CSRF token (made on first use), for a hidden form field or the X-CSRF-Token header."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def _check_csrf():
    if request.method in ("GET", "HEAD", "OPTIONS") or request.endpoint in CSRF_EXEMPT:
        return
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(expected, sent):
        abort(400, description="表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def _headers(resp):
    resp.headers.setdefault("Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                            "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    return resp


def limited(scope: str, key: str, limit: int, window_seconds: int, *, failed_only: bool = True) -> bool:
    """True when `key` has used up `limit` attempts of `scope` in the last window (kept in the store, so
    every process and thread sees the same count)."""
    r = res()
    since = r.now() - timedelta(seconds=window_seconds)
    return r.store.attempt_count(scope, key, since, failed_only=failed_only) >= limit


def note(scope: str, key: str, ok: bool) -> None:
    """Count one attempt of `scope` by `key`."""
    r = res()
    r.store.attempt_add(scope, key, r.now(), ok)


class MemoryLimiter:
    """A sliding-window counter kept in this process (for cheap limits on hot public forms, where a database
    write per request would cost more than the request itself)."""

    def __init__(self):
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window_seconds: float, now: float | None = None) -> bool:
        """Count one hit; False when `key` already had `limit` hits in the window (the hit is not counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._hits) > 10000:   # forget idle keys so the table cannot grow without bound
                self._hits = {k: q for k, q in self._hits.items() if q and q[-1] > now - window_seconds}
            q = self._hits.setdefault(key, deque())
            while q and q[0] <= now - window_seconds:
                q.popleft()
            if len(q) >= limit:
                return False
            q.append(now)
            return True


def client_address() -> str:
    """The caller's address; behind a proxy set TRUSTED_PROXY so X-Forwarded-For's last hop is used."""
    if current_app.config.get("TRUSTED_PROXY"):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.remote_addr or "?"


# Applied before the caller's mapping (Flask's own defaults would otherwise win: e.g. Secure is off there).
DEFAULTS = {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_NAME": "jiesu_session", "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
            "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
            # (submissions, seconds) per client address on /intake; None turns the limit off (the bench).
            "INTAKE_LIMIT": (20, 600)}


def init_app(app) -> None:
    if not app.config.get("SECRET_KEY"):
        key = app.extensions["jiesu"].cfg.web.secret_key()
        if not key:
            # Sessions then end when the process restarts; `jiesu serve` warns that the env var is missing.
            log.warning("JIESU_SECRET_KEY 未设置，使用临时会话密钥 / no session secret set: using a random one")
            key = secrets.token_urlsafe(48)
        app.config["SECRET_KEY"] = key
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.before_request(_check_csrf)
    app.after_request(_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
