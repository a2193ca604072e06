"""Ledger connectors: the local .xlsx workbook (embedded default) and Google Sheets through gspread."""
