"""The in-memory spreadsheets: sheets as sparse rows of stored cell values, guarded by one lock."""
from __future__ import annotations

import copy
import datetime as dt
import random
import secrets
import string
import threading
import time

from connector.sheets_server import cells
from connector.sheets_server.a1 import Bounds
from connector.sheets_server.errors import cells_limit, invalid, not_found

MAX_CELLS = 10_000_000
MIMETYPE_SHEETS = "application/vnd.google-apps.spreadsheet"
_ID_CHARS = string.ascii_letters + string.digits + "-_"

# Google's defaults for a new spreadsheet, as its metadata shows them (recorded traffic).
DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, "bold": False,
                   "italic": False, "strikethrough": False, "underline": False,
                   "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
THEME = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        {"colorType": kind, "color": {"rgbColor": rgb}} for kind, rgb in [
            ("TEXT", {}), ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
            ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
            ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
            ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
            ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
            ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
            ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
            ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
        ]
    ],
}


def _rfc3339(seconds: float) -> str:
    moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Sheet:
    """One worksheet: Google's sheet properties plus sparse rows (lists of stored values, None = empty)."""

    def __init__(self, sheet_id: int, title: str, index: int, rows: int = 1000, cols: int = 26):
        self.properties = {"sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID",
                           "gridProperties": {"rowCount": rows, "columnCount": cols}}
        self.rows: list[list] = []
        self.plain = True  # only text so far: values.get can skip rendering
        self.protected_ranges: list[dict] = []
        self.conditional_formats: list[dict] = []
        self.data_validations: list[dict] = []
        self.merges: list[dict] = []
        self.basic_filter: dict | None = None
        self.developer_metadata: list[dict] = []
        self.recorded: list[tuple[str, dict]] = []  # formatting and other requests kept as sent

    @property
    def id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def row_count(self) -> int:
        return self.properties["gridProperties"]["rowCount"]

    @property
    def col_count(self) -> int:
        return self.properties["gridProperties"]["columnCount"]

    def set_grid(self, rows: int | None = None, cols: int | None = None) -> None:
        grid = self.properties["gridProperties"]
        if rows is not None:
            grid["rowCount"] = rows
            del self.rows[rows:]
        if cols is not None:
            grid["columnCount"] = cols
            for row in self.rows:
                del row[cols:]

    def cell(self, r: int, c: int):
        if r < len(self.rows):
            row = self.rows[r]
            if c < len(row):
                return row[c]
        return None

    def set_cell(self, r: int, c: int, value) -> None:
        if value is None:
            if r >= len(self.rows):
                return
        elif type(value) is not str:
            self.plain = False
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        if c >= len(row):
            if value is None:
                return
            row.extend([None] * (c + 1 - len(row)))
        row[c] = value

    def evaluate(self, formula: cells.Formula):
        try:
            return cells.evaluate_formula(formula.text, self.cell)
        except cells.FormulaError as exc:
            return str(exc)
        except (OverflowError, RecursionError):
            return "#NUM!"

    def block(self, b: Bounds) -> list[list]:
        """Stored values inside concrete bounds, one list per row, untrimmed and unpadded."""
        return [row[b.col0:b.col1] for row in self.rows[b.row0:b.row1]]

    def clear(self, b: Bounds) -> None:
        for row in self.rows[b.row0:b.row1]:
            for c in range(b.col0, min(b.col1, len(row))):
                row[c] = None

    def last_nonempty(self, b: Bounds) -> tuple[int, int] | None:
        """The last non-empty cell in row-major order within concrete bounds."""
        for r in range(min(b.row1, len(self.rows)) - 1, b.row0 - 1, -1):
            row = self.rows[r]
            for c in range(min(b.col1, len(row)) - 1, b.col0 - 1, -1):
                if row[c] is not None:
                    return r, c
        return None

    def table_around(self, r: int, c: int) -> Bounds:
        """Grow a box from one cell over touching non-empty cells: Google's 'logical table' for append."""
        r0 = r1 = r
        c0 = c1 = c

        def run(row_index, lo, hi):
            # Widen [lo, hi] over non-empty neighbours in one row; None if nothing there touches the box.
            row = self.rows[row_index]
            start = max(lo - 1, 0)
            if all(v is None for v in row[start:hi + 2]):
                return None
            left = next(x for x in range(start, hi + 2) if row[x] is not None)
            right = next(x for x in range(min(hi + 1, len(row) - 1), start - 1, -1) if row[x] is not None)
            while left > 0 and row[left - 1] is not None:
                left -= 1
            while right + 1 < len(row) and row[right + 1] is not None:
                right += 1
            return left, right

        widened = run(r, c, c)
        c0, c1 = min(c0, widened[0]), max(c1, widened[1])
        while r0 > 0:
            span = run(r0 - 1, c0, c1)
            if span is None:
                break
            r0 -= 1
            c0, c1 = min(c0, span[0]), max(c1, span[1])
        while r1 + 1 < len(self.rows):
            span = run(r1 + 1, c0, c1)
            if span is None:
                break
            r1 += 1
            c0, c1 = min(c0, span[0]), max(c1, span[1])
        return Bounds(r0, c0, r1 + 1, c1 + 1)

    def insert_rows(self, at: int, count: int) -> None:
        if at < len(self.rows):
            self.rows[at:at] = [[] for _ in range(count)]
        self.properties["gridProperties"]["rowCount"] += count
        self._move_row_metadata(lambda i: i if i < at else i + count)

    def delete_rows(self, start: int, end: int) -> None:
        del self.rows[start:end]
        self.properties["gridProperties"]["rowCount"] -= end - start
        self._move_row_metadata(lambda i: i if i < start else (None if i < end else i - (end - start)))

    def _move_row_metadata(self, new_index) -> None:
        """Developer metadata on rows follows its rows, as at Google; metadata whose rows are all gone goes too."""
        for meta in list(self.developer_metadata):
            span = meta.get("location", {}).get("dimensionRange")
            if not span or span.get("dimension") != "ROWS":
                continue
            moved = [j for j in map(new_index, range(span["startIndex"], span["endIndex"])) if j is not None]
            if not moved:
                self.developer_metadata.remove(meta)
            else:
                span["startIndex"], span["endIndex"] = min(moved), max(moved) + 1

    def insert_cols(self, at: int, count: int) -> None:
        for row in self.rows:
            if at < len(row):
                row[at:at] = [None] * count
        self.properties["gridProperties"]["columnCount"] += count

    def delete_cols(self, start: int, end: int) -> None:
        for row in self.rows:
            del row[start:end]
        self.properties["gridProperties"]["columnCount"] -= end - start

    def sort(self, b: Bounds, specs: list[tuple[int, bool]]) -> None:
        """Sort rows of concrete bounds by (column, descending) specs; empty cells go last either way."""
        width = b.col1 - b.col0
        block = []  # (original row index, the row's cells inside the range)
        for r in range(b.row0, b.row1):
            row = self.rows[r] if r < len(self.rows) else []
            part = row[b.col0:b.col1]
            block.append((r, part + [None] * (width - len(part))))
        for col, descending in reversed(specs):
            k = col - b.col0
            filled = [p for p in block if p[1][k] is not None]
            empty = [p for p in block if p[1][k] is None]
            filled.sort(key=lambda p: cells.sort_key(p[1][k], self.evaluate), reverse=descending)
            block = filled + empty
        while len(self.rows) < b.row1:
            self.rows.append([])
        for offset, (_, part) in enumerate(block):
            row = self.rows[b.row0 + offset]
            if len(row) < b.col1:
                row.extend([None] * (b.col1 - len(row)))
            row[b.col0:b.col1] = part
        if width == self.col_count:  # whole rows moved: their metadata moves with them
            moved = {r: b.row0 + offset for offset, (r, _) in enumerate(block)}
            self._move_row_metadata(lambda i: moved.get(i, i))

    def metadata(self) -> dict:
        out = {"properties": copy.deepcopy(self.properties)}
        # Row and column metadata belongs to grid data at Google, which this server never includes.
        sheet_level = [m for m in self.developer_metadata if "dimensionRange" not in m.get("location", {})]
        for key, value in (("protectedRanges", self.protected_ranges), ("conditionalFormats",
                           self.conditional_formats), ("merges", self.merges), ("developerMetadata", sheet_level)):
            if value:
                out[key] = copy.deepcopy(value)
        if self.basic_filter:
            out["basicFilter"] = copy.deepcopy(self.basic_filter)
        return out


