"""spreadsheets:batchUpdate: structural requests applied to the model, formatting-like ones recorded as sent."""
from __future__ import annotations

import copy
import random

from connector.sheets_server import cells
from connector.sheets_server.a1 import Bounds
from connector.sheets_server.developer_metadata import (create_developer_metadata, delete_developer_metadata,
                                                        update_developer_metadata)
from connector.sheets_server.errors import ApiError, cell_too_long, cells_limit, invalid
from connector.sheets_server.fields import apply_fields
from connector.sheets_server.model import MAX_CELLS, Sheet, Spreadsheet

# Requests that change only looks, rules or bookkeeping: accepted and kept on the sheet for inspection.
RECORDED = {
    "repeatCell", "updateBorders", "updateDimensionProperties", "autoResizeDimensions", "addBanding",
    "updateBanding", "deleteBanding", "addChart", "updateChartSpec", "deleteEmbeddedObject", "addFilterView",
    "updateFilterView", "deleteFilterView", "duplicateFilterView", "addDimensionGroup", "deleteDimensionGroup",
    "updateDimensionGroup", "updateEmbeddedObjectPosition", "updateEmbeddedObjectBorder", "addSlicer",
    "updateSlicerSpec", "updateNamedRange", "deleteNamedRange",
}
# Requests Google has that would change values here but that this server does not model.
UNMODELLED = {
    "autoFill", "cutPaste", "copyPaste", "findReplace", "insertRange", "deleteRange", "moveDimension", "pasteData",
    "textToColumns", "randomizeRange", "trimWhitespace", "deleteDuplicates", "appendCells", "duplicateSheet",
    "addDataSource", "updateDataSource", "deleteDataSource", "refreshDataSource", "cancelDataSourceRefresh",
    "addTable", "updateTable", "deleteTable",
}


def _grid_bounds(sheet: Sheet, grid: dict) -> Bounds:
    return Bounds(grid.get("startRowIndex", 0), grid.get("startColumnIndex", 0),
                  grid.get("endRowIndex", sheet.row_count), grid.get("endColumnIndex", sheet.col_count))


def _check_growth(ctx: "Context", sheet: Sheet | None, rows: int, cols: int) -> None:
    """Refuse, before changing anything, a grid size that would pass Google's 10-million-cell limit."""
    current = 0 if sheet is None else sheet.row_count * sheet.col_count
    if ctx.ss.cell_count() - current + rows * cols > MAX_CELLS:
        raise cells_limit(ctx.prefix)


class Context:
    """One batchUpdate in progress: the spreadsheet and the 'Invalid requests[i].kind: ' prefix for errors."""

    def __init__(self, ss: Spreadsheet, index: int, kind: str):
        self.ss = ss
        self.prefix = f"Invalid requests[{index}].{kind}: "

    def error(self, message: str) -> ApiError:
        return invalid(self.prefix + message)

    def sheet(self, sheet_id) -> Sheet:
        return self.ss.sheet_by_id(sheet_id, self.prefix)


