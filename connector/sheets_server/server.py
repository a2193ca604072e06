"""Running the server (a background thread for tests, or the foreground for the CLI) and playing a person."""
from __future__ import annotations

import socket
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from connector.sheets_server import cells
from connector.sheets_server.a1 import Bounds, parse_ref
from connector.sheets_server.app import SheetsApp
from connector.sheets_server.model import Model
from connector.sheets_server.quota import Quota


class Person:
    """Someone editing a spreadsheet in the browser between the service's calls; every edit is one atomic step.

    Rows and columns are 1-based as people see them. Edits bump Drive's modifiedTime like real ones."""

    def __init__(self, model: Model, spreadsheet_id: str):
        self.model = model
        self.spreadsheet_id = spreadsheet_id

    def _sheet(self, title: str | None):
        ss = self.model.get(self.spreadsheet_id)
        return ss, ss.sheet(title)

    def _edit(self, title, change):
        with self.model.lock:
            ss, sheet = self._sheet(title)
            change(sheet)
            self.model.touch(ss)

    def type(self, sheet: str | None, cell: str, text) -> None:
        """Type into one cell as in the UI (USER_ENTERED: '=…' is a formula, '007' a number); '' clears it."""
        b = parse_ref(cell)
        self._edit(sheet, lambda s: s.set_cell(b.row0, b.col0, cells.from_user_entered(text)))

    def insert_rows(self, sheet: str | None, before_row: int, rows: list[list] | int = 1) -> None:
        """Insert rows above `before_row`: empty ones (an int) or typed ones (a list of rows)."""
        data = [[]] * rows if isinstance(rows, int) else rows

        def change(s):
            s.insert_rows(before_row - 1, len(data))
            for i, row in enumerate(data):
                for j, text in enumerate(row):
                    s.set_cell(before_row - 1 + i, j, cells.from_user_entered(text))
        self._edit(sheet, change)

    def delete_rows(self, sheet: str | None, first_row: int, count: int = 1) -> None:
        self._edit(sheet, lambda s: s.delete_rows(first_row - 1, first_row - 1 + count))

    def sort(self, sheet: str | None, column: int, descending: bool = False, header_rows: int = 1) -> None:
        """Sort everything below the header rows by one column (1-based), as 'Sort sheet' does."""
        def change(s):
            s.sort(Bounds(header_rows, 0, s.row_count, s.col_count), [(column - 1, descending)])
        self._edit(sheet, change)

    def values(self, sheet: str | None = None) -> list[list[str]]:
        """What the person sees: formatted text, trimmed like Google's values.get."""
        with self.model.lock:
            _, s = self._sheet(sheet)
            return [[("" if v is None else cells.render(v, "FORMATTED_VALUE", "SERIAL_NUMBER", s.evaluate))
                     for v in row] for row in s.rows]


class QuietHandler(WSGIRequestHandler):
    """No access log (tests make thousands of requests) and no Nagle delay on small answers."""

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_request(self, *args, **kwargs) -> None:
        pass


class RunningServer:
    """A live server: `url`, the `model`, request `counts`/`log`, `quota`, `person(id)`, `client()`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, model: Model | None = None,
                 quota: Quota | None = None, quiet: bool = True, latency: float = 0.0):
        self.app = SheetsApp(model, quota, latency)
        self._server = make_server(host, port, self.app, threaded=True,
                                   request_handler=QuietHandler if quiet else None)
        self.host, self.port = host, self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    @property
    def model(self) -> Model:
        return self.app.model

    @property
    def quota(self) -> Quota:
        return self.app.quota

    @quota.setter
    def quota(self, quota: Quota) -> None:
        self.app.quota = quota

    @property
    def latency(self) -> float:
        return self.app.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.app.latency = seconds

    @property
    def peak_in_flight(self) -> int:
        return self.app.peak_in_flight

    @property
    def counts(self):
        return self.app.counts

    @property
    def log(self):
        return self.app.log

    def total(self, exclude_drive: bool = False) -> int:
        """Requests seen since the last reset (optionally Sheets API calls only)."""
        return sum(n for kind, n in self.counts.items() if not (exclude_drive and kind.startswith("drive.")))

    def reset_counts(self) -> None:
        self.app.reset_counts()

    def person(self, spreadsheet_id: str) -> Person:
        return Person(self.model, spreadsheet_id)

    def client(self, timeout: float | None = 30):
        """A real gspread.Client talking to this server."""
        from connector.sheets_server.client import local_client
        return local_client(self.url, timeout=timeout)

    def start(self) -> "RunningServer":
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=f"sheets-server:{self.port}",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> "RunningServer":
        return self.start() if self._thread is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_in_thread(host: str = "127.0.0.1", port: int = 0, model: Model | None = None,
                    quota: Quota | None = None, latency: float = 0.0) -> RunningServer:
    """Start a server on a free port (port=0) in a daemon thread; use as a context manager or call stop().
    `latency` makes every request wait that many seconds first, like a round trip to Google."""
    return RunningServer(host, port, model, quota, latency=latency).start()
