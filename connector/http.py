"""Our HTTP client for gspread: explicit timeouts, bounded retries with jittered backoff, request counting."""
from __future__ import annotations

import collections
import functools
import random
import threading
import time
from typing import Callable

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from connector.base import LedgerError

TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = (5.0, 60.0)  # (connect, read) seconds


class SheetsUnavailable(LedgerError):
    """Google (or the local server) kept refusing or failing after our last attempt; retry a later cycle."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message, permanent=False)
        self.status = status


def is_append(method: str, url: str) -> bool:
    return method.lower() == "post" and ":append" in url


class RetryHTTPClient(HTTPClient):
    """gspread's HTTPClient with bounded retries (its BackOffHTTPClient retries without end).

    Retries 429, 5xx and connection errors with exponential backoff and full jitter, honouring Retry-After;
    any other error is raised at once as gspread's APIError (permanent). A values:append is retried only on
    429 (refused, so surely not applied): after a 5xx or a broken connection it may have landed, and the
    caller decides (the gsheets backend checks the rows' 记录标识 before appending again)."""

    def __init__(self, auth, session=None, *, timeout=DEFAULT_TIMEOUT,
                 attempts: int = 5, base_delay: float = 1.0, max_delay: float = 32.0,
                 per_minute: int | None = None, window: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, rng: Callable[[], float] = random.random,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(auth, session)
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.base_delay, self.max_delay = base_delay, max_delay
        self._sleep, self._rng = sleep, rng
        self._lock = threading.Lock()
        self.request_count = 0  # requests actually sent, retries included
        self.retry_count = 0
        self.per_minute, self.window, self._clock = per_minute, window, clock
        self._sent: collections.deque = collections.deque()

    def pace(self):
        """Stay under per_minute requests in any window (Google: 60 a minute per user) by waiting our turn."""
        if not self.per_minute:
            return
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and self._sent[0] <= now - self.window:
                    self._sent.popleft()
                if len(self._sent) < self.per_minute:
                    self._sent.append(now)
                    return
                wait = self._sent[0] + self.window - now
            self._sleep(wait)  # not holding the lock: other threads sharing this client count and pace meanwhile

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before attempt+1: Retry-After when given, else capped 2^n backoff, full jitter."""
        if retry_after:
            try:
                return min(self.max_delay, max(0.0, float(retry_after)))
            except ValueError:
                pass
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1)) * self._rng()

    def request(self, method, endpoint, params=None, data=None, json=None, files=None, headers=None):
        url = endpoint
        last = ""
        status = None
        for attempt in range(1, self.attempts + 1):
            retry_after = None
            self.pace()
            try:
                with self._lock:
                    self.request_count += 1
                response = self.session.request(method=method, url=url, json=json, params=params, data=data,
                                                files=files, headers=headers, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if is_append(method, url):
                    raise SheetsUnavailable(f"追加行时连接中断,结果未知 / connection failed during append: {exc}")
                last, status = f"{type(exc).__name__}: {exc}", None
            else:
                if response.ok:
                    return response
                status = response.status_code
                if status not in TRANSIENT_STATUS or (status != 429 and is_append(method, url)):
                    if status in TRANSIENT_STATUS:
                        raise SheetsUnavailable(f"追加行时服务器出错 {status},结果未知 / server error "
                                                f"{status} during append", status)
                    raise APIError(response)
                last = f"HTTP {status}: {response.text[:200]}"
                retry_after = response.headers.get("Retry-After")
            if attempt < self.attempts:
                with self._lock:
                    self.retry_count += 1
                self._sleep(self.delay(attempt, retry_after))
        raise SheetsUnavailable(f"Google 表格暂时不可用,已重试 {self.attempts} 次({last}),将在下个周期重试 / "
                                f"Sheets unavailable after {self.attempts} attempts ({last})", status)


def client_factory(**options):
    """An http_client argument for gspread.Client / gspread.service_account carrying our options."""
    return functools.partial(RetryHTTPClient, **options)


def open_client(*, api_base: str | None = None, credentials_file: str | None = None,
                credentials_info: dict | None = None, session=None, **options):
    """A gspread Client using our retry client: against api_base (the local Sheets server, through its
    redirect_session) without credentials, else Google with a service account key file."""
    import gspread
    factory = client_factory(**options)
    if api_base:
        from connector.sheets_server.client import redirect_session
        return gspread.Client(auth=None, session=redirect_session(api_base, session), http_client=factory)
    if credentials_file:
        return gspread.service_account(filename=credentials_file, http_client=factory)
    if credentials_info:
        return gspread.service_account_from_dict(credentials_info, http_client=factory)
    raise LedgerError("使用 Google 表格需要服务账号密钥文件(credentials_file)或本地服务地址(api_base) / "
                      "gsheets needs credentials_file or api_base")