class Spreadsheet:
    """One spreadsheet file: its sheets in tab order, its Drive times and spreadsheet-level extras."""

    def __init__(self, spreadsheet_id: str, title: str, now: float):
        self.id = spreadsheet_id
        self.properties = {"title": title, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT",
                           "defaultFormat": copy.deepcopy(DEFAULT_FORMAT), "spreadsheetTheme": copy.deepcopy(THEME)}
        self.sheets: list[Sheet] = []
        self.created = now
        self.modified = now
        self.parents: list[str] = []
        self.named_ranges: list[dict] = []
        self.developer_metadata: list[dict] = []

    @property
    def title(self) -> str:
        return self.properties["title"]

    def cell_count(self) -> int:
        return sum(s.row_count * s.col_count for s in self.sheets)

    def sheet(self, title: str | None) -> Sheet:
        """A sheet by title (None = the first); unknown titles are Google's 'Unable to parse range'."""
        if title is None:
            return self.sheets[0]
        for s in self.sheets:
            if s.title == title:
                return s
        raise LookupError(title)

    def sheet_by_id(self, sheet_id, where: str = "") -> Sheet:
        for s in self.sheets:
            if s.id == sheet_id:
                return s
        raise invalid(f"{where}No grid with id: {sheet_id}")

    def new_sheet_id(self) -> int:
        used = {s.id for s in self.sheets}
        while True:
            candidate = random.randint(1, 2_147_483_646)
            if candidate not in used:
                return candidate

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.properties["index"] = i

    def metadata(self) -> dict:
        out = {"spreadsheetId": self.id, "properties": copy.deepcopy(self.properties),
               "sheets": [s.metadata() for s in self.sheets],
               "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit"}
        if self.named_ranges:
            out["namedRanges"] = copy.deepcopy(self.named_ranges)
        if self.developer_metadata:
            out["developerMetadata"] = copy.deepcopy(self.developer_metadata)
        return out

    def drive_file(self) -> dict:
        return {"kind": "drive#file", "id": self.id, "name": self.title, "mimeType": MIMETYPE_SHEETS,
                "createdTime": _rfc3339(self.created), "modifiedTime": _rfc3339(self.modified),
                "parents": list(self.parents)}


