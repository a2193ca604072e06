"""Reading a local .xlsx workbook into plain grids of cell text, with clear errors (kept for importers)."""
from connector.xlsx import WorkbookError, read_workbook

__all__ = ["WorkbookError", "read_workbook"]
