"""Typed rows for other parts (numbering, deadlines, jobs): {header: value} per non-blank row."""
from __future__ import annotations

from dataclasses import dataclass

from sheets_schema import parse
from sheets_schema.cells import parse_cell
from sheets_schema.columns import DATE, DATETIME, Sheet
from sheets_schema.fast import parse_time_column
from sheets_schema.validate import Columns, MissingHeaders, locate, missing_headers


@dataclass(frozen=True)
class Record:
    """One row: `row` is the spreadsheet row number; `values` maps each located header to its typed value
    (datetime, date, str, int, tuple of E.164 phones or unit names), None when blank or not parseable;
    `raw` maps each located header to the cell exactly as read."""
    row: int
    values: dict
    raw: dict


def read_records(sheet: Sheet, rows: list[list], profile=None, only=None) -> list[Record]:
    """Every row with anything typed in it, typed by the schema; wrong cells read as None (validate reports
    them). `only` (a set of headers) types just those columns, for callers that need a few. Raises
    MissingHeaders like validation does."""
    index, _ = locate(sheet, rows[0] if rows else ())
    if missing_headers(sheet, index, profile):
        raise MissingHeaders({sheet.name: missing_headers(sheet, index, profile)})
    if len(rows) < 2:
        return []
    cols = Columns(rows, max(index.values()) + 1)
    typed = {}
    for header, position in index.items():
        if only is not None and header not in only:
            continue
        column = sheet.column(header)
        values = cols[position]
        if column.kind in (DATETIME, DATE):
            stamps = parse_time_column(column, values, profile)[0]
            as_python = stamps.astype(object).tolist()  # NaT becomes None
            if column.kind == DATE:
                as_python = [None if s is None else s.date() for s in as_python]
            typed[header] = as_python
        else:
            cache, out = {}, []
            for v in values:
                key = (v.__class__, v) if v.__class__ in (str, int, float, bool, type(None)) else None
                if key is not None and key in cache:
                    out.append(cache[key])
                    continue
                try:
                    value = None if parse.is_blank(v) else parse_cell(column, v, profile)
                except parse.CellError:
                    value = None
                if key is not None:
                    cache[key] = value
                out.append(value)
            typed[header] = out
    records = []
    for i in range(len(rows) - 1):
        raw = {h: cols[p][i] for h, p in index.items()}
        if all(parse.is_blank(v) for v in raw.values()):
            continue
        records.append(Record(i + 2, {h: col[i] for h, col in typed.items()}, raw))
    return records