class Model:
    """Every spreadsheet the server holds. Take `lock` around any read or change (requests and people both do)."""

    def __init__(self, clock=time.time):
        self.lock = threading.RLock()
        self.clock = clock
        self.spreadsheets: dict[str, Spreadsheet] = {}

    def create(self, title: str, sheets: dict[str, list[list]] | None = None, rows: int = 1000,
               cols: int = 26) -> Spreadsheet:
        """A new spreadsheet; `sheets` maps titles to rows of values stored as RAW (default: one empty Sheet1)."""
        with self.lock:
            sid = "1" + "".join(secrets.choice(_ID_CHARS) for _ in range(43))
            ss = Spreadsheet(sid, title, self.clock())
            for index, (name, data) in enumerate((sheets or {"Sheet1": []}).items()):
                width = max([cols] + [len(r) for r in data])
                sheet = Sheet(0 if index == 0 else ss.new_sheet_id(), name, index, max(rows, len(data)), width)
                sheet.rows = [[cells.from_raw(v) for v in r] for r in data]
                sheet.plain = all(type(v) is str or v is None for r in sheet.rows for v in r)
                ss.sheets.append(sheet)
            if ss.cell_count() > MAX_CELLS:
                raise cells_limit()
            self.spreadsheets[sid] = ss
            return ss

    def get(self, spreadsheet_id: str) -> Spreadsheet:
        try:
            return self.spreadsheets[spreadsheet_id]
        except KeyError:
            raise not_found() from None

    def delete(self, spreadsheet_id: str) -> None:
        with self.lock:
            self.get(spreadsheet_id)
            del self.spreadsheets[spreadsheet_id]

    def touch(self, ss: Spreadsheet) -> None:
        # Drive's modifiedTime must strictly advance so a reader can tell that something changed.
        ss.modified = max(self.clock(), ss.modified + 0.001)


__all__ = ["Model", "Sheet", "Spreadsheet", "MAX_CELLS", "MIMETYPE_SHEETS"]
