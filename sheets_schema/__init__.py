"""Worksheet schemas of a ledger workbook: columns, owners, parsing and validation."""
from sheets_schema.cells import check_cell, parse_cell
from sheets_schema.columns import CLERK, COORDINATOR, SERVICE, UNIT, Column, Order, Sheet, header_key
from sheets_schema.parse import CellError, is_formula_like
from sheets_schema.records import Record, read_records
from sheets_schema.summary import OK_TEXT, blocking_rows, row_summary, summaries
from sheets_schema.validate import (
    MissingHeaders, Problem, SchemaError, locate, validate_sheet, validate_workbook,
)
from sheets_schema.worksheets import (
    CALENDAR_SHEET, DISPATCH_SHEET, KNOWLEDGE_SHEET, LEDGER, SHEETS, SUPERVISION_SHEET, UNITS_SHEET,
    sheet_for_title,
)

__all__ = [
    "CALENDAR_SHEET", "CLERK", "COORDINATOR", "CellError", "Column", "DISPATCH_SHEET", "KNOWLEDGE_SHEET",
    "LEDGER", "MissingHeaders", "OK_TEXT", "Order", "Problem", "Record", "read_records", "SERVICE", "SHEETS", "SUPERVISION_SHEET",
    "SchemaError", "Sheet", "UNIT", "UNITS_SHEET", "blocking_rows", "check_cell", "header_key",
    "is_formula_like", "locate", "parse_cell", "row_summary", "sheet_for_title", "summaries",
    "validate_sheet", "validate_workbook",
]
