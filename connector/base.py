"""The one ledger interface: snapshots of worksheet grids, service-cell writes by row identity, appends."""
from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Iterable, Mapping

# Hidden service-owned column that gives every row the service has touched a stable identity.
ROW_ID_HEADER = "记录标识"
HEADER_ROW = 1  # the spreadsheet row of the headers; data starts on the next row


class LedgerError(Exception):
    """A ledger cannot be read or written; the message is Chinese then English.

    `permanent` says whether retrying later may help (False: quota, server or network trouble)."""

    def __init__(self, message: str, *, permanent: bool = True):
        super().__init__(message)
        self.permanent = permanent


class ServiceOnlyError(LedgerError, ValueError):
    """The caller asked to write a cell the service does not own; nothing was written."""


def cell_text(value) -> str:
    """The text of a cell as a person reads it, for fingerprints and id matching."""
    if type(value) is str:  # the common case first: this runs for every cell of every cycle
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalise_value(value):
    """Cell value as the interface hands it out: '' for empty, str/int/float/bool, dates as ISO text."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _header_key():
    """The schema's header comparison when sheets_schema provides one, else exact text."""
    try:
        from sheets_schema.columns import header_key
    except ImportError:
        return str
    return header_key


def new_row_id() -> str:
    """A fresh row identity: short, unguessable enough, and never confused with a number or a date."""
    return "R" + secrets.token_hex(6)


@dataclass(frozen=True)
class Row:
    """One data row as read: its spreadsheet row number and its values, aligned with the grid's header."""

    number: int
    values: tuple


@dataclass
class Grid:
    """One worksheet as read: header row (as typed, stripped) and data rows in sheet order."""

    title: str
    header: list[str]
    rows: list[Row]

    def __post_init__(self):
        self._human = {}
        self._index = {}
        self._keyed = {}
        key = _header_key()
        for i, h in enumerate(self.header):
            if h and h not in self._index:
                self._index[h] = i
                self._keyed.setdefault(key(h), i)

    def col(self, header: str) -> int | None:
        """0-based position of the column with this header text (or the schema's normalised form of it:
        full-width, spaces, 「*」 and 「(必填)」 ignored), or None when absent."""
        i = self._index.get(header)
        return i if i is not None else self._keyed.get(_header_key()(header))

    def value(self, row: Row, header: str):
        i = self.col(header)
        if i is None or i >= len(row.values):
            return ""
        return row.values[i]

    def record(self, row: Row) -> dict:
        """{header: value} for one row (columns without a header left out)."""
        return {h: self.value(row, h) for h in self._index}

    def records(self) -> list[dict]:
        return [self.record(r) for r in self.rows]

    def row_id(self, row: Row) -> str:
        return cell_text(self.value(row, ROW_ID_HEADER))

    def digest(self) -> str:
        """A hash of the header and every row (number and values): equal digests, equal grids. Used to
        notice that a whole worksheet is unchanged since a cycle without paying for a cell-by-cell look."""
        # marshal format 2 has no back-references, so equal values give equal bytes whatever objects hold
        # them; it is C-speed over the str/int/float/bool values a Grid holds (0.3 s for 3,000,000 cells).
        rows = [(r.number, r.values) for r in self.rows]
        return hashlib.blake2b(marshal.dumps((self.title, tuple(self.header), rows), 2),
                               digest_size=16).hexdigest()

    def ref(self, row: Row, service_headers: Iterable[str]) -> "RowRef":
        """The identity by which a later write finds this row again (see RowRef)."""
        rid = self.row_id(row)
        if rid:  # followed by its id; no fingerprint needed
            return RowRef(self.title, rid, row.number, "")
        key = frozenset(service_headers)
        cols = self._human.get(key)
        if cols is None:
            cols = self._human[key] = _human_columns(self, key)
        return RowRef(self.title, None, row.number, fingerprint(self, row, key, cols))


def _human_columns(grid: Grid, service_headers) -> list[tuple[str, int]]:
    skip = set(service_headers) | {ROW_ID_HEADER}
    return sorted((h.encode(), i) for h, i in grid._index.items() if h not in skip)