def add_sheet(ctx: Context, body: dict) -> dict:
    props = copy.deepcopy(body.get("properties", {}))
    title = props.get("title") or f"Sheet{len(ctx.ss.sheets) + 1}"
    if any(s.title == title for s in ctx.ss.sheets):
        raise ctx.error(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = ctx.ss.new_sheet_id()
    elif any(s.id == sheet_id for s in ctx.ss.sheets):
        raise ctx.error(f"Sheet with id {sheet_id} already exists.")
    grid = props.get("gridProperties", {})
    _check_growth(ctx, None, grid.get("rowCount", 1000), grid.get("columnCount", 26))
    index = min(props.get("index", len(ctx.ss.sheets)), len(ctx.ss.sheets))
    sheet = Sheet(sheet_id, title, index, grid.get("rowCount", 1000), grid.get("columnCount", 26))
    for key, value in props.items():
        if key not in ("sheetId", "title", "index"):
            if key == "gridProperties":
                sheet.properties["gridProperties"].update(value)
            else:
                sheet.properties[key] = value
    ctx.ss.sheets.insert(index, sheet)
    ctx.ss.reindex()
    return {"addSheet": {"properties": copy.deepcopy(sheet.properties)}}


def delete_sheet(ctx: Context, body: dict) -> dict:
    sheet = ctx.sheet(body.get("sheetId"))
    if len(ctx.ss.sheets) == 1:
        raise ctx.error("You can't remove all the sheets in a document.")
    ctx.ss.sheets.remove(sheet)
    ctx.ss.reindex()
    return {}


def update_sheet_properties(ctx: Context, body: dict) -> dict:
    props = body.get("properties", {})
    fields = body.get("fields")
    if not fields:
        raise ctx.error("At least one field must be updated, but none were specified.")
    sheet = ctx.sheet(props.get("sheetId"))
    new = copy.deepcopy(sheet.properties)
    apply_fields(new, props, fields)
    title = new.get("title")
    if title != sheet.title and any(s.title == title for s in ctx.ss.sheets):
        raise ctx.error(f'A sheet with the name "{title}" already exists. Please enter another name.')
    grid = new.setdefault("gridProperties", {})
    rows, cols = grid.get("rowCount", sheet.row_count), grid.get("columnCount", sheet.col_count)
    if rows < 1 or cols < 1:
        raise ctx.error("The grid must have at least one row and one column.")
    _check_growth(ctx, sheet, rows, cols)
    for key in ("frozenRowCount", "frozenColumnCount"):
        if grid.get(key) == 0:
            grid.pop(key)  # Google leaves zero counts out of the metadata
    index = new.pop("index", sheet.properties["index"])
    old_rows, old_cols = sheet.row_count, sheet.col_count
    sheet.properties = new
    new["gridProperties"]["rowCount"], new["gridProperties"]["columnCount"] = old_rows, old_cols
    sheet.set_grid(rows, cols)
    ctx.ss.sheets.remove(sheet)
    ctx.ss.sheets.insert(min(index, len(ctx.ss.sheets)), sheet)
    ctx.ss.reindex()
    return {}


def update_spreadsheet_properties(ctx: Context, body: dict) -> dict:
    apply_fields(ctx.ss.properties, body.get("properties", {}), body.get("fields") or "")
    return {}


def _dimension(ctx: Context, rng: dict) -> tuple[Sheet, str, int, int]:
    sheet = ctx.sheet(rng.get("sheetId"))
    dimension = rng.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise ctx.error("dimension must be ROWS or COLUMNS")
    size = sheet.row_count if dimension == "ROWS" else sheet.col_count
    start, end = rng.get("startIndex", 0), rng.get("endIndex", size)
    return sheet, dimension, start, end


def insert_dimension(ctx: Context, body: dict) -> dict:
    sheet, dimension, start, end = _dimension(ctx, body.get("range", {}))
    size = sheet.row_count if dimension == "ROWS" else sheet.col_count
    if start < 0 or end <= start or start > size:
        raise ctx.error(f"Invalid range: startIndex {start}, endIndex {end} for a sheet of size {size}.")
    if body.get("inheritFromBefore") and start == 0:
        raise ctx.error("Cannot inherit from before when inserting at index 0.")
    count = end - start
    if dimension == "ROWS":
        _check_growth(ctx, sheet, sheet.row_count + count, sheet.col_count)
        sheet.insert_rows(start, count)
    else:
        _check_growth(ctx, sheet, sheet.row_count, sheet.col_count + count)
        sheet.insert_cols(start, count)
    return {}


def append_dimension(ctx: Context, body: dict) -> dict:
    sheet = ctx.sheet(body.get("sheetId"))
    length = body.get("length", 0)
    if body.get("dimension") == "ROWS":
        _check_growth(ctx, sheet, sheet.row_count + length, sheet.col_count)
        sheet.set_grid(rows=sheet.row_count + length)
    else:
        _check_growth(ctx, sheet, sheet.row_count, sheet.col_count + length)
        sheet.set_grid(cols=sheet.col_count + length)
    return {}


def delete_dimension(ctx: Context, body: dict) -> dict:
    sheet, dimension, start, end = _dimension(ctx, body.get("range", {}))
    size = sheet.row_count if dimension == "ROWS" else sheet.col_count
    if start < 0 or end <= start or end > size:
        raise ctx.error(f"Invalid range: startIndex {start}, endIndex {end} for a sheet of size {size}.")
    if end - start == size:
        what = "rows" if dimension == "ROWS" else "columns"
        raise ctx.error(f"You can't delete all the {what} on the sheet.")
    (sheet.delete_rows if dimension == "ROWS" else sheet.delete_cols)(start, end)
    return {}


def sort_range(ctx: Context, body: dict) -> dict:
    grid = body.get("range", {})
    sheet = ctx.sheet(grid.get("sheetId"))
    b = _grid_bounds(sheet, grid)
    specs = []
    for spec in body.get("sortSpecs") or [{}]:
        col = spec.get("dimensionIndex", 0)
        if not b.col0 <= col < b.col1:
            raise ctx.error(f"Sort column {col} is outside the sorted range.")
        specs.append((col, spec.get("sortOrder", "ASCENDING") == "DESCENDING"))
    sheet.sort(b, specs)
    return {}


def update_cells(ctx: Context, body: dict) -> dict:
    """Values inside updateCells are written (userEnteredValue); every other part is recorded."""
    fields = body.get("fields") or ""
    if "start" in body:
        start = body["start"]
        sheet = ctx.sheet(start.get("sheetId"))
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
    else:
        sheet = ctx.sheet(body.get("range", {}).get("sheetId"))
        b = _grid_bounds(sheet, body.get("range", {}))
        r0, c0 = b.row0, b.col0
    sheet.recorded.append(("updateCells", copy.deepcopy(body)))
    if fields != "*" and "userEnteredValue" not in fields:
        return {}
    for i, row in enumerate(body.get("rows") or []):
        for j, cell in enumerate(row.get("values") or []):
            entered = cell.get("userEnteredValue")
            value = None
            if entered:
                kind, raw = next(iter(entered.items()))
                try:
                    value = cells.Formula(raw) if kind == "formulaValue" else cells.from_raw(raw)
                except cells.CellTooLong:
                    raise cell_too_long() from None
            if r0 + i >= sheet.row_count or c0 + j >= sheet.col_count:
                raise ctx.error("The request range exceeds the grid limits.")
            sheet.set_cell(r0 + i, c0 + j, value)
    return {}


def set_data_validation(ctx: Context, body: dict) -> dict:
    sheet = ctx.sheet(body.get("range", {}).get("sheetId"))
    sheet.data_validations.append(copy.deepcopy(body))
    return {}


def add_conditional_format_rule(ctx: Context, body: dict) -> dict:
    rule = copy.deepcopy(body.get("rule", {}))
    ranges = rule.get("ranges") or [{}]
    sheet = ctx.sheet(ranges[0].get("sheetId"))
    sheet.conditional_formats.insert(min(body.get("index", 0), len(sheet.conditional_formats)), rule)
    return {}


def update_conditional_format_rule(ctx: Context, body: dict) -> dict:
    sheet = ctx.sheet(body.get("sheetId", (body.get("rule", {}).get("ranges") or [{}])[0].get("sheetId")))
    index = body.get("index", 0)
    if not 0 <= index < len(sheet.conditional_formats):
        raise ctx.error(f"No conditional format on sheet {sheet.id} at index {index}")
    sheet.conditional_formats[index] = copy.deepcopy(body.get("rule", {}))
    return {}


def delete_conditional_format_rule(ctx: Context, body: dict) -> dict:
    sheet = ctx.sheet(body.get("sheetId"))
    index = body.get("index", 0)
    if not 0 <= index < len(sheet.conditional_formats):
        raise ctx.error(f"No conditional format on sheet {sheet.id} at index {index}")
    return {"deleteConditionalFormatRule": {"rule": sheet.conditional_formats.pop(index)}}


def _all_protected(ss: Spreadsheet):
    for sheet in ss.sheets:
        for pr in sheet.protected_ranges:
            yield sheet, pr


def add_protected_range(ctx: Context, body: dict) -> dict:
    pr = copy.deepcopy(body.get("protectedRange", {}))
    sheet = ctx.sheet(pr.get("range", {}).get("sheetId", 0))
    pr.setdefault("protectedRangeId", random.randint(1, 2_147_483_646))
    pr.setdefault("requestingUserCanEdit", True)
    pr.setdefault("range", {"sheetId": sheet.id})
    sheet.protected_ranges.append(pr)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(pr)}}


