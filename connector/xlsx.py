"""The local workbook backend (.xlsx via openpyxl): locked, atomic, change-checked writes beside people."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Iterable, Mapping

from connector.base import (
    ROW_ID_HEADER, CellWrite, Grid, InitReport, KeptCopy, Ledger, LedgerError, Snapshot, WriteResult,
    append_matrix, cell_text, checked_batch, grid_from_values, plan_writes,
)
from connector import setup, xlsx_keep

FORMULA_PREFIXES = ("=", "+", "-", "@")
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")  # old .xls files and password-protected .xlsx
_MERGE_RE = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


class WorkbookError(LedgerError):
    """The file cannot be read as a workbook; the message says why in Chinese and English."""


def _load_bytes(path: Path) -> bytes:
    if not path.exists():
        raise WorkbookError(f"找不到文件 {path} / file not found: {path}")
    if path.is_dir():
        raise WorkbookError(f"{path} 是文件夹，不是工作簿 / is a folder, not a workbook: {path}")
    data = path.read_bytes()
    if not data:
        raise WorkbookError(f"{path} 是空文件,不是 Excel 工作簿 (.xlsx) / empty file, not an .xlsx workbook")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:8] == _OLE_SIGNATURE:
            raise WorkbookError(f"{path} 是旧版 .xls 或加了密码的工作簿，请在 Excel 中去掉密码并“另存为” .xlsx / "
                                f"an old .xls or password-protected workbook; save it as an unprotected .xlsx: {path}")
        raise WorkbookError(f"{path} 不是 Excel 工作簿 (.xlsx) / not an .xlsx workbook: {path}")
    return data


def _open(data: bytes, path: Path, read_only: bool):
    import openpyxl
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(f"无法读取工作簿 {path}: {exc} / cannot read workbook") from exc


def read_workbook(path) -> dict[str, list[list]]:
    """Return {worksheet title: rows}, each row a list of cell values as openpyxl reads them (header first)."""
    p = Path(path)
    wb = _open(_load_bytes(p), p, read_only=False)  # full load: rows padded to the sheet's width, merges kept
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _missing_sheet(path, title, present) -> WorkbookError:
    have = "、".join(present) or "(无)"
    return WorkbookError(f"工作簿 {path} 缺少工作表「{title}」(现有: {have});可运行 jiesu init 补齐 / "
                         f"workbook has no worksheet {title!r}")


def _merge_error(path, title, refs) -> WorkbookError:
    shown = "、".join(refs[:5]) + ("…" if len(refs) > 5 else "")
    return WorkbookError(f"工作表「{title}」有合并单元格 {shown},请取消合并后再保存 / worksheet {title!r} "
                         f"has merged cells ({', '.join(refs[:5])}); unmerge them")


def _safe_text(value):
    """Drop control characters openpyxl cannot store (they would make the whole save fail)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def set_cell(cell, value):
    """Put a value in a cell; text that looks like a formula stays text (data_type 's'), never a formula."""
    value = _safe_text(value)
    cell.value = None if value == "" else value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"


