"""PostgreSQL for tests: JIESU_TEST_PG_URL, or a throwaway cluster from the Debian server binaries.

Without either, PostgreSQL tests are skipped with a message; under CI (CI=true) they fail instead."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid

import pytest


def _missing(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not available ({reason}); set JIESU_TEST_PG_URL or install postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root; hand the cluster to the postgres user when we are root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server URL (postgresql+psycopg://…/postgres) for the whole session."""
    url = os.environ.get("JIESU_TEST_PG_URL")
    if url:
        yield url
        return
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        _missing("no initdb under /usr/lib/postgresql")
    bindir = os.path.dirname(bins[-1])
    # A throwaway cluster needs no durability: memory-backed storage makes CREATE/DROP DATABASE cheap.
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    root = tempfile.mkdtemp(prefix="jiesu-pg-", dir=shm)
    data, sock = os.path.join(root, "data"), os.path.join(root, "sock")
    os.makedirs(sock)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
    port = _free_port()
    try:
        subprocess.run(_as_postgres([f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres",
                                     "-E", "UTF8", "--no-locale"]), check=True, capture_output=True)
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(_as_postgres([f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-l",
                                     os.path.join(root, "log"), "-w", "start"]), check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        _missing(f"could not start a throwaway cluster: {exc} {detail.decode(errors='replace')[-300:]}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _admin(server_url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(server_url)
    return psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                           dbname=u.database or "postgres", autocommit=True)


def fresh_pg_database(server_url: str) -> str:
    """Create an empty database on the server and return its SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    name = "t_" + uuid.uuid4().hex[:12]
    with _admin(server_url) as conn:
        # FILE_COPY (PostgreSQL 15+) copies the template's files instead of logging every page.
        fast = conn.info.server_version >= 150000
        conn.execute(f'CREATE DATABASE "{name}"' + (" STRATEGY = FILE_COPY" if fast else ""))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(server_url: str, url: str) -> None:
    from sqlalchemy.engine import make_url

    with _admin(server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty state database URL, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.db'}"
        return
    server = request.getfixturevalue("pg_server")
    url = fresh_pg_database(server)
    yield url
    drop_pg_database(server, url)
