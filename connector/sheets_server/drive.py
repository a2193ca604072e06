"""The Drive v3 file calls gspread makes: create, list by query, get (with `fields`) and delete."""
from __future__ import annotations

import re

from connector.sheets_server.errors import ApiError, invalid
from connector.sheets_server.fields import select_fields
from connector.sheets_server.model import MIMETYPE_SHEETS, Model

DEFAULT_FIELDS = "kind,id,name,mimeType"
_CLAUSE = re.compile(r"""^\s*(?:(\w+)\s*(=|!=|contains)\s*(["'])(.*?)\3|(["'])(.*?)\5\s+in\s+(\w+)|(trashed)\s*=\s*(true|false))\s*$""",
                     re.IGNORECASE)


def drive_not_found(file_id: str) -> ApiError:
    message = f"File not found: {file_id}."
    return ApiError(404, message, extra={"errors": [{"message": message, "domain": "global", "reason": "notFound",
                                                     "location": "fileId", "locationType": "parameter"}]})


def _matches(file: dict, query: str) -> bool:
    if not query.strip():
        return True
    for clause in re.split(r"\s+and\s+", query.strip(), flags=re.IGNORECASE):
        m = _CLAUSE.match(clause)
        if not m:
            raise invalid(f"Invalid Value: unsupported query clause {clause!r}")
        field, op, _, value, _, in_value, in_field, trashed, flag = m.groups()
        if trashed:
            if flag.lower() == "true":
                return False
            continue
        if in_field:
            if in_value not in file.get(in_field, []):
                return False
            continue
        actual = str(file.get(field, ""))
        if op == "=" and actual != value or op == "!=" and actual == value \
                or op.lower() == "contains" and value.lower() not in actual.lower():
            return False
    return True


def create(model: Model, body: dict) -> dict:
    mime = body.get("mimeType", MIMETYPE_SHEETS)
    if mime != MIMETYPE_SHEETS:
        raise invalid(f"The local Sheets server only creates spreadsheets, not {mime}.")
    ss = model.create(body.get("name") or "Untitled spreadsheet")
    ss.parents = list(body.get("parents") or [])
    return select_fields(ss.drive_file(), DEFAULT_FIELDS)


def listing(model: Model, params) -> dict:
    query = params.get("q") or ""
    size = int(params.get("pageSize") or 100)
    start = int(params.get("pageToken") or 0)
    files = [ss.drive_file() for ss in model.spreadsheets.values()]
    files = [f for f in files if _matches(f, query)]
    page = files[start:start + size]
    out = {"kind": "drive#fileList", "incompleteSearch": False, "files": page}
    if start + size < len(files):
        out["nextPageToken"] = str(start + size)
    return select_fields(out, params.get("fields") or "kind,incompleteSearch,nextPageToken,files(" +
                         DEFAULT_FIELDS + ")")


def get(model: Model, file_id: str, params) -> dict:
    ss = model.spreadsheets.get(file_id)
    if ss is None:
        raise drive_not_found(file_id)
    return select_fields(ss.drive_file(), params.get("fields") or DEFAULT_FIELDS)


def delete(model: Model, file_id: str) -> None:
    if file_id not in model.spreadsheets:
        raise drive_not_found(file_id)
    model.delete(file_id)