def _values(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _last_used_row(values: list[list]) -> int:
    for i in range(len(values), 0, -1):
        if any(cell_text(v) for v in values[i - 1]):
            return i
    return 0


class XlsxLedger(Ledger):
    """A ledger kept in one .xlsx file that people also open in Excel, WPS or LibreOffice."""

    def __init__(self, path, service_headers: Iterable[str] = (), *, attempts: int = 5):
        self.path = Path(path)
        self.service_headers = frozenset(service_headers) | {ROW_ID_HEADER}
        self.attempts = attempts

    # -- reading ---------------------------------------------------------------------------------
    def read(self, sheets: Iterable[str], optional: Iterable[str] = ()) -> Snapshot:
        data = _load_bytes(self.path)
        wb = _open(data, self.path, read_only=True)
        try:
            grids = {}
            names = wb.sheetnames
            zf = zipfile.ZipFile(io.BytesIO(data))
            sheets = list(dict.fromkeys(sheets))
            for title in sheets + [t for t in dict.fromkeys(optional) if t in names and t not in sheets]:
                if title not in names:
                    raise _missing_sheet(self.path, title, names)
                ws = wb[title]
                ws.reset_dimensions()  # some writers store a wrong <dimension>; read every row there is
                merges = _MERGE_RE.findall(zf.read(ws._worksheet_path))  # read-only sheets hide merges
                if merges:
                    raise _merge_error(self.path, title, [m.decode() for m in merges])
                grids[title] = grid_from_values(title, _values(ws))
            return Snapshot(grids, version=_digest(data))
        finally:
            wb.close()

    # -- writing ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self):
        """One writer at a time across processes (a sidecar lock file; Excel itself takes no lock we see)."""
        import fcntl
        lock_path = self.path.with_name(f".~{self.path.name}.jiesu-lock")
        with open(lock_path, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _rewrite(self, change):
        """Load the file fully, apply change(wb), save atomically; retry if someone saved meanwhile. Returns
        (change's outcome, the KeptCopy of the person's version when the save could drop part of it)."""
        try:
            return self._rewrite_locked(change)
        except OSError as exc:  # read-only folder, full disk, or (Windows) the file open in Excel
            raise LedgerError(f"无法保存工作簿 {self.path}: {exc.strerror or exc};文件可能被占用或只读,本次未写入,"
                              f"稍后重试 / cannot save the workbook ({exc}); nothing written", permanent=False) from exc

    def _rewrite_locked(self, change):
        with self._lock():
            for _ in range(self.attempts):
                data = _load_bytes(self.path)
                wb = _open(data, self.path, read_only=False)
                outcome = change(wb)
                fd, tmp = tempfile.mkstemp(prefix=f".~{self.path.stem}.", suffix=".xlsx", dir=self.path.parent)
                os.close(fd)
                try:
                    wb.save(tmp)
                    with contextlib.suppress(OSError):
                        os.chmod(tmp, self.path.stat().st_mode & 0o7777)
                    loaded = _digest(data)
                    if _digest(self.path.read_bytes()) != loaded:
                        continue  # a person saved while we worked: start again from their version
                    kept = self._keep_persons_version(data, loaded)
                    written = _digest(Path(tmp).read_bytes())
                    os.replace(tmp, self.path)
                    tmp = None
                    with contextlib.suppress(OSError):
                        xlsx_keep.note_saved(self.path, written)
                    return outcome, kept
                finally:
                    if tmp:
                        with contextlib.suppress(OSError):
                            os.unlink(tmp)
        raise LedgerError(f"工作簿 {self.path} 在写入期间反复被修改,本次未写入,稍后重试 / the workbook kept "
                          "changing while writing; nothing written, will retry", permanent=False)

    def _keep_persons_version(self, data: bytes, digest: str) -> KeptCopy | None:
        """openpyxl drops shapes, slicers, controls and more, and simplifies charts: when the file as a person
        last saved it has any, it is copied aside first (once per person's save; the service's own saves are
        recognised by their digest), so nothing they made is lost."""
        parts = xlsx_keep.lossy_parts(data)
        if not parts or xlsx_keep.saved_by_service(self.path, digest):
            return None
        copy = xlsx_keep.keep_copy(self.path, data, datetime.now())
        return KeptCopy(str(copy), tuple(parts))

    def _grid(self, wb, title) -> tuple[Grid, list[list]]:
        if title not in wb.sheetnames:
            raise _missing_sheet(self.path, title, wb.sheetnames)
        ws = wb[title]
        if ws.merged_cells.ranges:
            raise _merge_error(self.path, title, [str(r) for r in ws.merged_cells.ranges])
        values = _values(ws)
        return grid_from_values(title, values), values

    def write(self, writes: Iterable[CellWrite], appends: Mapping[str, list[Mapping]] | None = None,
              *, owner: str = "service") -> WriteResult:
        writes, appends = checked_batch(writes, appends, self.service_headers, owner)
        if not writes and not appends:
            return WriteResult()
        titles = list(dict.fromkeys([w.ref.sheet for w in writes] + list(appends)))

        def change(wb):
            grids, raw, missing = {}, {}, []
            for t in titles:
                try:
                    grids[t], raw[t] = self._grid(wb, t)
                except WorkbookError:
                    if t in appends:
                        raise
                    missing.append(t)  # reported per write by plan_writes
            planned, result = plan_writes(grids, writes, self.service_headers)
            for grid, row, values, _ in planned:
                ws = wb[grid.title]
                for header, value in values.items():
                    set_cell(ws.cell(row.number, grid.col(header) + 1), value)
            for title, rows in appends.items():
                grid = grids[title]
                matrix, ids = append_matrix(grid, rows)
                ws = wb[title]
                start = max(_last_used_row(raw[title]), 1) + 1
                for i, line in enumerate(matrix):
                    for j, value in enumerate(line):
                        if value != "":
                            set_cell(ws.cell(start + i, j + 1), value)
                result.appended[title] = ids
            return result

        result, kept = self._rewrite(change)
        result.kept = kept
        return result

    # -- setting up ------------------------------------------------------------------------------
    def init(self, spec: "setup.WorkbookSpec | None" = None) -> InitReport:
        spec = spec or setup.default_spec()
        report = InitReport()
        if not self.path.exists():
            import openpyxl
            self.path.parent.mkdir(parents=True, exist_ok=True)
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
            wb.create_sheet("_")
            wb.save(self.path)
            report.notes.append(f"新建工作簿 {self.path}")
            fresh = True
        else:
            fresh = False

        def change(wb):
            for sheet in spec.sheets:
                _init_sheet(wb, sheet, report)
            if fresh and "_" in wb.sheetnames and len(wb.sheetnames) > 1:
                wb.remove(wb["_"])
            return report

        report, kept = self._rewrite(change)
        if kept:
            report.notes.append(f"工作簿含{'、'.join(kept.parts)},写入前已把原文件另存为 {kept.path}")
        return report


def _init_sheet(wb, sheet: "setup.SheetSpec", report: InitReport):
    """Create or complete one worksheet: headers, styles, notes, dropdowns, status colours; no data removed."""
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    if sheet.title in wb.sheetnames:
        ws = wb[sheet.title]
    else:
        ws = wb.create_sheet(sheet.title)
        report.created_sheets.append(sheet.title)
    header = [cell_text(c.value) for c in ws[1]] if ws.max_row >= 1 else []
    while header and not header[-1]:
        header.pop()
    added = [h for h in sheet.headers() if h not in header]
    for h in added:
        header.append(h)
        ws.cell(1, len(header)).value = h
    if added and sheet.title not in report.created_sheets:
        report.added_columns[sheet.title] = added
    by_header = {c.header: c for c in sheet.columns}
    service = sheet.service_headers
    ws.freeze_panes = "A2"
    for i, h in enumerate(header):
        letter = setup.column_letter(i)
        cell = ws.cell(1, i + 1)
        own = h in service
        cell.font = Font(bold=True, italic=own, color="595959" if own else "000000")
        cell.fill = PatternFill("solid", fgColor=setup.SERVICE_HEADER_FILL if own else setup.HUMAN_HEADER_FILL)
        cell.protection = Protection(locked=True)
        dim = ws.column_dimensions[letter]
        # Locked cells take effect only when a coordinator protects the sheet (Review > Protect Sheet);
        # init leaves protection off because Excel then refuses sorting and deleting rows with locked cells.
        dim.protection = Protection(locked=own)
        if h == ROW_ID_HEADER:
            dim.hidden = True
            cell.comment = Comment(setup.ROW_ID_NOTE, "jiesu")
        elif own:
            cell.comment = Comment(setup.SERVICE_NOTE, "jiesu")
        if h in by_header and (h in added or sheet.title in report.created_sheets):
            dim.width = by_header[h].width
    # Dropdowns: replace only the ones init made before (columns may have moved), keep people's own.
    ws.data_validations.dataValidation = [dv for dv in ws.data_validations.dataValidation
                                          if dv.errorTitle != setup.VALIDATION_TITLE]
    for i, h in enumerate(header):
        col = by_header.get(h)
        if col and col.choices:
            letter = setup.column_letter(i)
            dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle=setup.VALIDATION_TITLE,
                                errorStyle="stop" if col.strict else "warning",
                                error="请从下拉列表中选择: " + "、".join(col.choices))
            dv.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(dv)
    if setup.STATUS_HEADER in header:
        existing = [r.formula for rng in ws.conditional_formatting for r in rng.rules]
        letter = setup.column_letter(header.index(setup.STATUS_HEADER))
        last = setup.column_letter(max(len(header) - 1, 0))
        for word, colour in setup.STATUS_COLOURS:
            formula = f'ISNUMBER(SEARCH("{word}",${letter}2))'
            if any(f and formula in f for f in existing):
                continue
            ws.conditional_formatting.add(
                f"A2:{last}1048576",
                FormulaRule(formula=[formula], fill=PatternFill("solid", fgColor=colour, bgColor=colour),
                            stopIfTrue=True))
