"""Shared pytest fixtures (Flask tutorial style: app, client, runner), the state databases and the
local Sheets server."""
import pytest

from app import create_app
from pg import db_url, pg_server  # noqa: F401  (PostgreSQL and SQLite state-database fixtures)


@pytest.fixture
def app(tmp_path):
    return create_app({"TESTING": True, "INSTANCE": str(tmp_path)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sheets_server():
    """A real local Sheets v4 server on 127.0.0.1 (free port) in a background thread: `.url`, `.model`,
    `.counts`/`.log`, `.quota`, `.person(spreadsheet_id)`, `.client()` (see docs/sheets-server.md)."""
    from connector.sheets_server import serve_in_thread

    server = serve_in_thread()
    yield server
    server.stop()
