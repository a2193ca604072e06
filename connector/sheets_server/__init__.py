"""A local Google-Sheets-v4-compatible server (with the Drive v3 calls gspread makes) for tests and offline work.

Real gspread runs against it unchanged over HTTP: `local_client(url)` gives a gspread.Client whose requests to
sheets.googleapis.com / www.googleapis.com go to `url` instead. See docs/sheets-server.md.
"""
from connector.sheets_server.app import ROUTES, RequestRecord, SheetsApp
from connector.sheets_server.client import RedirectAdapter, local_client, redirect_session
from connector.sheets_server.errors import ApiError
from connector.sheets_server.model import MAX_CELLS, Model, Sheet, Spreadsheet
from connector.sheets_server.cells import MAX_CELL_CHARS
from connector.sheets_server.quota import Quota
from connector.sheets_server.server import Person, RunningServer, serve_in_thread

__all__ = ["ApiError", "MAX_CELLS", "MAX_CELL_CHARS", "Model", "Person", "Quota", "RedirectAdapter", "ROUTES",
           "RequestRecord", "RunningServer", "SheetsApp", "Sheet", "Spreadsheet", "local_client",
           "redirect_session", "serve_in_thread"]
