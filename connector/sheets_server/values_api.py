"""spreadsheets.values.*: get, batchGet, update, batchUpdate, append, clear, batchClear on the model."""
from __future__ import annotations

from connector.sheets_server import cells
from connector.sheets_server.a1 import Bounds, ParsedRange, RangeError, col_to_letters, format_range, parse_range
from connector.sheets_server.errors import ApiError, cell_too_long, cells_limit, invalid
from connector.sheets_server.model import MAX_CELLS, Sheet, Spreadsheet

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
# Stored types cells.render hands back unchanged, per valueRenderOption (numbers and booleans are reformatted
# only for FORMATTED_VALUE; floats may lose a '.0' under the others, so they always go through render).
_AS_STORED = {"FORMATTED_VALUE": frozenset({str, type(None)}),
              "UNFORMATTED_VALUE": frozenset({str, type(None), int, bool}),
              "FORMULA": frozenset({str, type(None), int, bool})}
INPUT_OPTIONS = ("RAW", "USER_ENTERED")


def resolve(ss: Spreadsheet, text: str) -> tuple[Sheet, ParsedRange]:
    """Find the sheet a range names; Google answers unknown sheets and bad syntax alike."""
    try:
        parsed = parse_range(text)
        return ss.sheet(parsed.sheet), parsed
    except (RangeError, LookupError):
        raise invalid(f"Unable to parse range: {text}") from None


def _exceeds(sheet: Sheet, b: Bounds) -> ApiError:
    return invalid(f"Range ({format_range(sheet.title, b)}) exceeds grid limits. Max rows: {sheet.row_count}, "
                   f"max columns: {sheet.col_count}")


def read_bounds(sheet: Sheet, parsed: ParsedRange) -> Bounds:
    """Clamp a range to the grid for reading; a start outside the grid is an error, like Google's."""
    b = parsed.bounds
    if b.row0 >= sheet.row_count or b.col0 >= sheet.col_count:
        raise _exceeds(sheet, Bounds(b.row0, b.col0, b.row0 + 1, b.col0 + 1))
    return b.clamp(sheet.row_count, sheet.col_count)


def _check_option(name: str, value: str, allowed) -> None:
    if value not in allowed:
        raise invalid(f"Invalid value at '{name}' ({value!r}): must be one of {', '.join(allowed)}")


def _input_option(option) -> str:
    """valueInputOption is required on every write, as at Google."""
    if not option:
        raise invalid("'valueInputOption' is required but not specified")
    _check_option("valueInputOption", option, INPUT_OPTIONS)
    return option


def _trim(rows: list[list]) -> list[list]:
    """Google's trimming: no trailing empty cells in a row, no trailing empty rows; empty cells inside are ''."""
    out = []
    for row in rows:
        if not row or (row[-1] is not None and None not in row):
            out.append(row)  # nothing to trim or fill: the usual full ledger row
            continue
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        out.append(["" if v is None else v for v in row[:end]])
    while out and not out[-1]:
        out.pop()
    return out


def _transpose(rows: list[list]) -> list[list]:
    width = max((len(r) for r in rows), default=0)
    return [[r[c] if c < len(r) else None for r in rows] for c in range(width)]


def value_range(ss: Spreadsheet, text: str, params) -> dict:
    """One ValueRange: {"range", "majorDimension", "values"?} as values.get answers it."""
    render = params.get("valueRenderOption") or "FORMATTED_VALUE"
    dates = params.get("dateTimeRenderOption") or "SERIAL_NUMBER"
    major = params.get("majorDimension") or "ROWS"
    _check_option("valueRenderOption", render, RENDER_OPTIONS)
    _check_option("majorDimension", major, ("ROWS", "COLUMNS"))
    sheet, parsed = resolve(ss, text)
    b = read_bounds(sheet, parsed)
    block = sheet.block(b)
    if sheet.plain:
        rendered = block  # text and empty cells render as they are stored; the common case for a ledger
    else:
        # Rows holding only types that render as stored (checked at C speed) skip the per-cell call.
        same = _AS_STORED[render]
        rendered = [row if set(map(type, row)) <= same else
                    [cells.render(v, render, dates, sheet.evaluate) for v in row] for row in block]
    if major == "COLUMNS":
        rendered = _transpose(rendered)
    out = {"range": format_range(sheet.title, b), "majorDimension": major}
    values = _trim(rendered)
    if values:
        out["values"] = values
    return out


