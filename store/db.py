"""Opening the state database: engine settings per backend and migrations applied on open."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed 64-bit number: the advisory lock that serialises migrations and numbering on PostgreSQL.
PG_LOCK_MIGRATE = 0x6A6965_7375_01
PG_LOCK_NUMBERING = 0x6A6965_7375_02


class StoreError(Exception):
    """The state database cannot be opened or used; the message says why in Chinese and English."""


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and write-locking transactions."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise StoreError(f"状态库地址无效: {url} / invalid state database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建状态库目录 {Path(parsed.database).parent}: {exc} / "
                                 f"cannot create the state database directory") from exc
        engine = create_engine(parsed, connect_args={"timeout": 30})
        _sqlite_locking(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except ImportError as exc:
            raise StoreError("使用 PostgreSQL 需要安装 psycopg: pip install 'jiesu[postgres]' / "
                             f"PostgreSQL needs the psycopg driver: {exc}") from exc
    raise StoreError(f"不支持的状态库类型: {parsed.get_backend_name()} (仅支持 sqlite, postgresql) / "
                     f"unsupported state database backend")


def _sqlite_locking(engine: Engine) -> None:
    # pysqlite's own transaction handling starts transactions lazily as DEFERRED, so two processes can both
    # read then deadlock on upgrading to write; BEGIN IMMEDIATE takes the write lock up front instead.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # Reads (StoreBase._read) begin deferred so dashboards never queue behind a long sync write.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("jiesu_read") else "BEGIN IMMEDIATE")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: tables other code keeps in this database (APScheduler's job store) are not ours."""
    return not (type_ == "table" and reflected and compare_to is None)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; several processes opening at once migrate only once."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if is_postgres(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_MIGRATE})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision shipped with this code."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()
