"""Engines for SQLite (the embedded default) and PostgreSQL, and the few places where they differ."""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, pool
from sqlalchemy.engine import make_url
from sqlalchemy.sql import Select

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10  # seconds a PostgreSQL connection attempt may take: a firewalled host never answers


@dataclass(frozen=True)
class Database:
    """`engine` writes; `read_engine` serves queries (the same engine except on SQLite)."""

    url: str
    engine: Engine
    read_engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


# How long a writer waits for the process's write turn before leaving it to SQLite's own busy timeout.
WRITE_TURN_TIMEOUT = 30.0
# Connections per SQLite engine: more than the server's concurrent requests plus the workers, so no request
# waits for a pooled connection (SQLite connections are cheap; WAL readers do not block one another).
SQLITE_POOL = 30


def connect(url: str, *, echo: bool = False) -> Database:
    if make_url(url).get_backend_name() == "sqlite":
        writer = _sqlite_engine(url, begin="BEGIN IMMEDIATE", echo=echo, turn=WriteTurn())
        reader = _sqlite_engine(url, begin="BEGIN", echo=echo)
        return Database(url=url, engine=writer, read_engine=reader)
    engine = create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)
    return Database(url=url, engine=engine, read_engine=engine)


def connect_readonly(url: str) -> Database:
    """For commands that only read: a SQLite file is opened read-only (so it is never created); PostgreSQL
    transactions are READ ONLY. Connections are not pooled (one command, then exit)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, poolclass=pool.NullPool, execution_options={"postgresql_readonly": True},
                               connect_args={"connect_timeout": CONNECT_TIMEOUT})
        return Database(url=url, engine=engine, read_engine=engine)
    uri = Path(parsed.database or "").absolute().as_uri() + "?mode=ro"

    def open_readonly() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)

    engine = create_engine("sqlite://", poolclass=pool.NullPool, creator=open_readonly)
    return Database(url=url, engine=engine, read_engine=engine)


def _sqlite_engine(url: str, *, begin: str, echo: bool, turn: WriteTurn | None = None) -> Engine:
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False},
                           pool_size=SQLITE_POOL, max_overflow=0, pool_timeout=30)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions would start too late to lock).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # The process's write turn first, in this one listener: SQLAlchemy 2.1 runs an engine's "begin"
        # listeners in the order they were added whatever `insert=True` says, and a turn taken after BEGIN
        # IMMEDIATE left every writer to SQLite's busy handler.
        if turn is not None:
            turn.take(conn.connection.info)
        # SQLite has one writer: taking the write lock up front (IMMEDIATE) serialises commands instead of
        # failing them with "database is locked" when two read-then-write transactions meet.
        conn.exec_driver_sql(begin)

    if turn is not None:
        @event.listens_for(engine, "checkin")
        def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
            if record is not None:
                turn.give(record.info)

    return engine


class WriteTurn:
    """Writers in this process queue on a lock for SQLite's one write lock, taken before BEGIN IMMEDIATE and
    given back when the connection returns to the pool.

    Without it, twenty writers at once all poll SQLite's busy handler, which sleeps between tries with a
    growing backoff (up to 100 ms): the lock sits free while waiters sleep, and the slowest requests took
    most of a second. A waiter on this lock starts the moment the previous writer is done. (One process per
    SQLite file; another process, if any, still meets SQLite's busy timeout.)
    """

    KEY = "write_turn"  # in the pooled connection's `info`: this checkout holds the turn

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def take(self, info: dict[Any, Any]) -> None:
        if info.get(self.KEY):
            return  # this checkout already holds the turn (a second transaction on the same connection)
        info[self.KEY] = self._lock.acquire(timeout=WRITE_TURN_TIMEOUT)
        if not info[self.KEY]:
            log.warning("waited %.0f s for the write turn; leaving it to SQLite's busy timeout", WRITE_TURN_TIMEOUT)

    def give(self, info: dict[Any, Any]) -> None:
        if info.pop(self.KEY, False):
            self._lock.release()


def for_update(stmt: Select[Any], db_dialect: str, *, skip_locked: bool = False) -> Select[Any]:
    """Row locks on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the only write lock."""
    if db_dialect == "sqlite":
        return stmt
    return stmt.with_for_update(skip_locked=skip_locked)


def migrations_path() -> str:
    return str(files("incidentbot.migrations"))


def upgrade(url: str) -> None:
    """Bring the schema to the newest migration (idempotent), creating a SQLite file when there is none.

    Raises :class:`~incidentbot.store.preflight.DatabaseProblem` (one line) when the database cannot be reached
    or has a schema newer than this version's.
    """
    from alembic import command
    from alembic.config import Config

    from incidentbot.store.preflight import check_can_migrate

    check_can_migrate(url)

    cfg = Config()
    cfg.set_main_option("script_location", migrations_path())
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logging"] = False
    command.upgrade(cfg, "head")


@functools.cache
def insert_ignoring_conflict(table: Any, dialect: str, returning: Any = None) -> Any:
    """An INSERT that silently skips rows whose unique key already exists (both dialects say ON CONFLICT),
    optionally returning a column of the rows it inserted.

    Built once per table: pass the values when executing it (`conn.execute(stmt, values)`); a statement built
    anew with `.values(...)` on every command cost more to build than to run.
    """
    stmt: Any
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table).on_conflict_do_nothing()
    return stmt if returning is None else stmt.returning(returning)
