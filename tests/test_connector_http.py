"""Our retry client over real HTTP: bounded attempts, backoff on 429/5xx/connection errors, safe appends."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from google.auth.credentials import AnonymousCredentials
from gspread.exceptions import APIError

from connector.http import RetryHTTPClient, SheetsUnavailable
from connector.sheets_server.client import redirect_session


class Script:
    """A tiny HTTP server answering each request with the next scripted status (then 200 for ever)."""

    def __init__(self, statuses, retry_after=None):
        self.statuses = list(statuses)
        self.retry_after = retry_after
        self.seen = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                n = int(self.headers.get("Content-Length") or 0)
                script.seen.append((self.command, self.path, self.rfile.read(n)))
                status = script.statuses.pop(0) if script.statuses else 200
                body = json.dumps({"error": {"code": status, "message": "x", "status": "X"}} if status >= 400
                                  else {"ok": True}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if script.retry_after and status == 429:
                    self.send_header("Retry-After", script.retry_after)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def script():
    made = []

    def make(statuses, **kw):
        made.append(Script(statuses, **kw))
        return made[-1]
    yield make
    for s in made:
        s.close()


def client(url, **kw):
    waits = []
    c = RetryHTTPClient(None, redirect_session(url), sleep=waits.append, rng=lambda: 1.0, **kw)
    return c, waits


GET = "https://sheets.googleapis.com/v4/spreadsheets/k/values:batchGet"
APPEND = "https://sheets.googleapis.com/v4/spreadsheets/k/values/A1:append"


def test_retries_429_and_5xx_with_growing_waits_then_succeeds(script):
    s = script([429, 503, 500])
    c, waits = client(s.url, base_delay=1.0)
    assert c.request("get", GET).json() == {"ok": True}
    assert len(s.seen) == 4 and s.seen[0][1].startswith("/v4/spreadsheets/k/values:batchGet")
    assert waits == [1.0, 2.0, 4.0] and c.request_count == 4


def test_honours_retry_after(script):
    s = script([429], retry_after="7")
    c, waits = client(s.url)
    c.request("get", GET)
    assert waits == [7.0]


def test_gives_up_after_bounded_attempts_saying_it_is_temporary(script):
    s = script([503] * 10)
    c, waits = client(s.url, attempts=3)
    with pytest.raises(SheetsUnavailable) as err:
        c.request("get", GET)
    assert err.value.permanent is False and err.value.status == 503 and "3" in str(err.value)
    assert len(s.seen) == 3 and len(waits) == 2


def test_a_client_error_is_permanent_and_not_retried(script):
    s = script([400])
    c, _ = client(s.url)
    with pytest.raises(APIError):
        c.request("get", GET)
    assert len(s.seen) == 1


def test_append_retried_on_429_but_not_after_a_server_error(script):
    s = script([429])
    c, _ = client(s.url)
    c.request("post", APPEND, json={"values": [["a"]]})
    assert len(s.seen) == 2
    s2 = script([502])
    c2, _ = client(s2.url)
    with pytest.raises(SheetsUnavailable, match="结果未知"):
        c2.request("post", APPEND, json={"values": [["a"]]})
    assert len(s2.seen) == 1


def test_connection_refused_is_retried_then_reported_as_temporary():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    c, waits = client(f"http://127.0.0.1:{port}", attempts=2, timeout=(0.5, 0.5))
    with pytest.raises(SheetsUnavailable) as err:
        c.request("get", GET)
    assert not err.value.permanent and len(waits) == 1


def test_full_jitter_stays_under_the_cap():
    c = RetryHTTPClient(AnonymousCredentials(), base_delay=1.0, max_delay=8.0, rng=lambda: 0.5)
    assert [c.delay(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
