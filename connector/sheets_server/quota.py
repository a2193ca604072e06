"""Google's per-minute request quota, per client and per kind (read / write); off unless a limit is set."""
from __future__ import annotations

import collections
import threading
import time

from connector.sheets_server.errors import ApiError


class Quota:
    """Sliding-window limit of `per_minute` requests per (client, kind) over `window` seconds."""

    def __init__(self, per_minute: int | None = None, window: float = 60.0, clock=time.monotonic):
        self.per_minute = per_minute
        self.window = window
        self.clock = clock
        self._seen: dict[tuple[str, str], collections.deque] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()
        self.rejected = 0

    def reset(self) -> None:
        """Forget every counted request, as if a quiet minute had passed."""
        with self._lock:
            self._seen.clear()

    def admit(self, client: str, kind: str) -> None:
        """Count one request or raise Google's 429 RESOURCE_EXHAUSTED when the window is full."""
        if not self.per_minute:
            return
        with self._lock:
            now = self.clock()
            seen = self._seen[(client, kind)]
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.per_minute:
                self.rejected += 1
                raise exhausted(kind)
            seen.append(now)


def exhausted(kind: str) -> ApiError:
    """The body Google sends when a per-minute-per-user quota runs out."""
    metric = "Read requests" if kind == "read" else "Write requests"
    limit = f"{metric} per minute per user"
    return ApiError(
        429,
        f"Quota exceeded for quota metric '{metric}' and limit '{limit}' of service 'sheets.googleapis.com' "
        f"for consumer 'project_number:0'.",
        details=[{
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {"service": "sheets.googleapis.com", "consumer": "projects/0",
                         "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                         "quota_limit": f"{kind.capitalize()}RequestsPerMinutePerUser"},
        }, {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{"description": "Request a higher quota limit.",
                       "url": "https://cloud.google.com/docs/quota#requesting_higher_quota"}],
        }],
    )
