"""Pointing real gspread at the local server: a requests transport adapter that rewrites Google's hosts."""
from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter

# gspread 6 hard-codes these prefixes (gspread/urls.py); each maps onto the same path under api_base.
GOOGLE_PREFIXES = ("https://sheets.googleapis.com/", "https://www.googleapis.com/")


class RedirectAdapter(HTTPAdapter):
    """Sends requests meant for Google's API hosts to `api_base` instead, path and query unchanged."""

    def __init__(self, api_base: str, **kwargs):
        super().__init__(**kwargs)
        self.api_base = api_base.rstrip("/") + "/"

    def send(self, request, **kwargs):
        for prefix in GOOGLE_PREFIXES:
            if request.url.startswith(prefix):
                request.url = self.api_base + request.url[len(prefix):]
                break
        return super().send(request, **kwargs)


def redirect_session(api_base: str, session: requests.Session | None = None) -> requests.Session:
    """Mount the redirect on a session (a new one by default) for both Google API hosts; returns it."""
    session = session if session is not None else requests.Session()
    adapter = RedirectAdapter(api_base)
    for prefix in GOOGLE_PREFIXES:
        session.mount(prefix, adapter)
    return session


def local_client(api_base: str, session: requests.Session | None = None, timeout: float | None = 30):
    """A real gspread.Client whose HTTP goes to `api_base` (e.g. http://127.0.0.1:8090); no credentials needed."""
    import gspread

    client = gspread.Client(auth=None, session=redirect_session(api_base, session))
    client.set_timeout(timeout)
    return client
