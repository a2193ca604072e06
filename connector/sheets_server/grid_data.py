"""spreadsheets.get with includeGridData=true: each cell's entered, effective and formatted value and its
data validation, for the whole grid or the requested ranges."""
from __future__ import annotations

from connector.sheets_server import cells
from connector.sheets_server.a1 import Bounds
from connector.sheets_server.model import Sheet, Spreadsheet


def _typed(value) -> dict:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    if isinstance(value, cells.DateValue):
        return {"numberValue": value.serial}
    return {"stringValue": value}


def cell_data(sheet: Sheet, value) -> dict:
    """One CellData without formats: userEnteredValue, effectiveValue, formattedValue."""
    if value is None:
        return {}
    if isinstance(value, cells.Formula):
        result = sheet.evaluate(value)
        failed = isinstance(result, str) and result.startswith("#")
        effective = {"errorValue": {"type": "ERROR", "message": result}} if failed else _typed(result)
        return {"userEnteredValue": {"formulaValue": value.text}, "effectiveValue": effective,
                "formattedValue": cells.render(value, "FORMATTED_VALUE", "SERIAL_NUMBER", sheet.evaluate)}
    return {"userEnteredValue": _typed(value), "effectiveValue": _typed(value),
            "formattedValue": cells.render(value, "FORMATTED_VALUE", "SERIAL_NUMBER", sheet.evaluate)}


def _validations(sheet: Sheet, b: Bounds) -> dict[tuple[int, int], dict]:
    """Which rule covers each cell inside b: later setDataValidation requests win, one without a rule clears."""
    rules: dict[tuple[int, int], dict] = {}
    for request in sheet.data_validations:
        grid = request.get("range", {})
        rows = range(max(grid.get("startRowIndex", 0), b.row0), min(grid.get("endRowIndex", sheet.row_count), b.row1))
        cols = range(max(grid.get("startColumnIndex", 0), b.col0),
                     min(grid.get("endColumnIndex", sheet.col_count), b.col1))
        for r in rows:
            for c in cols:
                if request.get("rule"):
                    rules[(r, c)] = request["rule"]
                else:
                    rules.pop((r, c), None)
    return rules


def grid_block(sheet: Sheet, b: Bounds) -> dict:
    """One GridData: rows up to the last one with content, cells up to the last one with content."""
    rules = _validations(sheet, b)
    row_data = []
    for r in range(b.row0, b.row1):
        values = [cell_data(sheet, sheet.cell(r, c)) for c in range(b.col0, b.col1)]
        for c, rule in ((c, rules.get((r, c))) for c in range(b.col0, b.col1)):
            if rule:
                values[c - b.col0]["dataValidation"] = rule
        while values and not values[-1]:
            values.pop()
        row_data.append({"values": values} if values else {})
    while row_data and not row_data[-1]:
        row_data.pop()
    out = {"rowData": row_data}
    if b.row0:
        out["startRow"] = b.row0
    if b.col0:
        out["startColumn"] = b.col0
    return out


def with_grid_data(ss: Spreadsheet, requested: list[tuple[Sheet, Bounds]]) -> dict:
    """Spreadsheet metadata with `data` on each sheet: the requested blocks, or the whole grid when none."""
    meta = ss.metadata()
    for sheet, entry in zip(ss.sheets, meta["sheets"]):
        if requested:
            blocks = [grid_block(sheet, b) for s, b in requested if s is sheet]
        else:
            blocks = [grid_block(sheet, Bounds(0, 0, _content_rows(sheet), sheet.col_count))]
        if blocks:
            entry["data"] = blocks
    return meta


def _content_rows(sheet: Sheet) -> int:
    """Rows that hold a value or a validation rule (the rest of the grid has nothing to show)."""
    ends = [v.get("range", {}).get("endRowIndex", sheet.row_count) for v in sheet.data_validations if v.get("rule")]
    return min(sheet.row_count, max([len(sheet.rows)] + ends))