def batch_get(ss: Spreadsheet, ranges: list[str], params) -> dict:
    return {"spreadsheetId": ss.id, "valueRanges": [value_range(ss, r, params) for r in ranges]}


class _Skip:
    """Marks a null in request values: Google leaves that cell as it is."""


_SKIP = _Skip()


def _convert(values, option: str, major: str) -> list[list]:
    """Request values → stored values (None = empty the cell, _SKIP = leave it)."""
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise invalid("Invalid values: expected a list of lists (ListValue of ListValue).")
    convert = cells.from_raw if option == "RAW" else cells.from_user_entered
    try:
        rows = [[_SKIP if v is None else convert(v) for v in row] for row in values]
    except cells.CellTooLong:
        raise cell_too_long() from None
    if major == "COLUMNS":
        width = max((len(r) for r in rows), default=0)
        rows = [[r[c] if c < len(r) else _SKIP for r in rows] for c in range(width)]
    return rows


def _extent(rows: list[list]) -> tuple[int, int]:
    return len(rows), max((len(r) for r in rows), default=0)


def _write(sheet: Sheet, r0: int, c0: int, rows: list[list]) -> None:
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not _SKIP:
                sheet.set_cell(r0 + i, c0 + j, value)


def _plan_update(ss: Spreadsheet, text: str, values, option: str, major: str):
    """Validate one range write without changing anything; returns (sheet, rows, written bounds)."""
    sheet, parsed = resolve(ss, text)
    rows = _convert(values, option, major)
    height, width = _extent(rows)
    b = parsed.bounds
    if not parsed.bounds.single_cell and not parsed.whole_sheet:
        limit = b.clamp(sheet.row_count, sheet.col_count)
        if b.row1 is not None and b.row0 + height > b.row1:
            raise invalid(f"Requested writing within range [{format_range(sheet.title, limit)}], but tried "
                          f"writing to row [{b.row0 + height}]")
        if b.col1 is not None and b.col0 + width > b.col1:
            raise invalid(f"Requested writing within range [{format_range(sheet.title, limit)}], but tried "
                          f"writing to column [{col_to_letters(b.col0 + width - 1)}]")
    written = Bounds(b.row0, b.col0, b.row0 + max(height, 1), b.col0 + max(width, 1))
    if written.row1 > sheet.row_count or written.col1 > sheet.col_count:
        raise _exceeds(sheet, written)
    return sheet, rows, written


def _update_reply(ss: Spreadsheet, sheet: Sheet, rows, written: Bounds, params) -> dict:
    height, width = _extent(rows)
    out = {"spreadsheetId": ss.id, "updatedRange": format_range(sheet.title, written)}
    if height:
        out.update(updatedRows=height, updatedColumns=width,
                   updatedCells=sum(1 for row in rows for v in row if v is not _SKIP))
    if _flag(params.get("includeValuesInResponse")):
        out["updatedData"] = value_range(ss, format_range(sheet.title, written), {
            "valueRenderOption": params.get("responseValueRenderOption"),
            "dateTimeRenderOption": params.get("responseDateTimeRenderOption")})
    return out


def _flag(value) -> bool:
    return str(value).lower() == "true"


def update(model, ss: Spreadsheet, text: str, params, body: dict) -> dict:
    option = _input_option(params.get("valueInputOption"))
    sheet, rows, written = _plan_update(ss, text, body.get("values"), option, body.get("majorDimension") or "ROWS")
    _write(sheet, written.row0, written.col0, rows)
    model.touch(ss)
    return _update_reply(ss, sheet, rows, written, params)