def fingerprint(grid: Grid, row: Row, service_headers: Iterable[str], _cols=None) -> str:
    """Hash of the row's human-owned cells by header (so reordering columns keeps it, editing them does not)."""
    values = row.values
    parts = []
    for name, i in _cols if _cols is not None else _human_columns(grid, service_headers):
        text = cell_text(values[i]) if i < len(values) else ""
        if text:
            parts.append(f"{name}\x1f{text}")
    return hashlib.blake2b("\x1e".join(parts).encode(), digest_size=12).hexdigest()


class RowIndex:
    """Rows of a fresh grid by 记录标识 and, for rows without one, by fingerprint (built once per write)."""

    def __init__(self, grid: Grid, service_headers):
        self.by_id: dict[str, list[Row]] = {}
        self.by_print: dict[str, list[Row]] = {}
        cols = _human_columns(grid, service_headers)
        id_col = grid.col(ROW_ID_HEADER)
        for r in grid.rows:
            rid = cell_text(r.values[id_col]) if id_col is not None else ""
            if rid:
                self.by_id.setdefault(rid, []).append(r)
            else:
                self.by_print.setdefault(fingerprint(grid, r, service_headers, cols), []).append(r)


@dataclass(frozen=True)
class RowRef:
    """A row's identity: its 记录标识 when it has one, else its row number plus a fingerprint of human cells."""

    sheet: str
    row_id: str | None
    number: int
    fingerprint: str


@dataclass
class Snapshot:
    """What one read returned: grids by worksheet title, plus a backend token of the version read."""

    grids: dict[str, Grid]
    version: object = None

    def __getitem__(self, title: str) -> Grid:
        return self.grids[title]


@dataclass(frozen=True)
class CellWrite:
    """Service-owned values for one row: {header: value}; the row is named by its RowRef.

    With `only_if_blank`, the values are dispatch columns (FILLABLE_HEADERS, owned by coordinators) that the
    service fills only where the cell is still blank when the write lands: a person's choice always wins."""

    ref: RowRef
    values: Mapping[str, object]
    only_if_blank: bool = False


# Coordinator-owned columns the service may fill while they are blank: dispatch from the 派单目录.
FILLABLE_HEADERS = frozenset({"承办单位", "配合单位"})


@dataclass
class Landed:
    """A write that landed: where the row was when written, and the row's identity (assigned if it was new)."""

    ref: RowRef
    number: int
    row_id: str


@dataclass
class Missed:
    """A write that was not made because its row could not be found for certain; reason in Chinese."""

    ref: RowRef
    reason: str


@dataclass(frozen=True)
class KeptCopy:
    """A person's version of a workbook saved aside before a rewrite that could drop parts of it."""

    path: str
    parts: tuple[str, ...]   # what the rewrite could lose, as people call it (图表, 切片器 …)


@dataclass
class WriteResult:
    landed: list[Landed] = field(default_factory=list)
    missed: list[Missed] = field(default_factory=list)
    appended: dict[str, list[str]] = field(default_factory=dict)  # sheet -> row ids of appended rows
    kept: KeptCopy | None = None  # the person's version, when the write could drop what they made


class Ledger(ABC):
    """A ledger workbook, local or Google; every other part of the service reads and writes through this."""

    service_headers: frozenset[str]

    @abstractmethod
    def read(self, sheets: Iterable[str], optional: Iterable[str] = ()) -> Snapshot:
        """Read these worksheets in one go; a missing worksheet or header row is a LedgerError. Worksheets in
        `optional` are read too when the workbook has them, and left out of the snapshot when it does not."""

    @abstractmethod
    def write(self, writes: Iterable[CellWrite], appends: Mapping[str, list[Mapping]] | None = None,
              *, owner: str = "service") -> WriteResult:
        """Re-locate each row by identity, write only service-owned cells in one batch, then append rows.
        owner="coordinator" writes coordinator-owned cells instead (a coordinator's action in the web
        dashboard, see docs/web.md); appends are the service's only."""

    def append(self, sheet: str, rows: list[Mapping]) -> list[str]:
        """Append rows ({header: value}) at the end of a worksheet; returns their assigned 记录标识."""
        return self.write([], {sheet: rows}).appended.get(sheet, [])

    @abstractmethod
    def init(self, spec) -> "InitReport":
        """Create or complete the workbook from a schema spec (see connector.setup); never deletes data."""


@dataclass
class InitReport:
    """What `init` did, for the command to print."""

    created_sheets: list[str] = field(default_factory=list)
    added_columns: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


