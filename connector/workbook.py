"""Reading a local .xlsx workbook into plain grids of cell text, with clear errors for unreadable files."""
from __future__ import annotations

import zipfile
from pathlib import Path


_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


class WorkbookError(Exception):
    """The file cannot be read as a workbook; the message says why in Chinese and English."""


def read_workbook(path) -> dict[str, list[list]]:
    """Return {worksheet title: rows}, each row a list of cell values as openpyxl reads them (header first)."""
    import openpyxl

    p = Path(path)
    if not p.exists():
        raise WorkbookError(f"找不到文件 {p} / file not found: {p}")
    if p.is_dir():
        raise WorkbookError(f"{p} 是文件夹，不是工作簿 / is a folder, not a workbook: {p}")
    if not zipfile.is_zipfile(p):
        with open(p, "rb") as f:
            head = f.read(8)
        if head == _OLE_SIGNATURE:  # the container of old .xls files and of password-protected .xlsx
            raise WorkbookError(f"{p} 是旧版 .xls 或加了密码的工作簿，请在 Excel 中去掉密码并“另存为” .xlsx / "
                                f"an old .xls or password-protected workbook; save it as an unprotected .xlsx: {p}")
        raise WorkbookError(f"{p} 不是 Excel 工作簿 (.xlsx) / not an .xlsx workbook: {p}")
    try:
        wb = openpyxl.load_workbook(p, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(f"无法读取工作簿 {p}: {exc} / cannot read workbook") from exc
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