def batch_update(model, ss: Spreadsheet, body: dict) -> dict:
    option = _input_option(body.get("valueInputOption"))
    plans = [_plan_update(ss, d.get("range", ""), d.get("values"), option, d.get("majorDimension") or "ROWS")
             for d in body.get("data") or []]
    for sheet, rows, written in plans:  # every range checked before any is written: the call is atomic
        _write(sheet, written.row0, written.col0, rows)
    if plans:
        model.touch(ss)
    params = {"includeValuesInResponse": body.get("includeValuesInResponse"),
              "responseValueRenderOption": body.get("responseValueRenderOption"),
              "responseDateTimeRenderOption": body.get("responseDateTimeRenderOption")}
    responses = [_update_reply(ss, s, rows, w, params) for s, rows, w in plans]
    out = {"spreadsheetId": ss.id}
    if plans:
        out.update(totalUpdatedRows=sum(r.get("updatedRows", 0) for r in responses),
                   totalUpdatedColumns=max(r.get("updatedColumns", 0) for r in responses),
                   totalUpdatedCells=sum(r.get("updatedCells", 0) for r in responses),
                   totalUpdatedSheets=len({s.id for s, _, _ in plans}), responses=responses)
    return out


def append(model, ss: Spreadsheet, text: str, params, body: dict) -> dict:
    """Find the logical table the range touches and write after its last row (growing the grid if needed)."""
    option = _input_option(params.get("valueInputOption"))
    insert = params.get("insertDataOption") or "OVERWRITE"
    _check_option("insertDataOption", insert, ("OVERWRITE", "INSERT_ROWS"))
    sheet, parsed = resolve(ss, text)
    rows = _convert(body.get("values"), option, body.get("majorDimension") or "ROWS")
    height, width = _extent(rows)
    search = read_bounds(sheet, parsed)
    last = sheet.last_nonempty(search)
    out = {"spreadsheetId": ss.id}
    if last is None:
        row0, col0 = search.row0, search.col0
    else:
        table = sheet.table_around(*last)
        out["tableRange"] = format_range(sheet.title, table)
        row0, col0 = table.row1, table.col0
    written = Bounds(row0, col0, row0 + max(height, 1), col0 + max(width, 1))
    grow_rows = max(0, written.row1 - sheet.row_count) if insert == "OVERWRITE" else height
    grow_cols = max(0, written.col1 - sheet.col_count)
    added = (sheet.row_count + grow_rows) * (sheet.col_count + grow_cols) - sheet.row_count * sheet.col_count
    if ss.cell_count() + added > MAX_CELLS:
        raise cells_limit()
    if height:
        if insert == "INSERT_ROWS":
            sheet.insert_rows(row0, height)
        elif grow_rows:
            sheet.set_grid(rows=sheet.row_count + grow_rows)
        if grow_cols:
            sheet.set_grid(cols=sheet.col_count + grow_cols)
        _write(sheet, row0, col0, rows)
        model.touch(ss)
    out["updates"] = _update_reply(ss, sheet, rows, written, params)
    return out


def clear(model, ss: Spreadsheet, text: str) -> str:
    sheet, parsed = resolve(ss, text)
    b = read_bounds(sheet, parsed)
    sheet.clear(b)
    model.touch(ss)
    return format_range(sheet.title, b)


def batch_clear(model, ss: Spreadsheet, ranges: list[str]) -> dict:
    planned = []
    for text in ranges:
        sheet, parsed = resolve(ss, text)
        planned.append((sheet, read_bounds(sheet, parsed)))
    for sheet, b in planned:
        sheet.clear(b)
    if planned:
        model.touch(ss)
    return {"spreadsheetId": ss.id, "clearedRanges": [format_range(s.title, b) for s, b in planned]}