WRITERS = ("service", "coordinator")


def coordinator_headers() -> frozenset[str]:
    """The ledger columns a logged-in coordinator's action may write (owner 协调机构 in the schema)."""
    from sheets_schema import COORDINATOR, LEDGER
    return frozenset(c.header for c in LEDGER.owned_by(COORDINATOR))


def check_service_only(writes: Iterable[CellWrite], service_headers, owner: str = "service") -> list[CellWrite]:
    """Refuse the whole batch if any write names a column the writer does not own: the service writes
    service-owned columns; owner="coordinator" (only an authenticated coordinator's web action) writes the
    schema's coordinator-owned columns of the ledger, and nothing else."""
    writes = list(writes)
    if owner not in WRITERS:
        raise ValueError(f"未知的写入方 {owner!r} / unknown writer {owner!r} (one of {WRITERS})")
    allowed = set(service_headers) | {ROW_ID_HEADER} if owner == "service" else coordinator_headers()
    for w in writes:
        bad = [h for h in w.values if h not in (FILLABLE_HEADERS if w.only_if_blank else allowed)]
        if bad:
            raise ServiceOnlyError(
                f"拒绝写入非服务列: {'、'.join(bad)}(工作表 {w.ref.sheet})/ refusing to write columns the "
                f"service does not own: {', '.join(bad)}")
    return writes


def checked_batch(writes: Iterable[CellWrite], appends, service_headers, owner: str
                  ) -> tuple[list[CellWrite], dict[str, list[Mapping]]]:
    """What every backend's write() checks first: columns the writer owns, appends only by the service,
    and empty appends dropped. Raises before anything is written."""
    writes = check_service_only(writes, service_headers, owner)
    if owner != "service" and appends:
        raise ValueError("只有系统可以追加行 / only the service appends rows")
    return writes, {k: v for k, v in (appends or {}).items() if v}


def locate(grid: Grid, ref: RowRef, service_headers, index: RowIndex | None = None
           ) -> tuple[Row | None, str]:
    """Find the row a RowRef names in a freshly read grid; (row, '') or (None, reason in Chinese)."""
    index = index or RowIndex(grid, service_headers)
    if ref.row_id:
        hits = index.by_id.get(ref.row_id, [])
        if len(hits) == 1:
            return hits[0], ""
        if not hits:
            return None, f"记录 {ref.row_id} 已不在工作表「{grid.title}」中(行被删除或标识被清除)"
        rows = "、".join(str(r.number) for r in hits)
        return None, f"记录标识 {ref.row_id} 在第 {rows} 行重复出现(可能复制了整行),无法确定写入哪一行"
    # A row the service has not stamped yet: found by its human cells, wherever it moved, if unique.
    twins = index.by_print.get(ref.fingerprint, [])
    if len(twins) == 1:
        return twins[0], ""
    if twins:
        return None, f"原第 {ref.number} 行有多行内容完全相同且尚无记录标识,无法确定写入哪一行"
    return None, f"原第 {ref.number} 行已被删除或修改,未写入"


def plan_writes(grids: Mapping[str, Grid], writes: list[CellWrite], service_headers
                ) -> tuple[list[tuple[Grid, Row, dict, str]], WriteResult]:
    """Locate every write in fresh grids: [(grid, row, values-with-id, row_id)] and the misses so far."""
    result = WriteResult()
    planned = []
    seen: dict[tuple[str, int], RowRef] = {}
    merged: dict[RowRef, dict] = {}
    fills: dict[RowRef, dict] = {}
    for w in writes:  # several writes for one row become one, so a new row gets one identity
        merged.setdefault(w.ref, {})
        (fills.setdefault(w.ref, {}) if w.only_if_blank else merged[w.ref]).update(w.values)
    writes = [CellWrite(ref, values) for ref, values in merged.items()]
    indexes: dict[str, RowIndex] = {}
    for w in writes:
        grid = grids.get(w.ref.sheet)
        if grid is None:
            result.missed.append(Missed(w.ref, f"工作表「{w.ref.sheet}」已不存在"))
            continue
        if grid.title not in indexes:
            indexes[grid.title] = RowIndex(grid, service_headers)
        row, reason = locate(grid, w.ref, service_headers, indexes[grid.title])
        if row is None:
            result.missed.append(Missed(w.ref, reason))
            continue
        key = (grid.title, row.number)
        if key in seen and seen[key] != w.ref:
            result.missed.append(Missed(w.ref, f"第 {row.number} 行已被另一条写入占用,未写入"))
            continue
        seen[key] = w.ref
        values = dict(w.values)
        values.update({h: v for h, v in fills.get(w.ref, {}).items()
                       if grid.col(h) is not None and not cell_text(grid.value(row, h))})
        # A new row gets the identity the caller reserved for it (so a number bound to that identity before
        # the write stays valid if the write must be redone), else a fresh one.
        rid = grid.row_id(row) or w.ref.row_id or cell_text(values.get(ROW_ID_HEADER)) or new_row_id()
        if not grid.row_id(row):
            values[ROW_ID_HEADER] = rid
        missing = [h for h in values if grid.col(h) is None]
        if missing:
            result.missed.append(Missed(w.ref, f"工作表「{grid.title}」缺少列: {'、'.join(missing)}"))
            continue
        planned.append((grid, row, values, rid))
        result.landed.append(Landed(w.ref, row.number, rid))
    return planned, result