def update_protected_range(ctx: Context, body: dict) -> dict:
    new = body.get("protectedRange", {})
    for _, pr in _all_protected(ctx.ss):
        if pr["protectedRangeId"] == new.get("protectedRangeId"):
            apply_fields(pr, new, body.get("fields") or "*")
            return {}
    raise ctx.error(f"No protected range with id: {new.get('protectedRangeId')}")


def delete_protected_range(ctx: Context, body: dict) -> dict:
    for sheet, pr in _all_protected(ctx.ss):
        if pr["protectedRangeId"] == body.get("protectedRangeId"):
            sheet.protected_ranges.remove(pr)
            return {}
    raise ctx.error(f"No protected range with id: {body.get('protectedRangeId')}")


def merge_cells(ctx: Context, body: dict) -> dict:
    grid = copy.deepcopy(body.get("range", {}))
    ctx.sheet(grid.get("sheetId")).merges.append(grid)
    return {}


def unmerge_cells(ctx: Context, body: dict) -> dict:
    grid = body.get("range", {})
    sheet = ctx.sheet(grid.get("sheetId"))
    inside = _grid_bounds(sheet, grid)
    sheet.merges[:] = [m for m in sheet.merges if not (
        inside.row0 <= m.get("startRowIndex", 0) and m.get("endRowIndex", 0) <= inside.row1
        and inside.col0 <= m.get("startColumnIndex", 0) and m.get("endColumnIndex", 0) <= inside.col1)]
    return {}


