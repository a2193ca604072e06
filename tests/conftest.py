"""Shared pytest fixtures (Flask tutorial style: app, client, runner)."""
import pytest

from app import create_app


@pytest.fixture
def app(tmp_path):
    return create_app({"TESTING": True, "INSTANCE": str(tmp_path)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()

from pg import db_url, pg_server  # noqa: E402,F401  (PostgreSQL and SQLite state-database fixtures)