def append_matrix(grid: Grid, rows: list[Mapping]) -> tuple[list[list], list[str]]:
    """Lay out rows to append in the grid's current column order, stamping each with a new 记录标识."""
    width = len(grid.header)
    out, ids = [], []
    for rec in rows:
        unknown = [h for h in rec if grid.col(h) is None]
        if unknown:
            raise LedgerError(f"工作表「{grid.title}」没有这些列: {'、'.join(unknown)} / "
                              f"worksheet {grid.title!r} has no columns: {', '.join(unknown)}")
        line = [""] * width
        for h, v in rec.items():
            line[grid.col(h)] = "" if v is None else v
        if grid.col(ROW_ID_HEADER) is not None and not cell_text(rec.get(ROW_ID_HEADER)):
            rid = new_row_id()
            line[grid.col(ROW_ID_HEADER)] = rid
        else:
            rid = cell_text(rec.get(ROW_ID_HEADER))
        ids.append(rid)
        out.append(line)
    return out, ids


def grid_from_values(title: str, values: list[list]) -> Grid:
    """Build a Grid from a raw 2-D list whose first row is the header; blank trailing rows dropped."""
    if not values or not any(cell_text(v) for v in values[0]):
        raise LedgerError(f"工作表「{title}」第 1 行没有表头 / worksheet {title!r} has no header row",
                          permanent=True)
    header = [cell_text(v) for v in values[0]]
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise LedgerError(f"工作表「{title}」表头重复: {'、'.join(dupes)} / duplicate headers in {title!r}: "
                          f"{', '.join(dupes)}")
    return Grid(title, header, _data_rows(values, len(header)))


# Cell types that normalise_value hands back unchanged; a row of only these needs no per-cell call. An int or
# bool cell is never blank (cell_text gives its digits or True/False), so only all-text rows need a look.
_NOT_TEXT = frozenset({int, bool})
_UNCHANGED = frozenset({str}) | _NOT_TEXT


def _data_rows(values: list[list], width: int, *, fast: bool = True) -> list[Row]:
    """The non-blank rows under the header, cut or padded to `width` cells; `fast=False` is the plain
    per-cell path, kept as the reference the fast one is tested against."""
    rows = []
    strip = str.strip
    for i, raw in enumerate(values[1:], start=HEADER_ROW + 1):
        cut = raw[:width]
        if fast:
            kinds = set(map(type, cut))  # C-speed; the Sheets API's rows are all str (see gsheets.READ_PARAMS)
            if kinds <= _UNCHANGED:
                # any() stops at the first non-blank cell, usually the first; a text-only row of empty or
                # whitespace-only cells is blank, as cell_text says.
                if _NOT_TEXT.isdisjoint(kinds) and not any(map(strip, cut)):
                    continue
                vals = tuple(cut)
                rows.append(Row(i, vals if len(vals) == width else vals + ("",) * (width - len(vals))))
                continue
        vals = [normalise_value(v) for v in cut]
        vals += [""] * (width - len(vals))
        if any(cell_text(v) for v in vals):
            rows.append(Row(i, tuple(vals)))
    return rows
