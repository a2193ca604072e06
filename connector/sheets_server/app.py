"""The WSGI application: Google's URL layout mapped onto the model, with request counting and quota."""
from __future__ import annotations

import collections
import json
import re
import threading
import time
import traceback
from dataclasses import dataclass
from urllib.parse import quote, unquote

from werkzeug.wrappers import Request, Response

from connector.sheets_server import batch_update, developer_metadata, drive, grid_data, values_api
from connector.sheets_server.errors import ApiError, cells_limit, invalid, not_found
from connector.sheets_server.fields import select_fields
from connector.sheets_server.model import MAX_CELLS, Model, Sheet
from connector.sheets_server.quota import Quota

_SS = r"/v4/spreadsheets/(?P<id>[^/:?]+)"
# (HTTP method, raw-path pattern, kind). Kinds are Google's method names; the path stays percent-encoded
# while routing so that a '/' or ':' inside a sheet title cannot be mistaken for structure.
ROUTES = [
    ("POST", r"/v4/spreadsheets", "spreadsheets.create"),
    ("GET", _SS, "spreadsheets.get"),
    ("POST", _SS + r":batchUpdate", "spreadsheets.batchUpdate"),
    ("POST", _SS + r"/developerMetadata:search", "developerMetadata.search"),
    ("GET", _SS + r"/developerMetadata/(?P<metadata>\d+)", "developerMetadata.get"),
    ("GET", _SS + r"/values:batchGet", "values.batchGet"),
    ("POST", _SS + r"/values:batchUpdate", "values.batchUpdate"),
    ("POST", _SS + r"/values:batchClear", "values.batchClear"),
    ("POST", _SS + r"/values/(?P<range>.+):append", "values.append"),
    ("POST", _SS + r"/values/(?P<range>.+):clear", "values.clear"),
    ("GET", _SS + r"/values/(?P<range>.+)", "values.get"),
    ("PUT", _SS + r"/values/(?P<range>.+)", "values.update"),
    ("POST", r"/drive/v3/files", "drive.files.create"),
    ("GET", r"/drive/v3/files", "drive.files.list"),
    ("GET", r"/drive/v3/files/(?P<id>[^/]+)", "drive.files.get"),
    ("DELETE", r"/drive/v3/files/(?P<id>[^/]+)", "drive.files.delete"),
]
_COMPILED = [(m, re.compile("^" + p + "$"), k) for m, p, k in ROUTES]


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it."""

    method: str
    kind: str
    path: str
    status: int
    client: str


class SheetsApp:
    """A Sheets v4 / Drive v3 look-alike over one Model. Call it as a WSGI app."""

    def __init__(self, model: Model | None = None, quota: Quota | None = None, latency: float = 0.0):
        self.model = model or Model()
        self.quota = quota or Quota()
        self.latency = latency  # seconds each request waits first, standing in for Google's network round trip
        self.counts: collections.Counter = collections.Counter()
        self.log: list[RequestRecord] = []
        self._count_lock = threading.Lock()
        self.in_flight = 0
        self.peak_in_flight = 0  # most requests being answered at once since the last reset

    def reset_counts(self) -> None:
        with self._count_lock:
            self.counts.clear()
            self.log.clear()
            self.peak_in_flight = self.in_flight

    def __call__(self, environ, start_response):
        with self._count_lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)  # outside the model lock: concurrent callers wait side by side
            return self._answer(environ, start_response)
        finally:
            with self._count_lock:
                self.in_flight -= 1

    def _answer(self, environ, start_response):
        request = Request(environ)
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or quote(request.path)
        path = raw.split("?", 1)[0]
        if "://" in path:  # absolute-form request line (a proxy-style client)
            path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
        client = request.headers.get("Authorization") or request.remote_addr or "-"
        kind, status = "unknown", 500
        try:
            kind, args = self._route(request.method, path)
            if not kind.startswith("drive."):
                self.quota.admit(client, "read" if request.method == "GET" else "write")
            body = self._body(request)
            with self.model.lock:
                result = self._dispatch(kind, args, request.args, body)
            status = 204 if result is None else 200
            response = Response(b"" if result is None else _json(result), status=status,
                                content_type="application/json; charset=UTF-8")
        except ApiError as error:
            status = error.code
            response = Response(_json(error.body()), status=status, content_type="application/json; charset=UTF-8")
        except Exception as exc:  # a bug here must still answer in Google's shape, and be counted
            traceback.print_exc()
            status = 500
            body = ApiError(500, f"Internal error in the local Sheets server: {exc!r}").body()
            response = Response(_json(body), status=status, content_type="application/json; charset=UTF-8")
        with self._count_lock:
            self.counts[kind] += 1
            self.log.append(RequestRecord(request.method, kind, path, status, client))
        return response(environ, start_response)

    @staticmethod
    def _route(method: str, path: str):
        for route_method, pattern, kind in _COMPILED:
            m = pattern.match(path)
            if m and route_method == method:
                return kind, {k: unquote(v) for k, v in m.groupdict().items()}
        raise not_found(f"The local Sheets server has no {method} {unquote(path)}.")

    @staticmethod
    def _body(request: Request):
        data = request.get_data()
        if not data.strip():
            return {}
        try:
            body = json.loads(data)
        except ValueError as exc:
            raise invalid(f"Invalid JSON payload received. {exc}") from None
        if not isinstance(body, dict):
            raise invalid("Invalid JSON payload received. Expected an object.")
        return body

    def _dispatch(self, kind: str, args: dict, params, body: dict):
        model = self.model
        if kind.startswith("drive."):
            if kind == "drive.files.create":
                return drive.create(model, body)
            if kind == "drive.files.list":
                return drive.listing(model, params)
            if kind == "drive.files.get":
                return drive.get(model, args["id"], params)
            drive.delete(model, args["id"])
            return None
        if kind == "spreadsheets.create":
            return _create(model, body)
        ss = model.get(args["id"])
        if kind == "spreadsheets.get":
            if params.get("includeGridData", "").lower() == "true":
                requested = []
                for text in params.getlist("ranges"):
                    sheet, parsed = values_api.resolve(ss, text)
                    requested.append((sheet, values_api.read_bounds(sheet, parsed)))
                meta = grid_data.with_grid_data(ss, requested)
            else:
                meta = ss.metadata()
            fields = params.get("fields")
            return select_fields(meta, fields.replace(".", "/")) if fields else meta
        if kind == "spreadsheets.batchUpdate":
            return batch_update.batch_update(model, ss, body)
        if kind == "developerMetadata.search":
            return developer_metadata.search(ss, body)
        if kind == "developerMetadata.get":
            return developer_metadata.get(ss, args["metadata"])
        if kind == "values.get":
            return values_api.value_range(ss, args["range"], params)
        if kind == "values.batchGet":
            return values_api.batch_get(ss, params.getlist("ranges"), params)
        if kind == "values.update":
            return values_api.update(model, ss, args["range"], params, body)
        if kind == "values.batchUpdate":
            return values_api.batch_update(model, ss, body)
        if kind == "values.append":
            return values_api.append(model, ss, args["range"], params, body)
        if kind == "values.clear":
            return {"spreadsheetId": ss.id, "clearedRange": values_api.clear(model, ss, args["range"])}
        if kind == "values.batchClear":
            return values_api.batch_clear(model, ss, body.get("ranges") or [])
        raise not_found()


def _create(model: Model, body: dict) -> dict:
    """Sheets' own spreadsheets.create: a title and optionally the sheets' properties."""
    ss = model.create(body.get("properties", {}).get("title") or "Untitled spreadsheet")
    specs = body.get("sheets") or []
    if specs:
        ss.sheets = []
        for index, spec in enumerate(specs):
            props = spec.get("properties", {})
            grid = props.get("gridProperties", {})
            sheet_id = props.get("sheetId", 0 if index == 0 else ss.new_sheet_id())
            sheet = Sheet(sheet_id, props.get("title") or f"Sheet{index + 1}", index,
                          grid.get("rowCount", 1000), grid.get("columnCount", 26))
            sheet.properties["gridProperties"].update(grid)
            ss.sheets.append(sheet)
        if ss.cell_count() > MAX_CELLS:
            model.delete(ss.id)
            raise cells_limit()
    return ss.metadata()


def _json(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