def set_basic_filter(ctx: Context, body: dict) -> dict:
    flt = copy.deepcopy(body.get("filter", {}))
    ctx.sheet(flt.get("range", {}).get("sheetId")).basic_filter = flt
    return {}


def clear_basic_filter(ctx: Context, body: dict) -> dict:
    ctx.sheet(body.get("sheetId")).basic_filter = None
    return {}


def add_named_range(ctx: Context, body: dict) -> dict:
    named = copy.deepcopy(body.get("namedRange", {}))
    named.setdefault("namedRangeId", "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                             for _ in range(12)))
    ctx.ss.named_ranges.append(named)
    return {"addNamedRange": {"namedRange": copy.deepcopy(named)}}


HANDLERS = {
    "addSheet": add_sheet, "deleteSheet": delete_sheet, "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties, "insertDimension": insert_dimension,
    "appendDimension": append_dimension, "deleteDimension": delete_dimension, "sortRange": sort_range,
    "updateCells": update_cells, "setDataValidation": set_data_validation,
    "addConditionalFormatRule": add_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule, "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range, "deleteProtectedRange": delete_protected_range,
    "mergeCells": merge_cells, "unmergeCells": unmerge_cells, "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter, "addNamedRange": add_named_range,
    "createDeveloperMetadata": create_developer_metadata, "updateDeveloperMetadata": update_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
}


def _record(ctx: Context, kind: str, body: dict) -> dict:
    sheet_id = _find_sheet_id(body)
    target = ctx.sheet(sheet_id) if sheet_id is not None else ctx.ss.sheets[0]
    target.recorded.append((kind, copy.deepcopy(body)))
    return {}


def _find_sheet_id(node):
    if isinstance(node, dict):
        if "sheetId" in node:
            return node["sheetId"]
        for value in node.values():
            found = _find_sheet_id(value)
            if found is not None:
                return found
    if isinstance(node, list):
        for value in node:
            found = _find_sheet_id(value)
            if found is not None:
                return found
    return None


def _snapshot(ss: Spreadsheet):
    return (copy.deepcopy(ss.properties), list(ss.sheets), copy.deepcopy(ss.named_ranges),
            copy.deepcopy(ss.developer_metadata),
            [(s, copy.deepcopy({k: v for k, v in vars(s).items() if k != "rows"}), [r[:] for r in s.rows])
             for s in ss.sheets])


def _restore(ss: Spreadsheet, snap) -> None:
    ss.properties, ss.sheets, ss.named_ranges, ss.developer_metadata, sheets = snap
    for sheet, attrs, rows in sheets:
        vars(sheet).update(attrs)
        sheet.rows = rows


def batch_update(model, ss: Spreadsheet, body: dict) -> dict:
    """Apply every request or none (Google's batchUpdate is atomic); replies line up with requests."""
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid("Must specify at least one request.")
    snapshot = _snapshot(ss) if len(requests) > 1 else None
    replies = []
    try:
        for index, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise invalid(f"Invalid requests[{index}]: exactly one kind of request must be set.")
            kind, payload = next(iter(request.items()))
            ctx = Context(ss, index, kind)
            if kind in HANDLERS:
                replies.append(HANDLERS[kind](ctx, payload or {}))
            elif kind in RECORDED:
                replies.append(_record(ctx, kind, payload or {}))
            elif kind in UNMODELLED:
                raise ApiError(501, f"{ctx.prefix}not modelled by the local Sheets server (jiesu sheets-server).")
            else:
                raise invalid(f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{index}]': "
                              f"Cannot find field.")
    except Exception:
        if snapshot is not None:
            _restore(ss, snapshot)
        raise
    model.touch(ss)
    out = {"spreadsheetId": ss.id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = ss.metadata()
    return out
