"""Reading a local .xlsx workbook into plain grids of cell text, with clear errors for unreadable files."""
from __future__ import annotations

import zipfile
from pathlib import Path


class WorkbookError(Exception):
    """The file cannot be read as a workbook; the message says why in Chinese and English."""


def read_workbook(path) -> dict[str, list[list]]:
    """Return {worksheet title: rows}, each row a list of cell values as openpyxl reads them (header first)."""
    import openpyxl

    p = Path(path)
    if not p.exists():
        raise WorkbookError(f"找不到文件 {p} / file not found: {p}")
    if not zipfile.is_zipfile(p):
        raise WorkbookError(f"{p} 不是 Excel 工作簿 (.xlsx) / not an .xlsx workbook: {p}")
    try:
        wb = openpyxl.load_workbook(p, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(f"无法读取工作簿 {p}: {exc} / cannot read workbook") from exc
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
