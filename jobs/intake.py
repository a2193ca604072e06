"""Other intake sources (a 12345 export file, a form's responses sheet) into the store's intake queue;
the next cycle appends them to the ledger through the same validation as typed rows."""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from connector.base import LedgerError, cell_text
from sheets_schema import LEDGER

DEFAULT_CHANNEL = {"file": "12345热线", "sheet": "政府网站"}


@dataclass
class ImportReport:
    source: str
    added: int = 0
    already: int = 0


def read_rows(source, cfg) -> list[dict]:
    """The source's rows as {source header: text}: CSV (UTF-8 or GB18030, as 12345 systems export) or xlsx
    files, or a spreadsheet's worksheet (gsheets)."""
    if source.kind == "file":
        path = Path(source.path)
        if not path.exists():
            raise LedgerError(f"找不到导入文件 {path} / import file not found: {path}")
        if path.suffix.lower() == ".csv":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            return [dict(r) for r in csv.DictReader(io.StringIO(text))]
        from connector.xlsx import read_workbook
        sheets = read_workbook(path)
        grid = sheets.get(source.worksheet) if source.worksheet else next(iter(sheets.values()), [])
        return _records(grid or [])
    from connector import open_ledger
    ledger = open_ledger("gsheets", key=source.key, api_base=cfg.ledger.api_base, service_headers=frozenset())
    title = source.worksheet or "表单回复 1"
    return ledger.read([title])[title].records()


def _records(grid: list[list]) -> list[dict]:
    if not grid:
        return []
    header = [cell_text(h) for h in grid[0]]
    return [{h: v for h, v in zip(header, row) if h} for row in grid[1:]]


def to_ledger_fields(row: dict, columns, kind: str) -> dict:
    """{ledger header: text}: mapped columns, plus columns already named like the ledger's."""
    ledger_headers = set(LEDGER.headers)
    fields = {}
    for src, value in row.items():
        target = columns.get(src) or (src if src in ledger_headers else None)
        text = cell_text(value)
        if target and text and target not in fields:
            fields[target] = text
    if fields:
        fields.setdefault("渠道", DEFAULT_CHANNEL.get(kind, "其他"))
    return fields


def source_key(source_name: str, row: dict) -> str:
    """The same source row always gets the same key, so importing a file twice adds nothing twice."""
    canon = "\x1e".join(f"{k}\x1f{cell_text(v)}" for k, v in sorted(row.items()) if cell_text(v))
    return f"{source_name}:{hashlib.sha256(canon.encode()).hexdigest()[:32]}"


def import_source(cfg, source, store, now) -> ImportReport:
    report = ImportReport(source.name)
    for row in read_rows(source, cfg):
        fields = to_ledger_fields(row, source.columns, source.kind)
        if not fields:
            continue
        _, created = store.intake_add(fields, now, source_key=source_key(source.name, row))
        if created:
            report.added += 1
        else:
            report.already += 1
    return report
