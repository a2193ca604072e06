"""Worksheet schemas of a ledger workbook: columns, owners, parsing and validation."""
